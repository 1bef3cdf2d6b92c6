using System.Globalization;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Auth;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;

namespace Phoenix.Protocol.Application;

public sealed partial class PhoenixApplication
{
    /// <inheritdoc />
    /// <remarks>
    /// Order: begin-block hooks, misbehaviour hooks, then each transaction (decode, signature, chain id,
    /// timeout, sequence, fee: charged into the fee pool and the sequence advanced even when a message
    /// fails; then its messages in a cache that is discarded if any fails), then end-block hooks.
    /// Running it again for the same height replaces the previous, uncommitted result.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The height is not the next one.</exception>
    public FinalizeBlockResponse FinalizeBlock(FinalizeBlockRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Height != _committed.Height + 1)
        {
            throw new InvalidOperationException($"FinalizeBlock for height {request.Height}, but the last committed height is {_committed.Height}.");
        }

        _committed.DiscardStaged();
        var state = new StateCache(_committed);
        SetBlockTime(state, request.Time);
        var context = new ModuleContext(_chainId, request.Height, request.Time, _parameters, state);
        var block = new BlockInfo(request.Height, request.Time, request.ProposerAddress, request.DecidedLastCommit, request.Misbehavior);
        foreach (var module in _modules)
        {
            module.BeginBlock(context, block);
        }

        foreach (var evidence in request.Misbehavior)
        {
            foreach (var module in _modules)
            {
                module.HandleMisbehavior(context, evidence);
            }
        }

        var decoded = new TxDecodeResult[request.Txs.Count];
        var valid = new List<SignedTransaction>(request.Txs.Count);
        for (var i = 0; i < decoded.Length; i++)
        {
            decoded[i] = _decoder.Decode(request.Txs[i].Span);
            if (decoded[i].Transaction is { } tx)
            {
                valid.Add(tx);
            }
        }

        var signatureOk = new bool[valid.Count];
        _verifier.VerifyAll(valid, signatureOk);
        var results = new ExecTxResult[decoded.Length];
        var v = 0;

        // One transaction-level cache for the whole block: each transaction flushes or discards it, which
        // leaves it empty for the next (its buffers are reused instead of reallocated per transaction).
        var txState = new StateCache(state);
        for (var i = 0; i < decoded.Length; i++)
        {
            var result = decoded[i].Transaction is { } tx
                ? Deliver(context, txState, tx, signatureOk[v++])
                : i == 0 && OracleVoteExtensions.IsInjectedTx(request.Txs[0].Span)
                    ? ApplyOracleInjection(context, request.Txs[0].Span)
                    : TxResult.Fail(decoded[i].Code, decoded[i].Log);
            results[i] = ToExec(result);
        }

