using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Phoenix.Protocol.Modules.Auth;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.Sdk.Resilience;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient
{
    /// <summary>Reads an account's balance in one denomination.</summary>
    /// <param name="address">The account.</param>
    /// <param name="denom">The denomination.</param>
    /// <param name="height">The committed height to read at; 0 for the latest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The balance (zero for an account that holds none).</returns>
    /// <remarks>With a <see cref="ITrustedAppHashSource"/>, the node's answer is checked against the proof
    /// it returns and the trusted app hash at the answer's height.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> is negative.</exception>
    /// <exception cref="LightClientVerificationException">The answer does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused the query.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Amount> GetBalanceAsync(Address address, Denom denom, long height = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        var path = $"/bank/balance/{address}/{denom.Name}";
        var response = await QueryAsync(path, height, cancellationToken).ConfigureAwait(false);
        var text = Encoding.UTF8.GetString(response.Value.Span);
        if (!Amount.TryParseValue(text, out var value))
        {
            throw new PhoenixProtocolViolationException($"balance '{text}' is not a canonical decimal amount");
        }

        if (_trusted is not null)
        {
            var raw = new byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(raw, value);
            await VerifyAsync(response, BankModule.BalanceKey(address, denom), raw, allowAbsent: value == UInt128.Zero, cancellationToken).ConfigureAwait(false);
        }

        return new Amount(value, denom);
    }

    /// <summary>Reads an account's public key and next sequence number.</summary>
    /// <param name="address">The account.</param>
    /// <param name="height">The committed height to read at; 0 for the latest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account (sequence 0 and no key for an account that never sent a transaction).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> is negative.</exception>
    /// <exception cref="LightClientVerificationException">The answer does not match its proof or the trusted app hash.</exception>
    /// <exception cref="QueryFailedException">The node refused the query.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AccountState> GetAccountAsync(Address address, long height = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        var response = await QueryAsync($"/auth/account/{address}", height, cancellationToken).ConfigureAwait(false);
        var raw = response.Value;
        if (_trusted is not null)
        {
            await VerifyAsync(response, AuthModule.AccountKey(address), raw.ToArray(), allowAbsent: raw.IsEmpty, cancellationToken).ConfigureAwait(false);
        }

        if (raw.IsEmpty)
        {
            return new AccountState(address, null, 0, response.Height);
        }

        Phoenix.Protocol.Wire.State.Account account;
        try
        {
            account = Phoenix.Protocol.Wire.State.Account.Parser.ParseFrom(raw.Span);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new PhoenixProtocolViolationException("the account record is not valid protobuf: " + e.Message);
        }

        PublicKey? key = account.PublicKey.Length == 0 ? null : new PublicKey(account.PublicKey.Span);
        return new AccountState(address, key, account.Sequence, response.Height);
    }

    private async Task<QueryAnswer> QueryAsync(string path, long height, CancellationToken cancellationToken)
    {
        var prove = _trusted is not null;
        var r = await Pipeline.ExecuteAsync(
            async (uri, token) => await GetNode(uri).Api.QueryStateAsync(new Wire.QueryStateRequest { Path = path, Height = height, Prove = prove }, cancellationToken: token).ConfigureAwait(false),
            Idempotency.Idempotent,
            cancellationToken).ConfigureAwait(false);
        if (r.Code != 0)
        {
            throw new QueryFailedException(path, r.Code, r.Codespace, r.Log);
        }

        if (height != 0 && r.Height != height)
        {
            throw new LightClientVerificationException(string.Create(CultureInfo.InvariantCulture, $"asked for height {height}, the node answered for height {r.Height}"));
        }

        return new QueryAnswer(path, r.Height, r.Key.ToByteArray(), r.Value.ToByteArray(), [.. r.ProofOps]);
    }

    private async Task VerifyAsync(QueryAnswer answer, byte[] key, byte[] rawValue, bool allowAbsent, CancellationToken cancellationToken)
    {
        if (answer.Height <= 0)
        {
            throw new LightClientVerificationException($"the answer to '{answer.Path}' names no height");
        }

        if (answer.ProofOps.Count != 1 || answer.ProofOps[0].Type != StateProof.ProofType)
        {
            throw new LightClientVerificationException($"the answer to '{answer.Path}' carries no {StateProof.ProofType} proof");
        }

        var op = answer.ProofOps[0];
        if (!op.Key.Span.SequenceEqual(key))
        {
            throw new LightClientVerificationException($"the proof for '{answer.Path}' is for another state key");
        }

        if (!StateProof.TryParse(op.Data.Span, out var proof) || proof is null)
        {
            throw new LightClientVerificationException($"the proof for '{answer.Path}' is malformed");
        }

        var root = await _trusted!.GetAppHashAsync(answer.Height, cancellationToken).ConfigureAwait(false);
        var proven = proof.VerifyInclusion(root, key, rawValue) || (allowAbsent && proof.VerifyExclusion(root, key));
        if (!proven)
        {
            throw new LightClientVerificationException(string.Create(CultureInfo.InvariantCulture, $"the value of '{answer.Path}' does not match its proof against the trusted app hash at height {answer.Height}"));
        }
    }

    private sealed record QueryAnswer(string Path, long Height, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value, IReadOnlyList<Wire.ProofOp> ProofOps);
}
