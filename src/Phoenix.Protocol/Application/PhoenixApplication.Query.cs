using System.Globalization;
using System.Text;
using System.Text.Json;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Internal;
using Phoenix.Protocol.Modules.Auth;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Application;

public sealed partial class PhoenixApplication
{
    /// <inheritdoc />
    /// <remarks>
    /// Paths (height 0 = last committed; any committed height is readable):
    /// <list type="bullet">
    /// <item><c>/store/key</c>: data = a raw state key; value = the raw value.</item>
    /// <item><c>/bank/balance/{address}/{denom}</c>: value = decimal base units (UTF-8); key = the balance key.</item>
    /// <item><c>/auth/account/{address}</c>: value = <c>phoenix.state.v1.Account</c>; key = the account key.</item>
    /// <item><c>/params</c>: value = the chain parameters as JSON (not proven).</item>
    /// <item><c>/store/prefix</c>: data = a key prefix; only the last committed height (height 0 or that height).
    /// Value = the entries under the prefix in key order, each as a 4-byte big-endian key length, the key, a
    /// 4-byte big-endian value length and the value (at most <see cref="MaxPrefixEntries"/> entries, otherwise
    /// <see cref="QueryErrors.InvalidRequest"/>). With <see cref="QueryRequest.Prove"/>, one proof op per entry,
    /// in the same order. The sparse Merkle tree hashes keys, so the proofs show each entry is in the state but
    /// cannot show that no entry was left out.</item>
    /// </list>
    /// With <see cref="QueryRequest.Prove"/>, <see cref="QueryResponse.ProofOps"/> holds one
    /// <see cref="StateProof.ProofType"/> op whose data is a <see cref="StateProof"/> for the raw key
    /// and raw stored value (for balances: 16-byte big-endian) against that height's app hash.
    /// </remarks>
    public QueryResponse Query(QueryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var height = request.Height == 0 ? _committed.Height : request.Height;
        if (!_committed.HasState || height > _committed.Height || _committed.RootAt(height) is not { } root)
        {
            return QueryFailure(QueryErrors.HeightNotAvailable, $"No committed state at height {request.Height}.", height);
        }

        var parts = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        byte[] key;
        Func<byte[]?, byte[]> present = v => v ?? [];
        switch (parts)
        {
            case ["store", "key"]:
                key = request.Data.ToArray();
                break;
            case ["bank", "balance", var a, var d]:
                if (!Address.TryParse(a, null, out var address) || !Denom.TryParse(d, null, out var denom))
                {
                    return QueryFailure(QueryErrors.InvalidRequest, "Expected /bank/balance/{phx address}/{denom}.", height);
                }

                key = BankModule.BalanceKey(address, denom);
                present = v => Encoding.UTF8.GetBytes((v is null ? UInt128.Zero : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(v)).ToString(CultureInfo.InvariantCulture));
                break;
            case ["auth", "account", var a]:
                if (!Address.TryParse(a, null, out var account))
                {
                    return QueryFailure(QueryErrors.InvalidRequest, "Expected /auth/account/{phx address}.", height);
                }

                key = AuthModule.AccountKey(account);
                break;
            case ["store", "prefix"]:
                return QueryPrefix(request, height, root);
            case ["params"]:
                return new QueryResponse(0, string.Empty, string.Empty, 0, ReadOnlyMemory<byte>.Empty, JsonSerializer.SerializeToUtf8Bytes(_parameters, GenesisJson.ParameterOptions), [], height, string.Empty);
            default:
                return QueryFailure(QueryErrors.UnknownPath, $"Unknown query path '{request.Path}'.", height);
        }

        var value = _committed.GetProven(root, key, out var proof);
        IReadOnlyList<ProofOp> ops = request.Prove ? [new ProofOp(StateProof.ProofType, key, proof.ToBytes())] : [];
        return new QueryResponse(0, value is null ? "absent" : string.Empty, string.Empty, 0, key, present(value), ops, height, string.Empty);
    }

    /// <summary>The most entries one <c>/store/prefix</c> query returns.</summary>
    public const int MaxPrefixEntries = 4096;

    private QueryResponse QueryPrefix(QueryRequest request, long height, Hash32 root)
    {
        if (height != _committed.Height)
        {
            return QueryFailure(QueryErrors.InvalidRequest, "/store/prefix reads only the last committed height.", height);
        }

        if (request.Data.IsEmpty)
        {
            return QueryFailure(QueryErrors.InvalidRequest, "/store/prefix needs a non-empty key prefix.", height);
        }

        var keys = _committed.Scan(request.Data.Span);
        if (keys.Count > MaxPrefixEntries)
        {
            return QueryFailure(QueryErrors.InvalidRequest, $"The prefix matches more than {MaxPrefixEntries} keys.", height);
        }

        using var buffer = new MemoryStream();
        var ops = new List<ProofOp>();
        Span<byte> length = stackalloc byte[4];
        foreach (var (key, _) in keys)
        {
            // Values come from the tree at the answer's root, so a block committed during the scan cannot mix states.
            if (_committed.GetProven(root, key, out var proof) is not { } value)
            {
                continue;
            }

            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, key.Length);
            buffer.Write(length);
            buffer.Write(key);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
            buffer.Write(length);
            buffer.Write(value);
            if (request.Prove)
            {
                ops.Add(new ProofOp(StateProof.ProofType, key, proof.ToBytes()));
            }
        }

        return new QueryResponse(0, string.Empty, string.Empty, 0, request.Data, buffer.ToArray(), ops, height, string.Empty);
    }

    private static QueryResponse QueryFailure(ResultCode code, string log, long height)
        => new(code.Code, log, string.Empty, 0, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, [], height, code.Codespace);
}
