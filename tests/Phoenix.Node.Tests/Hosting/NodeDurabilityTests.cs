using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Phoenix.Node.Blobs;
using Phoenix.Node.Blobs.Internal;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Types;
using Phoenix.Node.Hosting;
using Phoenix.Node.Storage;
using Phoenix.Node.Tests.Storage;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.Node.Tests.Hosting;

/// <summary>
/// One validator stopped and restarted on its data directory: blobs, their pins and light blocks of heights committed
/// before the restart are still served after it; a damaged WAL or blob store refuses the start.
/// </summary>
public sealed class NodeDurabilityTests : IDisposable
{
    private const string ChainId = "phoenix-durable-1";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Restart_BlobUploadedBefore_DownloadedAfterFromTheNodesOwnStore()
    {
        var home = Init();
        var bytes = Phoenix.Node.Tests.Blobs.BlobGrpcServiceTests.Content(600_000, 42);
        var id = Hash32.Sha256(bytes);
        await using (var node = await StartAsync(home))
        {
            using var channel = GrpcChannel.ForAddress(node.ListenAddress);
            var upload = new BlobService.BlobServiceClient(channel).Upload();
            await upload.RequestStream.WriteAsync(new UploadBlobRequest { Header = new BlobHeader { Id = ByteString.CopyFrom(id.ToArray()), Size = bytes.Length } });
            await upload.RequestStream.WriteAsync(new UploadBlobRequest { Chunk = ByteString.CopyFrom(bytes) });
            await upload.RequestStream.CompleteAsync();
            Assert.False((await upload).AlreadyPresent);
        }

        await using var again = await StartAsync(home);
        using var channel2 = GrpcChannel.ForAddress(again.ListenAddress);
        var client = new BlobService.BlobServiceClient(channel2);
        var stat = await client.StatAsync(new StatBlobRequest { Id = ByteString.CopyFrom(id.ToArray()) });
        using var download = client.Download(new DownloadBlobRequest { Id = ByteString.CopyFrom(id.ToArray()), LocalOnly = true });
        var received = new List<byte>();
        await foreach (var chunk in download.ResponseStream.ReadAllAsync())
        {
            received.AddRange(chunk.Data);
        }

        Assert.True(stat.Present);
        Assert.Equal(bytes.Length, stat.Size);
        Assert.Equal(bytes, received.ToArray());
        Assert.True(Directory.Exists(Path.Combine(home.HomeDirectory, "data", "blobs")));
    }

    [Fact]
    public async Task Restart_LightBlockOfHeightBeforeRestart_ServedWithACommitThatVerifies()
    {
        var home = Init();
        LightBlock before;
        long stoppedAt;
        await using (var node = await StartAsync(home))
        {
            await WaitHeightAsync(node, 3);
            using var channel = GrpcChannel.ForAddress(node.ListenAddress);
            before = (await new LightClientService.LightClientServiceClient(channel).GetLightBlockAsync(new GetLightBlockRequest { Height = 2 })).LightBlock;
            await node.DisposeAsync();
            stoppedAt = node.Height;
        }

        await using var again = await StartAsync(home);
        // No replay rebuilt anything: the application kept its state, so only stored data can serve height 2.
        Assert.Equal(stoppedAt, again.Runtime.AppHeightAtOpen);
        using var channel2 = GrpcChannel.ForAddress(again.ListenAddress);
        var after = (await new LightClientService.LightClientServiceClient(channel2).GetLightBlockAsync(new GetLightBlockRequest { Height = 2 })).LightBlock;
        var served = again.Runtime.LightBlocks!.GetLightBlock(2)!;

        Assert.Equal(before.Header, after.Header);
        Assert.Equal(before.Commit, after.Commit);
        Assert.Equal(before.ValidatorSet.Validators.Select(v => (v.PubKeyEd25519, v.VotingPower)), after.ValidatorSet.Validators.Select(v => (v.PubKeyEd25519, v.VotingPower)));
        Assert.Equal(Convert.ToHexString(served.Header.ValidatorsHash), Convert.ToHexString(served.ValidatorSet.Hash()));
        Assert.Equal(CommitVerification.Valid, served.Commit.Verify(ChainId, served.ValidatorSet, served.Commit.BlockId, 2));
        Assert.Equal(Convert.ToHexString(served.Header.Hash()), Convert.ToHexString(served.Commit.BlockId.Hash));
        Assert.True(again.Runtime.LightBlocks.LatestHeight >= stoppedAt);
    }

