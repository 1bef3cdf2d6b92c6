using Grpc.Core;
using Phoenix.Node.CometBft.Wire.V1;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>The <c>cometbft.abci.v1.ABCIService</c> gRPC service (CometBFT v1.0, <c>abci = "grpc"</c>).</summary>
internal sealed class AbciGrpcServiceV1(AbciDispatcherV1 dispatcher) : ABCIService.ABCIServiceBase
{
    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) => GrpcCalls.Run(request, AbciDispatcherV1.Echo);

    public override Task<FlushResponse> Flush(FlushRequest request, ServerCallContext context) => GrpcCalls.Run(request, _ => AbciDispatcherV1.Flush());

    public override Task<InfoResponse> Info(InfoRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.Info);

    public override Task<CheckTxResponse> CheckTx(CheckTxRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.CheckTx);

    public override Task<QueryResponse> Query(QueryRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.Query);

    public override Task<CommitResponse> Commit(CommitRequest request, ServerCallContext context) => GrpcCalls.Run(request, _ => dispatcher.Commit());

    public override Task<InitChainResponse> InitChain(InitChainRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.InitChain);

    public override Task<ListSnapshotsResponse> ListSnapshots(ListSnapshotsRequest request, ServerCallContext context) => GrpcCalls.Run(request, _ => dispatcher.ListSnapshots());

    public override Task<OfferSnapshotResponse> OfferSnapshot(OfferSnapshotRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.OfferSnapshot);

    public override Task<LoadSnapshotChunkResponse> LoadSnapshotChunk(LoadSnapshotChunkRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.LoadSnapshotChunk);

    public override Task<ApplySnapshotChunkResponse> ApplySnapshotChunk(ApplySnapshotChunkRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.ApplySnapshotChunk);

    public override Task<PrepareProposalResponse> PrepareProposal(PrepareProposalRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.PrepareProposal);

    public override Task<ProcessProposalResponse> ProcessProposal(ProcessProposalRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.ProcessProposal);

    public override Task<ExtendVoteResponse> ExtendVote(ExtendVoteRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.ExtendVote);

    public override Task<VerifyVoteExtensionResponse> VerifyVoteExtension(VerifyVoteExtensionRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.VerifyVoteExtension);

    public override Task<FinalizeBlockResponse> FinalizeBlock(FinalizeBlockRequest request, ServerCallContext context) => GrpcCalls.Run(request, dispatcher.FinalizeBlock);
}
