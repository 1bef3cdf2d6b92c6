using System.Diagnostics;
using Phoenix.Node.Diagnostics;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Hosting.Internal;

/// <summary>
/// Serializes every call into a non-thread-safe application behind one lock: the consensus loop (FinalizeBlock,
/// Commit, proposals), the mempool (CheckTx from API threads and re-checks) and state queries share it.
/// </summary>
/// <remarks>
/// <para>The block-path calls and <c>CheckTx</c> report their duration to <see cref="NodeMetrics.AbciCall"/> when metrics are given.</para>
/// <para>Consensus comes first: while a block-path call (proposals, FinalizeBlock, Commit) waits for the lock, new
/// <c>CheckTx</c> calls hold back, so a flood of submissions cannot starve block production (the lock itself is not fair).</para>
/// </remarks>
internal sealed class SerializedApplication(IAbciApplication inner, NodeMetrics? metrics = null) : IAbciApplication
{
    private readonly Lock _lock = new();
    private int _consensusWaiting;

    private void EnterForConsensus()
    {
        Interlocked.Increment(ref _consensusWaiting);
        _lock.Enter();
        Interlocked.Decrement(ref _consensusWaiting);
    }

    private T Consensus<T>(string tag, Func<T> call)
    {
        EnterForConsensus();
        try
        {
            var start = Stopwatch.GetTimestamp();
            var response = call();
            metrics?.AbciCall(tag, Stopwatch.GetElapsedTime(start));
            return response;
        }
        finally
        {
            _lock.Exit();
        }
    }

    public IAbciApplication Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public InfoResponse Info(InfoRequest request)
    {
        lock (_lock)
        {
            return Inner.Info(request);
        }
    }

    public InitChainResponse InitChain(InitChainRequest request)
    {
        lock (_lock)
        {
            return Inner.InitChain(request);
        }
    }

    public CheckTxResponse CheckTx(CheckTxRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spin = default(SpinWait);
        while (request.Kind == CheckTxKind.New && Volatile.Read(ref _consensusWaiting) > 0)
        {
            spin.SpinOnce();
        }

        lock (_lock)
        {
            var start = Stopwatch.GetTimestamp();
            var response = Inner.CheckTx(request);
            metrics?.AbciCall(request.Kind == CheckTxKind.Recheck ? "recheck_tx" : "check_tx", Stopwatch.GetElapsedTime(start));
            return response;
        }
    }

    public PrepareProposalResponse PrepareProposal(PrepareProposalRequest request)
    {
        return Consensus("prepare_proposal", () => Inner.PrepareProposal(request));
    }

    public ProcessProposalResponse ProcessProposal(ProcessProposalRequest request)
    {
        return Consensus("process_proposal", () => Inner.ProcessProposal(request));
    }

    public ExtendVoteResponse ExtendVote(ExtendVoteRequest request)
    {
        lock (_lock)
        {
            return Inner.ExtendVote(request);
        }
    }

    public VerifyVoteExtensionResponse VerifyVoteExtension(VerifyVoteExtensionRequest request)
    {
        lock (_lock)
        {
            return Inner.VerifyVoteExtension(request);
        }
    }

    public FinalizeBlockResponse FinalizeBlock(FinalizeBlockRequest request)
    {
        return Consensus("finalize_block", () => Inner.FinalizeBlock(request));
    }

    public CommitResponse Commit()
    {
        return Consensus("commit", Inner.Commit);
    }

    public QueryResponse Query(QueryRequest request)
    {
        lock (_lock)
        {
            return Inner.Query(request);
        }
    }

    public ListSnapshotsResponse ListSnapshots()
    {
        lock (_lock)
        {
            return Inner.ListSnapshots();
        }
    }

    public OfferSnapshotResponse OfferSnapshot(OfferSnapshotRequest request)
    {
        lock (_lock)
        {
            return Inner.OfferSnapshot(request);
        }
    }

    public LoadSnapshotChunkResponse LoadSnapshotChunk(LoadSnapshotChunkRequest request)
    {
        lock (_lock)
        {
            return Inner.LoadSnapshotChunk(request);
        }
    }

    public ApplySnapshotChunkResponse ApplySnapshotChunk(ApplySnapshotChunkRequest request)
    {
        lock (_lock)
        {
            return Inner.ApplySnapshotChunk(request);
        }
    }

    /// <summary>Runs <paramref name="read"/> under the application lock (read-only access to committed state).</summary>
    public T Read<T>(Func<IAbciApplication, T> read)
    {
        lock (_lock)
        {
            return read(Inner);
        }
    }
}
