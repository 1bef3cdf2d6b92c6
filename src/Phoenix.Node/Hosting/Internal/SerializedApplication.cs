using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Hosting.Internal;

/// <summary>
/// Serializes every call into a non-thread-safe application behind one lock: the consensus loop (FinalizeBlock,
/// Commit, proposals), the mempool (CheckTx from API threads and re-checks) and state queries share it.
/// </summary>
internal sealed class SerializedApplication(IAbciApplication inner) : IAbciApplication
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
            return Inner.CheckTx(request);
        }
    }

    public PrepareProposalResponse PrepareProposal(PrepareProposalRequest request)
    {
        lock (_lock)
        {
            return Inner.PrepareProposal(request);
        }
    }

    public ProcessProposalResponse ProcessProposal(ProcessProposalRequest request)
    {
        lock (_lock)
        {
            return Inner.ProcessProposal(request);
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
            return Inner.FinalizeBlock(request);
        }
    }

    public CommitResponse Commit()
    {
        lock (_lock)
        {
            return Inner.Commit();
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
