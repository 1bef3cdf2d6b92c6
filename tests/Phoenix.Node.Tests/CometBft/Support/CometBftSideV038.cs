using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Phoenix.Node.CometBft.Wire.V038;

namespace Phoenix.Node.Tests.CometBft.Support;

internal interface ITransportV038 : IAsyncDisposable
{
    Task<Response> CallAsync(AbciConnection connection, Request request);
}

/// <summary>CometBFT v0.38's socket client: request, then Flush, on the method's connection.</summary>
internal sealed class SocketTransportV038(Dictionary<AbciConnection, AbciSocketTestClient> connections) : ITransportV038
{
    public async Task<Response> CallAsync(AbciConnection connection, Request request)
    {
        var client = connections[connection];
        await client.SendRawAsync([.. Phoenix.Node.CometBft.Internal.AbciFraming.Encode(request), .. Phoenix.Node.CometBft.Internal.AbciFraming.Encode(new Request { Flush = new RequestFlush() })]);
        var payload = await client.ReadFrameAsync(request.ValueCase.ToString()) ?? throw new AbciErrorException($"connection closed instead of answering {request.ValueCase}");
        var response = Response.Parser.ParseFrom(payload);
        var flush = await client.ReadFrameAsync("Flush") ?? throw new AbciErrorException("connection closed instead of answering Flush");
        if (Response.Parser.ParseFrom(flush).ValueCase != Response.ValueOneofCase.Flush)
        {
            throw new InvalidOperationException("expected Response.flush after the response");
        }

        return response.ValueCase == Response.ValueOneofCase.Exception ? throw new AbciErrorException(response.Exception.Error) : response;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in connections.Values)
        {
            await c.DisposeAsync();
        }
    }
}

/// <summary>CometBFT v0.38's gRPC client (<c>tendermint.abci.ABCI</c>).</summary>
internal sealed class GrpcTransportV038 : ITransportV038
{
    private readonly GrpcChannel _channel;
    private readonly ABCI.ABCIClient _client;

    public GrpcTransportV038(string address)
    {
        _channel = GrpcTestChannels.Create(address);
        _client = new ABCI.ABCIClient(_channel);
    }

    public async Task<Response> CallAsync(AbciConnection connection, Request request)
    {
        try
        {
            return request.ValueCase switch
            {
                Request.ValueOneofCase.Echo => new Response { Echo = await _client.EchoAsync(request.Echo) },
                Request.ValueOneofCase.Flush => new Response { Flush = await _client.FlushAsync(request.Flush) },
                Request.ValueOneofCase.Info => new Response { Info = await _client.InfoAsync(request.Info) },
                Request.ValueOneofCase.InitChain => new Response { InitChain = await _client.InitChainAsync(request.InitChain) },
                Request.ValueOneofCase.Query => new Response { Query = await _client.QueryAsync(request.Query) },
                Request.ValueOneofCase.CheckTx => new Response { CheckTx = await _client.CheckTxAsync(request.CheckTx) },
                Request.ValueOneofCase.Commit => new Response { Commit = await _client.CommitAsync(request.Commit) },
                Request.ValueOneofCase.ListSnapshots => new Response { ListSnapshots = await _client.ListSnapshotsAsync(request.ListSnapshots) },
                Request.ValueOneofCase.OfferSnapshot => new Response { OfferSnapshot = await _client.OfferSnapshotAsync(request.OfferSnapshot) },
                Request.ValueOneofCase.LoadSnapshotChunk => new Response { LoadSnapshotChunk = await _client.LoadSnapshotChunkAsync(request.LoadSnapshotChunk) },
                Request.ValueOneofCase.ApplySnapshotChunk => new Response { ApplySnapshotChunk = await _client.ApplySnapshotChunkAsync(request.ApplySnapshotChunk) },
                Request.ValueOneofCase.PrepareProposal => new Response { PrepareProposal = await _client.PrepareProposalAsync(request.PrepareProposal) },
                Request.ValueOneofCase.ProcessProposal => new Response { ProcessProposal = await _client.ProcessProposalAsync(request.ProcessProposal) },
                Request.ValueOneofCase.ExtendVote => new Response { ExtendVote = await _client.ExtendVoteAsync(request.ExtendVote) },
                Request.ValueOneofCase.VerifyVoteExtension => new Response { VerifyVoteExtension = await _client.VerifyVoteExtensionAsync(request.VerifyVoteExtension) },
                Request.ValueOneofCase.FinalizeBlock => new Response { FinalizeBlock = await _client.FinalizeBlockAsync(request.FinalizeBlock) },
                _ => throw new ArgumentException("unknown request", nameof(request)),
            };
        }
        catch (RpcException e)
        {
            throw new AbciErrorException(e.Status.Detail, e.StatusCode);
        }
    }

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Drives the application the way CometBFT v0.38 does.</summary>
internal sealed class CometBftSideV038(ITransportV038 transport) : ICometBftSide
{
    private static readonly Google.Protobuf.WellKnownTypes.Timestamp GenesisTime = new() { Seconds = 1_700_000_000 };

