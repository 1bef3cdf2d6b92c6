using Phoenix.Protocol.Abci;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>
/// The single entry to the application shared by every connection (socket or gRPC): one lock
/// serializes all calls, as CometBFT's reference Go server does with its global mutex, and a
/// small state machine rejects consensus calls that break CometBFT's documented order before they
/// reach the application, so its state is left untouched.
/// </summary>
/// <remarks>
/// Rules (spec <c>abci++_comet_expected_behavior.md</c>): after <c>FinalizeBlock</c> the only
/// consensus call allowed is <c>Commit</c>; <c>Commit</c> needs a preceding <c>FinalizeBlock</c>;
/// <c>InitChain</c> is refused once a block was finalized through this gate; the state-sync
/// restore calls are refused between <c>FinalizeBlock</c> and <c>Commit</c>. Info, Query, CheckTx,
/// Echo, Flush, ListSnapshots and LoadSnapshotChunk may interleave anywhere.
/// </remarks>
internal sealed class AbciApplicationGate(IAbciApplication application)
{
    private readonly Lock _lock = new();
    private bool _awaitingCommit;
    private bool _blockFinalized;

    public IAbciApplication Application { get; } = application ?? throw new ArgumentNullException(nameof(application));

    public TResponse Call<TRequest, TResponse>(AbciMethod method, TRequest request, Func<IAbciApplication, TRequest, TResponse> call)
    {
        lock (_lock)
        {
            CheckOrder(method);
            var response = call(Application, request);
            Advance(method);
            return response;
        }
    }

    private void CheckOrder(AbciMethod method)
    {
        switch (method)
        {
            case AbciMethod.Commit when !_awaitingCommit:
                throw new AbciCallOrderException("Out-of-order ABCI call: Commit without a preceding FinalizeBlock.");
            case AbciMethod.InitChain when _blockFinalized || _awaitingCommit:
                throw new AbciCallOrderException("Out-of-order ABCI call: InitChain after a block was finalized.");
            case AbciMethod.FinalizeBlock or AbciMethod.PrepareProposal or AbciMethod.ProcessProposal
                or AbciMethod.ExtendVote or AbciMethod.VerifyVoteExtension or AbciMethod.InitChain
                or AbciMethod.OfferSnapshot or AbciMethod.ApplySnapshotChunk when _awaitingCommit:
                throw new AbciCallOrderException($"Out-of-order ABCI call: {method} between FinalizeBlock and Commit (Commit expected).");
            default:
                break;
        }
    }

    private void Advance(AbciMethod method)
    {
        switch (method)
        {
            case AbciMethod.FinalizeBlock:
                _awaitingCommit = true;
                _blockFinalized = true;
                break;
            case AbciMethod.Commit:
                _awaitingCommit = false;
                break;
            default:
                break;
        }
    }
}
