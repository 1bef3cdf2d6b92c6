using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Phoenix.Node.Api;
using Phoenix.Node.Mempool;
using Phoenix.Node.Tests.Mempool;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using EventAttribute = Phoenix.Protocol.Abci.EventAttribute;

namespace Phoenix.Node.Tests.Api;

/// <summary>NodeService end to end: a real Kestrel server on 127.0.0.1 and a Grpc.Net.Client channel.</summary>
#pragma warning disable CA1001 // disposed in DisposeAsync
public sealed class NodeGrpcServiceTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly FakeCheckTxApp _app = new();
    private readonly ChainEventHub _hub = new(capacity: 16);
    private readonly FakeBlockReader _blocks = new();
    private readonly FakeNodeStatus _status = new();
    private readonly FakeStateQuery _query = new();
    private readonly KeyValueTxIndex _index = new(new InMemoryKeyValueStore());
    private readonly FakeTimeProvider _time = new();
    private readonly TxMempool _mempool;
    private readonly SignallingChainEvents _events;
    private GrpcTestServer _server = null!;
    private NodeService.NodeServiceClient _client = null!;

    public NodeGrpcServiceTests()
    {
        _mempool = new TxMempool(_app, new MempoolOptions());
        _events = new SignallingChainEvents(_hub);
    }

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(
            s =>
            {
                s.AddSingleton<ITxMempool>(_mempool);
                s.AddSingleton<ITxIndex>(_index);
                s.AddSingleton<IBlockReader>(_blocks);
                s.AddSingleton<INodeStatus>(_status);
                s.AddSingleton<IStateQuery>(_query);
                s.AddSingleton<IChainEvents>(_events);
                s.AddSingleton<TimeProvider>(_time);
                s.AddSingleton(Options.Create(new NodeApiOptions { BroadcastCommitTimeout = TimeSpan.FromSeconds(5) }));
            },
            app => app.MapGrpcService<NodeGrpcService>());
        _client = new NodeService.NodeServiceClient(_server.Channel);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _index.Dispose();
    }

    private CommittedBlock Commit(long height, byte[] tx, uint code = 0, params AbciEvent[] txEvents)
    {
        var block = FakeBlockReader.Make(height, tx);
        _blocks.Blocks[height] = block;
        var committed = new CommittedBlock(block, [new ExecTxResult(code, new byte[] { 42 }, "done", "", 1, 1, txEvents, code == 0 ? "" : "bank")], []);
        _index.Index(committed);
        _app.CommitBlock(block.Txs);
        _mempool.Update(height, block.Txs);
        _hub.Publish(committed);
        return committed;
    }

    [Fact]
    public async Task BroadcastTx_SyncModeValidTx_AcceptedAfterCheckTx()
    {
        var tx = FakeCheckTxApp.Tx("alice", 0);

        var response = await _client.BroadcastTxAsync(new BroadcastTxRequest { Tx = ByteString.CopyFrom(tx), Mode = BroadcastMode.Sync });

        Assert.Equal(AdmissionStatus.Accepted, response.Admission);
        Assert.Equal(Hash32.Sha256(tx).ToArray(), response.TxHash.ToByteArray());
        Assert.False(response.Committed);
        Assert.True(_mempool.Contains(Hash32.Sha256(tx)));
    }

    [Fact]
    public async Task BroadcastTx_CheckTxFails_RejectedWithApplicationCode()
    {
        var response = await _client.BroadcastTxAsync(new BroadcastTxRequest { Tx = ByteString.CopyFromUtf8("not a tx") });

        Assert.Equal(AdmissionStatus.Rejected, response.Admission);
        Assert.Equal(FakeCheckTxApp.MalformedCode, response.CheckCode);
        Assert.Equal("fake", response.CheckCodespace);
    }

    [Fact]
    public async Task BroadcastTx_EmptyTx_InvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _client.BroadcastTxAsync(new BroadcastTxRequest()));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task BroadcastTx_CommitMode_ReturnsResultOnceBlockCommits()
    {
        var tx = FakeCheckTxApp.Tx("alice", 0);
        var call = _client.BroadcastTxAsync(new BroadcastTxRequest { Tx = ByteString.CopyFrom(tx), Mode = BroadcastMode.Commit });
        var admitted = await _mempool.NewTransactions.ReadAsync().AsTask().WaitAsync(Generous);
        Assert.Equal(Hash32.Sha256(tx), admitted.Hash);

        Commit(3, tx, code: 5);
        var response = await call.ResponseAsync.WaitAsync(Generous);

        Assert.True(response.Committed);
        Assert.Equal(3, response.Height);
        Assert.Equal(5u, response.Result.Code);
        Assert.Equal("bank", response.Result.Codespace);
    }

    [Fact]
    public async Task BroadcastTx_CommitModeAlreadyCommitted_ReturnsIndexedResult()
    {
        var tx = FakeCheckTxApp.Tx("alice", 0);
        _mempool.Add(tx);
        Commit(2, tx);

        var response = await _client.BroadcastTxAsync(new BroadcastTxRequest { Tx = ByteString.CopyFrom(tx), Mode = BroadcastMode.Commit });

        Assert.Equal(AdmissionStatus.AlreadyKnown, response.Admission);
        Assert.True(response.Committed);
        Assert.Equal(2, response.Height);
    }

    [Fact]
    public async Task BroadcastTx_CommitModeNeverCommitted_DeadlineExceededAfterTimeout()
    {
        var call = _client.BroadcastTxAsync(new BroadcastTxRequest { Tx = ByteString.CopyFrom(FakeCheckTxApp.Tx("bob", 0)), Mode = BroadcastMode.Commit });
        await _mempool.NewTransactions.ReadAsync().AsTask().WaitAsync(Generous);

        _time.Advance(TimeSpan.FromSeconds(6));

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseAsync.WaitAsync(Generous));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task GetTx_CommittedTx_ReturnsPlaceAndResult()
    {
        var tx = FakeCheckTxApp.Tx("alice", 0);
        Commit(4, tx);

        var response = await _client.GetTxAsync(new GetTxRequest { Hash = ByteString.CopyFrom(Hash32.Sha256(tx).ToArray()) });

        Assert.False(response.Pending);
        Assert.Equal(4, response.Height);
        Assert.Equal(0u, response.Index);
        Assert.Equal(tx, response.Tx.ToByteArray());
        Assert.Equal(new byte[] { 42 }, response.Result.Data.ToByteArray());
    }

    [Fact]
    public async Task GetTx_TxInMempool_ReturnsPending()
    {
        var tx = FakeCheckTxApp.Tx("carol", 0);
        _mempool.Add(tx);

        var response = await _client.GetTxAsync(new GetTxRequest { Hash = ByteString.CopyFrom(Hash32.Sha256(tx).ToArray()) });

        Assert.True(response.Pending);
        Assert.Equal(0, response.Height);
    }

    [Theory]
    [InlineData(32, StatusCode.NotFound)]
    [InlineData(31, StatusCode.InvalidArgument)]
    [InlineData(0, StatusCode.InvalidArgument)]
    public async Task GetTx_UnknownOrMalformedHash_TypedStatus(int length, StatusCode expected)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _client.GetTxAsync(new GetTxRequest { Hash = ByteString.CopyFrom(new byte[length]) }));
        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task GetBlock_ByHeightAndLatest_ReturnsBlocks()
    {
        var tx = FakeCheckTxApp.Tx("alice", 0);
        var first = Commit(1, tx).Block;
        var second = Commit(2, FakeCheckTxApp.Tx("alice", 1)).Block;

        var byHeight = (await _client.GetBlockAsync(new GetBlockRequest { Height = 1 })).Block;
        var latest = (await _client.GetBlockAsync(new GetBlockRequest())).Block;

        Assert.Equal(first.Hash.ToArray(), byHeight.Hash.ToByteArray());
        Assert.Equal(tx, byHeight.Txs.Single().ToByteArray());
        Assert.Equal(first.Time.Seconds, byHeight.Time.Seconds);
        Assert.Equal(first.Raw.ToArray(), byHeight.Raw.ToByteArray());
        Assert.Equal(2, latest.Height);
        Assert.Equal(second.LastBlockHash.ToArray(), latest.LastBlockHash.ToByteArray());
    }

    [Theory]
    [InlineData(99, StatusCode.NotFound)]
    [InlineData(-1, StatusCode.InvalidArgument)]
    public async Task GetBlock_MissingOrNegativeHeight_TypedStatus(long height, StatusCode expected)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _client.GetBlockAsync(new GetBlockRequest { Height = height }));
        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task GetStatus_ReportsEngineStatusAndMempoolSize()
    {
        _mempool.Add(FakeCheckTxApp.Tx("dave", 0));

        var response = await _client.GetStatusAsync(new GetStatusRequest());

        var expected = _status.Status;
        Assert.Equal(expected.ChainId, response.ChainId);
        Assert.Equal(expected.LatestHeight, response.LatestHeight);
        Assert.Equal(expected.LatestBlockHash.ToArray(), response.LatestBlockHash.ToByteArray());
        Assert.Equal(expected.LatestAppHash.ToArray(), response.LatestAppHash.ToByteArray());
        Assert.Equal(expected.LatestBlockTime.Nanos, response.LatestBlockTime.Nanos);
        Assert.Equal(expected.Peers, response.Peers);
        Assert.Equal(1, response.MempoolSize);
    }

    [Fact]
    public async Task QueryState_WithProve_PassesRequestThroughAndReturnsProof()
    {
        var response = await _client.QueryStateAsync(new QueryStateRequest { Path = "/store/bank/balance", Data = ByteString.CopyFrom(1, 2), Height = 12, Prove = true });

        Assert.Equal(new QueryRequest(new byte[] { 1, 2 }, "/store/bank/balance", 12, true).Path, _query.Last!.Path);
        Assert.Equal(new byte[] { 1, 2 }, _query.Last.Data.ToArray());
        Assert.Equal(12, _query.Last.Height);
        Assert.True(_query.Last.Prove);
        Assert.Equal("value@/store/bank/balance", response.Value.ToStringUtf8());
        Assert.Equal("phx:smt", response.ProofOps.Single().Type);
        Assert.Equal(new byte[] { 7, 7, 7 }, response.ProofOps.Single().Data.ToByteArray());
    }

    [Fact]
    public async Task QueryState_ApplicationErrorCode_ReturnedAsAnswer()
    {
        var response = await _client.QueryStateAsync(new QueryStateRequest { Path = "/missing" });

        Assert.Equal(6u, response.Code);
        Assert.Equal("store", response.Codespace);
    }

    [Fact]
    public async Task SubscribeEvents_PrefixFilter_StreamsNewBlocksAndMatchingAppEventsOnly()
    {
        using var cts = new CancellationTokenSource(Generous);
        using var call = _client.SubscribeEvents(new SubscribeEventsRequest { NewBlocks = true, EventTypePrefixes = { "task.", "dispute." } }, cancellationToken: cts.Token);
        await _events.Subscribed.WaitAsync(Generous);

        var unit = new AbciEvent("task.unit_finalized", [new EventAttribute("unit", "7")]);
        var transfer = new AbciEvent("transfer", [new EventAttribute("amount", "5")]);
        var tx = FakeCheckTxApp.Tx("alice", 0);
        var block = FakeBlockReader.Make(1, tx);
        _hub.Publish(new CommittedBlock(block, [new ExecTxResult(0, default, "", "", 0, 0, [transfer, unit], "")], [new AbciEvent("dispute.opened", [])]));
        _hub.Publish(new CommittedBlock(FakeBlockReader.Make(2), [], []));

        var received = new List<ChainEvent>();
        while (received.Count < 4 && await call.ResponseStream.MoveNext(cts.Token))
        {
            received.Add(call.ResponseStream.Current);
        }

        Assert.Equal(1, received[0].NewBlock.Height);
        Assert.Equal("task.unit_finalized", received[1].AppEvent.Event.Type);
        Assert.Equal(Hash32.Sha256(tx).ToArray(), received[1].AppEvent.TxHash.ToByteArray());
        Assert.Equal("dispute.opened", received[2].AppEvent.Event.Type);
        Assert.True(received[2].AppEvent.TxHash.IsEmpty);
        Assert.Equal(2, received[3].NewBlock.Height);
    }

    [Fact]
    public async Task SubscribeEvents_TxHashAndAttributeFilters_StreamsOnlyThatTransaction()
    {
        using var cts = new CancellationTokenSource(Generous);
        var mine = FakeCheckTxApp.Tx("alice", 0);
        var other = FakeCheckTxApp.Tx("bob", 0);
        using var call = _client.SubscribeEvents(
            new SubscribeEventsRequest
            {
                TxResults = true,
                EventTypePrefixes = { "task." },
                AttributeFilters = { new AttributeFilter { Key = "unit", Value = "7" } },
                TxHashes = { ByteString.CopyFrom(Hash32.Sha256(mine).ToArray()) },
            },
            cancellationToken: cts.Token);
        await _events.Subscribed.WaitAsync(Generous);

        var unit7 = new AbciEvent("task.unit_finalized", [new EventAttribute("unit", "7")]);
        var unit8 = new AbciEvent("task.unit_finalized", [new EventAttribute("unit", "8")]);
        var result = new ExecTxResult(0, default, "", "", 0, 0, [unit8, unit7], "");
        _hub.Publish(new CommittedBlock(FakeBlockReader.Make(1, other, mine), [result, result], []));

        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(1u, call.ResponseStream.Current.TxResult.Index);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("7", call.ResponseStream.Current.AppEvent.Event.Attributes.Single().Value);
    }

    [Fact]
    public async Task SubscribeEvents_SelectsNothing_InvalidArgument()
    {
        using var call = _client.SubscribeEvents(new SubscribeEventsRequest { AttributeFilters = { new AttributeFilter { Key = "a", Value = "b" } } });
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }
}