    public async Task<string> EchoAsync(string message) =>
        (await transport.CallAsync(AbciConnection.Query, new Request { Echo = new RequestEcho { Message = message } })).Echo.Message;

    public async Task<(long Height, byte[] AppHash)> InfoAsync()
    {
        var r = (await transport.CallAsync(AbciConnection.Query, new Request { Info = new RequestInfo { Version = "0.38.25", BlockVersion = 11, P2PVersion = 8, AbciVersion = "2.0.0" } })).Info;
        return (r.LastBlockHeight, r.LastBlockAppHash.ToByteArray());
    }

    public async Task<byte[]> InitChainAsync(string chainId, string appState, IReadOnlyList<(byte[] Key, long Power)> validators)
    {
        var req = new RequestInitChain
        {
            Time = GenesisTime,
            ChainId = chainId,
            AppStateBytes = ByteString.CopyFromUtf8(appState),
            InitialHeight = 1,
            ConsensusParams = new Phoenix.Node.CometBft.Wire.V038.ConsensusParams { Block = new BlockParams { MaxBytes = 22020096, MaxGas = -1 } },
        };
        req.Validators.Add(validators.Select(v => new ValidatorUpdate { PubKey = new PublicKey { Ed25519 = ByteString.CopyFrom(v.Key) }, Power = v.Power }));
        return (await transport.CallAsync(AbciConnection.Consensus, new Request { InitChain = req })).InitChain.AppHash.ToByteArray();
    }

    public async Task<(uint Code, string Info)> CheckTxAsync(byte[] tx, bool recheck)
    {
        var r = (await transport.CallAsync(AbciConnection.Mempool, new Request { CheckTx = new RequestCheckTx { Tx = ByteString.CopyFrom(tx), Type = recheck ? CheckTxType.Recheck : CheckTxType.New } })).CheckTx;
        return (r.Code, r.Info);
    }

    public async Task<byte[][]> PrepareProposalAsync(long height, byte[][] txs, long maxTxBytes, Phoenix.Protocol.Abci.ExtendedCommitInfo? localLastCommit = null)
    {
        var req = new RequestPrepareProposal { MaxTxBytes = maxTxBytes, Height = height, Time = Time(height), LocalLastCommit = ToWire(localLastCommit) };
        req.Txs.Add(txs.Select(ByteString.CopyFrom));
        return (await transport.CallAsync(AbciConnection.Consensus, new Request { PrepareProposal = req })).PrepareProposal.Txs.Select(t => t.ToByteArray()).ToArray();
    }

    public async Task<bool> ProcessProposalAsync(long height, byte[][] txs, byte[] hash, Phoenix.Protocol.Abci.CommitInfo? proposedLastCommit = null)
    {
        var req = new RequestProcessProposal { Height = height, Time = Time(height), Hash = ByteString.CopyFrom(hash), ProposedLastCommit = ToWire(proposedLastCommit) };
        req.Txs.Add(txs.Select(ByteString.CopyFrom));
        var status = (await transport.CallAsync(AbciConnection.Consensus, new Request { ProcessProposal = req })).ProcessProposal.Status;
        return status switch
        {
            ResponseProcessProposal.Types.ProposalStatus.Accept => true,
            ResponseProcessProposal.Types.ProposalStatus.Reject => false,
            _ => throw new InvalidOperationException("ProcessProposal returned UNKNOWN (CometBFT panics)"),
        };
    }

    public async Task<byte[]> ExtendVoteAsync(long height, byte[] hash) =>
        (await transport.CallAsync(AbciConnection.Consensus, new Request { ExtendVote = new RequestExtendVote { Height = height, Hash = ByteString.CopyFrom(hash), Time = Time(height) } })).ExtendVote.VoteExtension.ToByteArray();

    public async Task<bool> VerifyVoteExtensionAsync(long height, byte[] hash, byte[] validatorAddress, byte[] extension)
    {
        var req = new RequestVerifyVoteExtension { Height = height, Hash = ByteString.CopyFrom(hash), ValidatorAddress = ByteString.CopyFrom(validatorAddress), VoteExtension = ByteString.CopyFrom(extension) };
        return (await transport.CallAsync(AbciConnection.Consensus, new Request { VerifyVoteExtension = req })).VerifyVoteExtension.Status == ResponseVerifyVoteExtension.Types.VerifyStatus.Accept;
    }