    [Fact]
    public async Task Restart_UnfinishedTask_ItsBlobsStayPinnedAcrossRestart()
    {
        var home = Init();
        var model = "model bytes"u8.ToArray();
        var inputs = new[] { "first input"u8.ToArray(), "second input"u8.ToArray() };
        var manifest = inputs.SelectMany(i => Hash32.Sha256(i).ToArray()).ToArray();
        var ids = new[] { model, manifest }.Concat(inputs).Select(b => Hash32.Sha256(b)).ToList();
        await using (var node = await StartAsync(home))
        {
            foreach (var blob in new[] { model, manifest }.Concat(inputs))
            {
                await node.Runtime.Blobs!.PutAsync(Hash32.Sha256(blob), blob);
            }

            var body = new TxBody { ChainId = ChainId };
            body.Messages.Add(new PostTaskMessage("onnx/v1", ids[0].ToArray(), ids[1].ToArray(), VerificationPolicy.Exact, 0, 0, (uint)inputs.Length, "1000000", 1,
                DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 86_400, 3_600).ToWire());
            var admission = node.Mempool.Add(TxEncoding.Sign(body, 0, new Amount(1000, Denom.Phnx), TestKeys.Alice.Seed));
            Assert.True(admission.IsAccepted, admission.ToString());
            await WaitAsync(() => node.ReadState(a => TaskMarketModule.GetTask(a.CommittedState, 1)) is not null, "the task was not committed");
            var store = (KeyValueBlobStore)node.Runtime.Blobs!;
            await WaitAsync(() => ids.All(id => store.PinCount(id) == 1), "the task's blobs were not pinned");
        }

        await using var again = await StartAsync(home);
        var reopened = Assert.IsType<KeyValueBlobStore>(again.Runtime.Blobs);

        Assert.Equal(new[] { TaskBlobPins.Owner(1) }, again.Runtime.Pins!.Owners());
        Assert.All(ids, id => Assert.Equal(1, reopened.PinCount(id)));
    }

    [Fact]
    public async Task Start_WalRecordDamaged_RefusesWithWalCorruptedException()
    {
        var home = Init();
        await using (var node = await StartAsync(home))
        {
            await WaitHeightAsync(node, 2);
        }

        var walPath = Path.Combine(home.HomeDirectory, "data", "cs.wal");
        var wal = await File.ReadAllBytesAsync(walPath);
        Assert.True(wal.Length > 16, "the WAL is empty");
        wal[9] ^= 0xFF; // inside the data of the first record, whose frame stays complete
        await File.WriteAllBytesAsync(walPath, wal);

        var ex = await Assert.ThrowsAsync<WalCorruptedException>(() => StartAsync(home));
        Assert.Equal(walPath, ex.Path);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public async Task Start_BlobStoreCurrentFileDeleted_RefusesWithStoreCorruptedException()
    {
        var home = Init();
        await using (var node = await StartAsync(home))
        {
            await WaitHeightAsync(node, 1);
        }

        var blobsPath = Path.Combine(home.HomeDirectory, "data", "blobs");
        File.Delete(Path.Combine(blobsPath, "CURRENT"));

        var ex = await Assert.ThrowsAsync<StoreCorruptedException>(() => StartAsync(home));
        Assert.Equal(blobsPath, ex.Path);
    }

    private ValidatorHome Init()
        => ValidatorNetwork.Initialize(ChainId, Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), [_dir.Sub("v0")],
            b => b.AddAccount(TestKeys.Alice.Address, Amount.FromTokens(1_000, Denom.Phnx), Amount.FromTokens(1_000, Denom.Spark))).Single();

    private static Task<PhoenixNode> StartAsync(ValidatorHome home)
    {
        var o = home.CreateOptions();
        o.ListenUrl = "http://127.0.0.1:0";
        o.Consensus.Timeouts = new ConsensusTimeoutOptions
        {
            Propose = TimeSpan.FromMilliseconds(500), Prevote = TimeSpan.FromMilliseconds(200), Precommit = TimeSpan.FromMilliseconds(200),
            Commit = TimeSpan.FromMilliseconds(50),
        };
        return PhoenixNode.StartAsync(o);
    }

    private static Task WaitHeightAsync(PhoenixNode node, long height)
        => WaitAsync(() => node.Height >= height, $"the node did not reach height {height} (at {node.Height})");

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }
}
