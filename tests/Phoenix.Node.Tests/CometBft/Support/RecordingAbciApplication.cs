using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Tests.CometBft.Support;

/// <summary>Decorates an application and records the name of every call that reached it, in order.</summary>
internal sealed class RecordingAbciApplication(IAbciApplication inner) : IAbciApplication
{
    private readonly Lock _lock = new();
    private readonly List<string> _calls = [];

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Calls of the consensus connection only, in order.</summary>
    public IReadOnlyList<string> ConsensusCalls => Calls.Where(c => c is not ("Info" or "Query" or "CheckTx" or "ListSnapshots" or "LoadSnapshotChunk")).ToArray();

    public InfoResponse Info(InfoRequest request) => Record(nameof(Info), () => inner.Info(request));

    public InitChainResponse InitChain(InitChainRequest request) => Record(nameof(InitChain), () => inner.InitChain(request));

    public CheckTxResponse CheckTx(CheckTxRequest request) => Record(nameof(CheckTx), () => inner.CheckTx(request));

    public PrepareProposalResponse PrepareProposal(PrepareProposalRequest request) => Record(nameof(PrepareProposal), () => inner.PrepareProposal(request));

    public ProcessProposalResponse ProcessProposal(ProcessProposalRequest request) => Record(nameof(ProcessProposal), () => inner.ProcessProposal(request));

    public ExtendVoteResponse ExtendVote(ExtendVoteRequest request) => Record(nameof(ExtendVote), () => inner.ExtendVote(request));

    public VerifyVoteExtensionResponse VerifyVoteExtension(VerifyVoteExtensionRequest request) => Record(nameof(VerifyVoteExtension), () => inner.VerifyVoteExtension(request));

    public FinalizeBlockResponse FinalizeBlock(FinalizeBlockRequest request) => Record(nameof(FinalizeBlock), () => inner.FinalizeBlock(request));

    public CommitResponse Commit() => Record(nameof(Commit), inner.Commit);

    public QueryResponse Query(QueryRequest request) => Record(nameof(Query), () => inner.Query(request));

    public ListSnapshotsResponse ListSnapshots() => Record(nameof(ListSnapshots), inner.ListSnapshots);

    public OfferSnapshotResponse OfferSnapshot(OfferSnapshotRequest request) => Record(nameof(OfferSnapshot), () => inner.OfferSnapshot(request));

    public LoadSnapshotChunkResponse LoadSnapshotChunk(LoadSnapshotChunkRequest request) => Record(nameof(LoadSnapshotChunk), () => inner.LoadSnapshotChunk(request));

    public ApplySnapshotChunkResponse ApplySnapshotChunk(ApplySnapshotChunkRequest request) => Record(nameof(ApplySnapshotChunk), () => inner.ApplySnapshotChunk(request));

    private T Record<T>(string name, Func<T> call)
    {
        lock (_lock)
        {
            _calls.Add(name);
        }

        return call();
    }
}
