using System.Diagnostics;
using Phoenix.Node.Diagnostics;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Hosting.Internal;

/// <summary>
/// Serializes every call into a non-thread-safe application behind one lock: the consensus loop (FinalizeBlock,
/// Commit, proposals), the mempool (CheckTx from API threads and re-checks) and state queries share it.
/// </summary>
/// <remarks>The block-path calls and <c>CheckTx</c> report their duration to <see cref="NodeMetrics.AbciCall"/> when metrics are given.</remarks>
internal sealed class SerializedApplication(IAbciApplication inner, NodeMetrics? metrics = null) : IAbciApplication
{
    private readonly Lock _lock = new();

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
        lock (_lock)
        {
            var start = Stopwatch.GetTimestamp();
            var response = Inner.PrepareProposal(request);
            metrics?.AbciCall("prepare_proposal", Stopwatch.GetElapsedTime(start));
            return response;
        }
    }

    public ProcessProposalResponse ProcessProposal(ProcessProposalRequest request)
    {
        lock (_lock)
        {
            var start = Stopwatch.GetTimestamp();
            var response = Inner.ProcessProposal(request);
            metrics?.AbciCall("process_proposal", Stopwatch.GetElapsedTime(start));
            return response;
        }
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
        lock (_lock)
        {
            var start = Stopwatch.GetTimestamp();
            var response = Inner.FinalizeBlock(request);
            metrics?.AbciCall("finalize_block", Stopwatch.GetElapsedTime(start));
            return response;
        }
    }

    public CommitResponse Commit()
    {
        lock (_lock)
        {
            var start = Stopwatch.GetTimestamp();
            var response = Inner.Commit();
            metrics?.AbciCall("commit", Stopwatch.GetElapsedTime(start));
            return response;
        }
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