        var updates = new Dictionary<string, ValidatorUpdate>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var module in _modules)
        {
            foreach (var update in module.EndBlock(context))
            {
                var key = Convert.ToHexString(update.PublicKey.Span);
                if (!updates.ContainsKey(key))
                {
                    order.Add(key);
                }

                updates[key] = update;
            }
        }

        var root = _committed.Stage(request.Height, state.Writes);
        _pending = new PendingBlock(request.Height, root, state);
        return new FinalizeBlockResponse(context.Events, results, [.. order.Select(k => updates[k])], null, root.ToArray());
    }

    private TxResult Deliver(ModuleContext block, StateCache txState, SignedTransaction tx, bool signatureOk)
    {
        var ante = Ante(block, tx, signatureOk, block.Height);
        if (!ante.IsOk)
        {
            return ante;
        }

        var txEvent = new AbciEvent("tx", [
            new EventAttribute("signer", tx.SignerAddress.ToString()),
            new EventAttribute("sequence", tx.Sequence.ToString(CultureInfo.InvariantCulture)),
            new EventAttribute("fee", tx.Fee.ToString()),
            new EventAttribute("hash", tx.Hash.ToString()),
        ]);
        var txContext = new ModuleContext(block.ChainId, block.Height, block.Time, block.Parameters, txState, tx.SignerAddress);
        foreach (var message in tx.Messages)
        {
            var result = _registry.Execute(txContext, message);
            if (!result.IsOk)
            {
                txContext.State.Discard();
                return new TxResult(result.Code, result.Log, 0, [txEvent]);
            }
        }

        txContext.State.Flush();
        return TxResult.Success([txEvent, .. txContext.Events]);
    }

    /// <summary>
    /// The transaction checks shared by CheckTx and FinalizeBlock: signature, chain id, timeout,
    /// account key and sequence, fee. On success the fee has been moved to the fee pool and the
    /// sequence advanced in <paramref name="context"/>'s state; on failure nothing was written.
    /// </summary>
    private TxResult Ante(ModuleContext context, SignedTransaction tx, bool signatureOk, long height)
    {
        if (!signatureOk)
        {
            return TxResult.Fail(TxErrors.InvalidSignature, "The signature does not verify under the signer key.");
        }

        if (!string.Equals(tx.ChainId, _chainId, StringComparison.Ordinal))
        {
            return TxResult.Fail(TxErrors.WrongChainId, $"The transaction is for chain '{tx.ChainId}', this is '{_chainId}'.");
        }

        if (tx.TimeoutHeight != 0 && (ulong)height > tx.TimeoutHeight)
        {
            return TxResult.Fail(TxErrors.TimedOut, $"Timeout height {tx.TimeoutHeight} passed.");
        }

        var account = AuthModule.GetAccount(context.State, tx.SignerAddress);
        if (account.PublicKey is { } key && key != tx.Signer)
        {
            return TxResult.Fail(TxErrors.PublicKeyMismatch, "The account is bound to another key.");
        }

        if (account.Sequence != tx.Sequence)
        {
            return TxResult.Fail(TxErrors.SequenceMismatch, string.Create(CultureInfo.InvariantCulture, $"Expected sequence {account.Sequence}, got {tx.Sequence}."));
        }

        var fee = BankModule.ChargeFee(context, tx.SignerAddress, tx.Fee);
        if (!fee.IsOk)
        {
            return TxResult.Fail(TxErrors.InsufficientFee, fee.Log);
        }

        AuthModule.SetAccount(context.State, account with { PublicKey = tx.Signer, Sequence = account.Sequence + 1 });
        return TxResult.Success();
    }

    private static ExecTxResult ToExec(TxResult r)
        => new(r.Code.Code, ReadOnlyMemory<byte>.Empty, r.IsOk ? string.Empty : $"{r.Code.Name}: {r.Log}", string.Empty, 0, r.GasUsed, r.Events, r.Codespace);

    /// <inheritdoc />
    public PrepareProposalResponse PrepareProposal(PrepareProposalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chosen = new List<ReadOnlyMemory<byte>>();
        long used = 0;
        if (BuildOracleInjection(request) is { } injected && ProtoSizeInData(injected.Length) <= request.MaxTxBytes)
        {
            chosen.Add(injected);
            used += ProtoSizeInData(injected.Length);
        }

        foreach (var tx in request.Txs)
        {
            var decoded = _decoder.Decode(tx.Span);
            if (!decoded.IsOk || !string.Equals(decoded.Transaction!.ChainId, _chainId, StringComparison.Ordinal))
            {
                continue;
            }

            var size = ProtoSizeInData(tx.Length);
            if (used + size > request.MaxTxBytes)
            {
                continue;
            }

            used += size;
            chosen.Add(tx);
        }

        return new PrepareProposalResponse(chosen);
    }

    /// <inheritdoc />
    /// <remarks>Rejects a block containing a transaction that does not decode or is for another chain (an honest proposer drops those),
    /// or whose first transaction is an injected oracle transaction that does not match the signed last commit.</remarks>
    public ProcessProposalResponse ProcessProposal(ProcessProposalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (var i = 0; i < request.Txs.Count; i++)
        {
            var tx = request.Txs[i];
            if (i == 0 && OracleVoteExtensions.IsInjectedTx(tx.Span))
            {
                if (!IsValidOracleInjection(request, tx.Span))
                {
                    return new ProcessProposalResponse(ProposalStatus.Reject);
                }

                continue;
            }

            var decoded = _decoder.Decode(tx.Span);
            if (!decoded.IsOk || !string.Equals(decoded.Transaction!.ChainId, _chainId, StringComparison.Ordinal))
            {
                return new ProcessProposalResponse(ProposalStatus.Reject);
            }
        }

        return new ProcessProposalResponse(ProposalStatus.Accept);
    }

    /// <summary>Bytes a transaction takes in a block's <c>Data.txs</c> (tag, length varint, payload), CometBFT's MaxTxBytes rule.</summary>
    /// <param name="length">The transaction length.</param>
    /// <returns>The protobuf-encoded size.</returns>
    public static long ProtoSizeInData(int length) => 1 + Google.Protobuf.CodedOutputStream.ComputeLengthSize(length) + length;
}