    public async Task<FinalizeResult> FinalizeBlockAsync(long height, byte[][] txs, byte[] hash, byte[]? misbehaverAddress = null, Phoenix.Protocol.Abci.CommitInfo? decidedLastCommit = null)
    {
        var req = new RequestFinalizeBlock { Height = height, Time = Time(height), Hash = ByteString.CopyFrom(hash), DecidedLastCommit = ToWire(decidedLastCommit) };
        req.Txs.Add(txs.Select(ByteString.CopyFrom));
        if (misbehaverAddress is not null)
        {
            req.Misbehavior.Add(new Misbehavior { Type = MisbehaviorType.DuplicateVote, Height = height - 1, Time = Time(height - 1), TotalVotingPower = 100, Validator = new Validator { Address = ByteString.CopyFrom(misbehaverAddress), Power = 10 } });
        }

        var r = (await transport.CallAsync(AbciConnection.Consensus, new Request { FinalizeBlock = req })).FinalizeBlock;
        return new FinalizeResult(
            r.AppHash.ToByteArray(),
            r.TxResults.Select(t => t.Code).ToArray(),
            r.ValidatorUpdates.Select(v => (v.PubKey.Ed25519.ToByteArray(), v.Power)).ToArray(),
            r.Events.Select(e => e.Type).ToArray(),
            r.ConsensusParamUpdates?.Block?.MaxGas);
    }

    public async Task<long> CommitAsync() =>
        (await transport.CallAsync(AbciConnection.Consensus, new Request { Commit = new RequestCommit() })).Commit.RetainHeight;

    public async Task<QueryResult> QueryAsync(string key, bool prove)
    {
        var r = (await transport.CallAsync(AbciConnection.Query, new Request { Query = new RequestQuery { Path = "/store", Data = ByteString.CopyFromUtf8(key), Prove = prove } })).Query;
        return new QueryResult(r.Code, r.Value.ToByteArray(), r.Height, r.ProofOps?.Ops.Select(o => (o.Type, o.Key.ToByteArray(), o.Data.ToByteArray())).ToArray() ?? []);
    }

    public async Task<SnapshotInfo[]> ListSnapshotsAsync() =>
        (await transport.CallAsync(AbciConnection.Snapshot, new Request { ListSnapshots = new RequestListSnapshots() })).ListSnapshots.Snapshots
            .Select(s => new SnapshotInfo(s.Height, s.Format, s.Chunks, s.Hash.ToByteArray(), s.Metadata.ToByteArray())).ToArray();

    public async Task<int> OfferSnapshotAsync(SnapshotInfo snapshot, byte[] appHash)
    {
        var s = new Snapshot { Height = snapshot.Height, Format = snapshot.Format, Chunks = snapshot.Chunks, Hash = ByteString.CopyFrom(snapshot.Hash), Metadata = ByteString.CopyFrom(snapshot.Metadata) };
        return (int)(await transport.CallAsync(AbciConnection.Snapshot, new Request { OfferSnapshot = new RequestOfferSnapshot { Snapshot = s, AppHash = ByteString.CopyFrom(appHash) } })).OfferSnapshot.Result;
    }

    public async Task<byte[]> LoadSnapshotChunkAsync(ulong height, uint format, uint chunk) =>
        (await transport.CallAsync(AbciConnection.Snapshot, new Request { LoadSnapshotChunk = new RequestLoadSnapshotChunk { Height = height, Format = format, Chunk = chunk } })).LoadSnapshotChunk.Chunk.ToByteArray();

    public async Task<int> ApplySnapshotChunkAsync(uint index, byte[] chunk, string sender) =>
        (int)(await transport.CallAsync(AbciConnection.Snapshot, new Request { ApplySnapshotChunk = new RequestApplySnapshotChunk { Index = index, Chunk = ByteString.CopyFrom(chunk), Sender = sender } })).ApplySnapshotChunk.Result;

    public ValueTask DisposeAsync() => transport.DisposeAsync();

    private static CommitInfo ToWire(Phoenix.Protocol.Abci.CommitInfo? c)
    {
        var wire = new CommitInfo { Round = c?.Round ?? 0 };
        wire.Votes.Add((c?.Votes ?? []).Select(v => new VoteInfo { Validator = new Validator { Address = ByteString.CopyFrom(v.Validator.Address.Span), Power = v.Validator.Power }, BlockIdFlag = (BlockIDFlag)(int)v.Flag }));
        return wire;
    }

    private static ExtendedCommitInfo ToWire(Phoenix.Protocol.Abci.ExtendedCommitInfo? c)
    {
        var wire = new ExtendedCommitInfo { Round = c?.Round ?? 0 };
        wire.Votes.Add((c?.Votes ?? []).Select(v => new ExtendedVoteInfo
        {
            Validator = new Validator { Address = ByteString.CopyFrom(v.Validator.Address.Span), Power = v.Validator.Power },
            VoteExtension = ByteString.CopyFrom(v.VoteExtension.Span),
            ExtensionSignature = ByteString.CopyFrom(v.ExtensionSignature.Span),
            BlockIdFlag = (BlockIDFlag)(int)v.Flag,
        }));
        return wire;
    }

    private static Google.Protobuf.WellKnownTypes.Timestamp Time(long height) => new() { Seconds = GenesisTime.Seconds + height, Nanos = 5 };
}
