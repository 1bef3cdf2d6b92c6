using System.Globalization;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Application;

public sealed partial class PhoenixApplication
{
    /// <inheritdoc />
    /// <remarks>
    /// Decodes, verifies the signature and runs the transaction checks (chain id, timeout at the
    /// next height, sequence, fee and the balance to pay it, vesting judged at the last block time)
    /// against the check state, which then
    /// keeps the fee and sequence so a sender's next transaction checks against them. Messages are
    /// not executed here. The local minimum fee applies only here.
    /// <para>The signature goes through the application's <see cref="ISignatureBatchVerifier"/> (a host may cache
    /// verified signatures there). A <see cref="CheckTxKind.Recheck"/> skips the signature: re-checks are only for
    /// transactions this node admitted with a <see cref="CheckTxKind.New"/> check, and the signature is a function of
    /// the bytes alone, so only the stateful checks can change (as CometBFT allows and the Cosmos SDK does).</para>
    /// </remarks>
    public CheckTxResponse CheckTx(CheckTxRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var decoded = _decoder.Decode(request.Tx.Span);
        if (decoded.Transaction is not { } tx)
        {
            return CheckFailure(TxResult.Fail(decoded.Code, decoded.Log));
        }

        var minimum = _minimumFees.FirstOrDefault(f => f.Denom == tx.Fee.Denom);
        if (_minimumFees.Count > 0 && (!_minimumFees.Any(f => f.Denom == tx.Fee.Denom) || tx.Fee.Value < minimum.Value))
        {
            return CheckFailure(TxResult.Fail(TxErrors.FeeTooLow, $"This node requires at least {string.Join(" or ", _minimumFees)}."), tx);
        }

        var scratch = new StateCache(_checkState);
        var context = new ModuleContext(_chainId, _committed.Height + 1, _lastBlockTime, _parameters, scratch);
        var signatureOk = request.Kind == CheckTxKind.Recheck || VerifySignature(tx);
        var result = Ante(context, tx, signatureOk, _committed.Height + 1);
        if (!result.IsOk)
        {
            return CheckFailure(result, tx);
        }

        scratch.Flush();
        var priority = (long)UInt128.Min(tx.Fee.Value / (UInt128)Math.Max(1, tx.Size), (UInt128)long.MaxValue);
        return new CheckTxResponse(0, ReadOnlyMemory<byte>.Empty, string.Empty, string.Empty, 0, 0, [], string.Empty)
        {
            Sender = tx.SignerAddress.ToArray(),
            Sequence = tx.Sequence,
            Priority = priority,
        };
    }

    private bool VerifySignature(Transactions.SignedTransaction tx)
    {
        Span<bool> ok = stackalloc bool[1];
        _verifier.VerifyAll([tx], ok);
        return ok[0];
    }

    private static CheckTxResponse CheckFailure(TxResult result, Transactions.SignedTransaction? tx = null)
        => new(result.Code.Code, ReadOnlyMemory<byte>.Empty, $"{result.Code.Name}: {result.Log}", string.Empty, 0, 0, [], result.Codespace)
        {
            Sender = tx is null ? ReadOnlyMemory<byte>.Empty : tx.SignerAddress.ToArray(),
            Sequence = tx?.Sequence ?? 0,
        };
}
