using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Phoenix.Node.Api;
using Phoenix.Node.Mempool;
using Phoenix.Node.Storage;
using Phoenix.Node.Tests.Mempool;
using Phoenix.Node.Tests.Storage;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;
using EventAttribute = Phoenix.Protocol.Abci.EventAttribute;

namespace Phoenix.Node.Tests.Api;

/// <summary>The API wired the way a host does it: AddPhoenixNodeApi + MapPhoenixNodeApi, a RocksDB tx index, real sockets.</summary>
public sealed class NodeApiHostingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task MapPhoenixNodeApi_HostWiring_ServesNodeAndBlobServicesOverLoopback()
    {
        var app = new FakeCheckTxApp();
        using var index = new KeyValueTxIndex(RocksDbKeyValueStore.Open(_dir.Sub("txindex"), new RocksDbStoreOptions { Kind = "txindex" }));
        var blocks = new FakeBlockReader();
        var blobs = new InMemoryBlobStore();
        await using var server = await GrpcTestServer.StartAsync(
            s =>
            {
                s.AddPhoenixNodeApi();
                s.AddSingleton<ITxMempool>(new TxMempool(app, new MempoolOptions()));
                s.AddSingleton<ITxIndex>(index);
                s.AddSingleton<IBlockReader>(blocks);
                s.AddSingleton<INodeStatus>(new FakeNodeStatus());
                s.AddSingleton<IStateQuery>(new FakeStateQuery());
                s.AddSingleton<IBlobStore>(blobs);
            },
            a => a.MapPhoenixNodeApi());
        var node = new NodeService.NodeServiceClient(server.Channel);
        var blobClient = new BlobService.BlobServiceClient(server.Channel);
        var hub = server.Services.GetRequiredService<ChainEventHub>();
        var tx = FakeCheckTxApp.Tx("alice", 0);

        var call = node.BroadcastTxAsync(new BroadcastTxRequest { Tx = ByteString.CopyFrom(tx), Mode = BroadcastMode.Commit });
        await server.Services.GetRequiredService<ITxMempool>().NewTransactions.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var committed = new CommittedBlock(FakeBlockReader.Make(1, tx), [new ExecTxResult(0, default, "ok", "", 1, 1, [], "")], []);
        index.Index(committed);
        hub.Publish(committed);
        var broadcast = await call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30));
        var content = "model bytes"u8.ToArray();
        await BlobGrpcServiceTestsUpload(blobClient, content);
        var stat = await blobClient.StatAsync(new StatBlobRequest { Id = ByteString.CopyFrom(Hash32.Sha256(content).ToArray()) });
        var fetchedTx = await node.GetTxAsync(new GetTxRequest { Hash = ByteString.CopyFrom(Hash32.Sha256(tx).ToArray()) });

        Assert.True(broadcast.Committed);
        Assert.Equal(1, fetchedTx.Height);
        Assert.True(stat.Present);
        Assert.Equal(content.Length, stat.Size);
    }

    private static Task BlobGrpcServiceTestsUpload(BlobService.BlobServiceClient client, byte[] content)
        => Blobs.BlobGrpcServiceTests.UploadAsync(client, Hash32.Sha256(content), content.Length, content);

    [Fact]
    public void Index_ThenReopenRocksDb_TxStillFound()
    {
        var path = _dir.Sub("txindex");
        var tx = FakeCheckTxApp.Tx("alice", 0);
        var events = new[] { new AbciEvent("task.posted", [new EventAttribute("task", "9")]) };
        using (var index = new KeyValueTxIndex(RocksDbKeyValueStore.Open(path)))
        {
            index.Index(new CommittedBlock(FakeBlockReader.Make(8, FakeCheckTxApp.Tx("bob", 0), tx), [new ExecTxResult(0, default, "", "", 0, 0, [], ""), new ExecTxResult(3, new byte[] { 1 }, "log", "info", 10, 9, events, "tasks")], []), sync: true);
        }

        using var reopened = new KeyValueTxIndex(RocksDbKeyValueStore.Open(path));
        var found = reopened.GetTx(Hash32.Sha256(tx))!;

        Assert.Equal((8L, 1), (found.Height, found.Index));
        Assert.Equal(tx, found.Tx.ToArray());
        Assert.Equal((3u, "tasks", 10L, 9L), (found.Result.Code, found.Result.Codespace, found.Result.GasWanted, found.Result.GasUsed));
        Assert.Equal("9", found.Result.Events.Single().Attributes.Single().Value);
        Assert.Null(reopened.GetTx(Hash32.Sha256("unknown"u8)));
    }
}
