using Phoenix.Node.CometBft.Wire.V038;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>
/// Typed v0.38 (<c>tendermint.abci</c>) entry points shared by the socket and gRPC transports:
/// map the wire request, call the application through the gate, map the response back.
/// </summary>
internal sealed class AbciDispatcherV038(AbciApplicationGate gate)
{
    public static ResponseEcho Echo(RequestEcho r) => new() { Message = r.Message };

    public static ResponseFlush Flush() => new();

    public ResponseInfo Info(RequestInfo r) =>
        WireV038.ToWire(gate.Call(AbciMethod.Info, WireV038.ToDomain(r), static (a, q) => a.Info(q)));

    public ResponseInitChain InitChain(RequestInitChain r) =>
        WireV038.ToWire(gate.Call(AbciMethod.InitChain, WireV038.ToDomain(r), static (a, q) => a.InitChain(q)));

    public ResponseQuery Query(RequestQuery r) =>
        WireV038.ToWire(gate.Call(AbciMethod.Query, WireV038.ToDomain(r), static (a, q) => a.Query(q)));

    public ResponseCheckTx CheckTx(RequestCheckTx r) =>
        WireV038.ToWire(gate.Call(AbciMethod.CheckTx, WireV038.ToDomain(r), static (a, q) => a.CheckTx(q)));

    public ResponseCommit Commit() =>
        WireV038.ToWire(gate.Call(AbciMethod.Commit, 0, static (a, _) => a.Commit()));

    public ResponseListSnapshots ListSnapshots() =>
        WireV038.ToWire(gate.Call(AbciMethod.ListSnapshots, 0, static (a, _) => a.ListSnapshots()));

    public ResponseOfferSnapshot OfferSnapshot(RequestOfferSnapshot r) =>
        WireV038.ToWire(gate.Call(AbciMethod.OfferSnapshot, WireV038.ToDomain(r), static (a, q) => a.OfferSnapshot(q)));

    public ResponseLoadSnapshotChunk LoadSnapshotChunk(RequestLoadSnapshotChunk r) =>
        WireV038.ToWire(gate.Call(AbciMethod.LoadSnapshotChunk, WireV038.ToDomain(r), static (a, q) => a.LoadSnapshotChunk(q)));

    public ResponseApplySnapshotChunk ApplySnapshotChunk(RequestApplySnapshotChunk r) =>
        WireV038.ToWire(gate.Call(AbciMethod.ApplySnapshotChunk, WireV038.ToDomain(r), static (a, q) => a.ApplySnapshotChunk(q)));

    public ResponsePrepareProposal PrepareProposal(RequestPrepareProposal r) =>
        WireV038.ToWire(gate.Call(AbciMethod.PrepareProposal, WireV038.ToDomain(r), static (a, q) => a.PrepareProposal(q)));

    public ResponseProcessProposal ProcessProposal(RequestProcessProposal r) =>
        WireV038.ToWire(gate.Call(AbciMethod.ProcessProposal, WireV038.ToDomain(r), static (a, q) => a.ProcessProposal(q)));

    public ResponseExtendVote ExtendVote(RequestExtendVote r) =>
        WireV038.ToWire(gate.Call(AbciMethod.ExtendVote, WireV038.ToDomain(r), static (a, q) => a.ExtendVote(q)));

    public ResponseVerifyVoteExtension VerifyVoteExtension(RequestVerifyVoteExtension r) =>
        WireV038.ToWire(gate.Call(AbciMethod.VerifyVoteExtension, WireV038.ToDomain(r), static (a, q) => a.VerifyVoteExtension(q)));

    public ResponseFinalizeBlock FinalizeBlock(RequestFinalizeBlock r) =>
        WireV038.ToWire(gate.Call(AbciMethod.FinalizeBlock, WireV038.ToDomain(r), static (a, q) => a.FinalizeBlock(q)));

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
