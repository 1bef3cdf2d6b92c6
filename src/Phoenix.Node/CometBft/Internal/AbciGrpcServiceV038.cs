using Grpc.Core;
using Phoenix.Node.CometBft.Wire.V038;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>The <c>tendermint.abci.ABCI</c> gRPC service (CometBFT v0.38, <c>abci = "grpc"</c>).</summary>
internal sealed class AbciGrpcServiceV038(AbciDispatcherV038 dispatcher) : ABCI.ABCIBase
{
    public override Task<ResponseEcho> Echo(RequestEcho request, ServerCallContext context) => GrpcCalls.Run(request, AbciDispatcherV038.Echo);

    public override Task<ResponseFlush> Flush(RequestFlush request, ServerCallContext context) => GrpcCalls.Run(request, _ => AbciDispatcherV038.Flush());

    public override Task<ResponseInfo> Info(RequestInfo request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.Info);

    public override Task<ResponseCheckTx> CheckTx(RequestCheckTx request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.CheckTx);

    public override Task<ResponseQuery> Query(RequestQuery request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.Query);

    public override Task<ResponseCommit> Commit(RequestCommit request, ServerCallContext context) => GrpcCalls.Run(request, _ => dispatcher.Commit());

    public override Task<ResponseInitChain> InitChain(RequestInitChain request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.InitChain);

    public override Task<ResponseListSnapshots> ListSnapshots(RequestListSnapshots request, ServerCallContext context) => GrpcCalls.Run(request, _ => dispatcher.ListSnapshots());

    public override Task<ResponseOfferSnapshot> OfferSnapshot(RequestOfferSnapshot request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.OfferSnapshot);

    public override Task<ResponseLoadSnapshotChunk> LoadSnapshotChunk(RequestLoadSnapshotChunk request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.LoadSnapshotChunk);

    public override Task<ResponseApplySnapshotChunk> ApplySnapshotChunk(RequestApplySnapshotChunk request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.ApplySnapshotChunk);

    public override Task<ResponsePrepareProposal> PrepareProposal(RequestPrepareProposal request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.PrepareProposal);

    public override Task<ResponseProcessProposal> ProcessProposal(RequestProcessProposal request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.ProcessProposal);

    public override Task<ResponseExtendVote> ExtendVote(RequestExtendVote request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.ExtendVote);

    public override Task<ResponseVerifyVoteExtension> VerifyVoteExtension(RequestVerifyVoteExtension request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.VerifyVoteExtension);

    public override Task<ResponseFinalizeBlock> FinalizeBlock(RequestFinalizeBlock request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.FinalizeBlock);
}
