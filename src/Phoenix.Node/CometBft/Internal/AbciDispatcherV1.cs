using Phoenix.Node.CometBft.Wire.V1;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>
/// Typed v1.0 (<c>cometbft.abci.v1</c>) entry points shared by the socket and gRPC transports:
/// map the wire request, call the application through the gate, map the response back.
/// </summary>
internal sealed class AbciDispatcherV1(AbciApplicationGate gate)
{
    public static EchoResponse Echo(EchoRequest r) => new() { Message = r.Message };

    public static FlushResponse Flush() => new();

    public InfoResponse Info(InfoRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.Info, WireV1.ToDomain(r), static (a, q) => a.Info(q)));

    public InitChainResponse InitChain(InitChainRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.InitChain, WireV1.ToDomain(r), static (a, q) => a.InitChain(q)));

    public QueryResponse Query(QueryRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.Query, WireV1.ToDomain(r), static (a, q) => a.Query(q)));

    public CheckTxResponse CheckTx(CheckTxRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.CheckTx, WireV1.ToDomain(r), static (a, q) => a.CheckTx(q)));

    public CommitResponse Commit() =>
        WireV1.ToWire(gate.Call(AbciMethod.Commit, 0, static (a, _) => a.Commit()));

    public ListSnapshotsResponse ListSnapshots() =>
        WireV1.ToWire(gate.Call(AbciMethod.ListSnapshots, 0, static (a, _) => a.ListSnapshots()));

    public OfferSnapshotResponse OfferSnapshot(OfferSnapshotRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.OfferSnapshot, WireV1.ToDomain(r), static (a, q) => a.OfferSnapshot(q)));

    public LoadSnapshotChunkResponse LoadSnapshotChunk(LoadSnapshotChunkRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.LoadSnapshotChunk, WireV1.ToDomain(r), static (a, q) => a.LoadSnapshotChunk(q)));

    public ApplySnapshotChunkResponse ApplySnapshotChunk(ApplySnapshotChunkRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.ApplySnapshotChunk, WireV1.ToDomain(r), static (a, q) => a.ApplySnapshotChunk(q)));

    public PrepareProposalResponse PrepareProposal(PrepareProposalRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.PrepareProposal, WireV1.ToDomain(r), static (a, q) => a.PrepareProposal(q)));

    public ProcessProposalResponse ProcessProposal(ProcessProposalRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.ProcessProposal, WireV1.ToDomain(r), static (a, q) => a.ProcessProposal(q)));

    public ExtendVoteResponse ExtendVote(ExtendVoteRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.ExtendVote, WireV1.ToDomain(r), static (a, q) => a.ExtendVote(q)));

    public VerifyVoteExtensionResponse VerifyVoteExtension(VerifyVoteExtensionRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.VerifyVoteExtension, WireV1.ToDomain(r), static (a, q) => a.VerifyVoteExtension(q)));

    public FinalizeBlockResponse FinalizeBlock(FinalizeBlockRequest r) =>
        WireV1.ToWire(gate.Call(AbciMethod.FinalizeBlock, WireV1.ToDomain(r), static (a, q) => a.FinalizeBlock(q)));

    /// <summary>Dispatches one socket request; null when the request carries no known method.</summary>
    public Response? Dispatch(Request request) => request.ValueCase switch
    {
        Request.ValueOneofCase.Echo => new Response { Echo = Echo(request.Echo) },
        Request.ValueOneofCase.Flush => new Response { Flush = Flush() },
        Request.ValueOneofCase.Info => new Response { Info = Info(request.Info) },
        Request.ValueOneofCase.InitChain => new Response { InitChain = InitChain(request.InitChain) },
        Request.ValueOneofCase.Query => new Response { Query = Query(request.Query) },
        Request.ValueOneofCase.CheckTx => new Response { CheckTx = CheckTx(request.CheckTx) },
        Request.ValueOneofCase.Commit => new Response { Commit = Commit() },
        Request.ValueOneofCase.ListSnapshots => new Response { ListSnapshots = ListSnapshots() },
        Request.ValueOneofCase.OfferSnapshot => new Response { OfferSnapshot = OfferSnapshot(request.OfferSnapshot) },
        Request.ValueOneofCase.LoadSnapshotChunk => new Response { LoadSnapshotChunk = LoadSnapshotChunk(request.LoadSnapshotChunk) },
        Request.ValueOneofCase.ApplySnapshotChunk => new Response { ApplySnapshotChunk = ApplySnapshotChunk(request.ApplySnapshotChunk) },
        Request.ValueOneofCase.PrepareProposal => new Response { PrepareProposal = PrepareProposal(request.PrepareProposal) },
        Request.ValueOneofCase.ProcessProposal => new Response { ProcessProposal = ProcessProposal(request.ProcessProposal) },
        Request.ValueOneofCase.ExtendVote => new Response { ExtendVote = ExtendVote(request.ExtendVote) },
        Request.ValueOneofCase.VerifyVoteExtension => new Response { VerifyVoteExtension = VerifyVoteExtension(request.VerifyVoteExtension) },
        Request.ValueOneofCase.FinalizeBlock => new Response { FinalizeBlock = FinalizeBlock(request.FinalizeBlock) },
        _ => null,
    };
}
