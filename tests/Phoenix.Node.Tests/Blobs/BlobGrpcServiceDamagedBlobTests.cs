using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Phoenix.Node.Blobs;
using Phoenix.Node.Tests.Api;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Tests.Blobs;

/// <summary>BlobService over the node's durable store when a stored blob is damaged: never served, repaired from a peer when one has it.</summary>
public sealed class BlobGrpcServiceDamagedBlobTests : IAsyncLifetime
{
    private readonly List<GrpcTestServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<(BlobService.BlobServiceClient Client, KeyValueBlobStore Store, Hash32 Id, byte[] Bytes)> StartWithDamagedBlobAsync(IBlobPeerSource? peers)
    {
        var kv = new InMemoryKeyValueStore();
        var store = new KeyValueBlobStore(kv);
        var bytes = BlobGrpcServiceTests.Content(70_000, 11);
        var id = Hash32.Sha256(bytes);
        await store.PutAsync(id, bytes);
        var chunkKey = new byte[37];
        chunkKey[0] = 0x11;
        id.TryWriteBytes(chunkKey.AsSpan(1));
        var damaged = kv.Get(chunkKey)!;
        damaged[100] ^= 0x40;
        kv.Apply(new KeyValueBatch().Put(chunkKey, damaged));

        var server = await GrpcTestServer.StartAsync(
            s =>
            {
                s.AddSingleton<IBlobStore>(store);
                s.AddSingleton(Options.Create(new BlobServiceOptions { ChunkBytes = 16 * 1024 }));
                if (peers is not null)
                {
                    s.AddSingleton(peers);
                }
            },
            app => app.MapGrpcService<BlobGrpcService>());
        _servers.Add(server);
        return (new BlobService.BlobServiceClient(server.Channel), store, id, bytes);
    }

    private static async Task<byte[]> DownloadAsync(BlobService.BlobServiceClient client, Hash32 id, bool localOnly = false)
    {
        using var call = client.Download(new DownloadBlobRequest { Id = ByteString.CopyFrom(id.ToArray()), LocalOnly = localOnly });
        var received = new List<byte>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            received.AddRange(chunk.Data);
        }

        return [.. received];
    }

    [Fact]
    public async Task Download_LocalCopyDamagedNoPeer_DataLossAndNoByteSent()
    {
        var (client, store, id, _) = await StartWithDamagedBlobAsync(peers: null);

        var ex = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(client, id));

        Assert.Equal(StatusCode.DataLoss, ex.StatusCode);
        Assert.Contains(id.ToString(), ex.Status.Detail, StringComparison.Ordinal);
        Assert.False(await store.ContainsAsync(id));
    }

    [Fact]
    public async Task Download_LocalCopyDamaged_RepairedFromPeerAndServed()
    {
        var peer = new OnePeer();
        var (client, store, id, bytes) = await StartWithDamagedBlobAsync(peer);
        peer.Blobs[id] = bytes;

        var served = await DownloadAsync(client, id);

        Assert.Equal(bytes, served);
        Assert.Equal(1, peer.Fetches);
        Assert.Equal(bytes, (await store.ReadAsync(id)).ToArray());
    }

    [Fact]
    public async Task Download_LocalOnlyAndDamaged_DataLossWithoutAskingPeers()
    {
        var peer = new OnePeer();
        var (client, _, id, bytes) = await StartWithDamagedBlobAsync(peer);
        peer.Blobs[id] = bytes;

        var ex = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(client, id, localOnly: true));

        Assert.Equal(StatusCode.DataLoss, ex.StatusCode);
        Assert.Equal(0, peer.Fetches);
    }

    private sealed class OnePeer : IBlobPeerSource
    {
        public Dictionary<Hash32, byte[]> Blobs { get; } = [];

        public int Fetches { get; private set; }

        public ValueTask<ReadOnlyMemory<byte>?> TryFetchAsync(Hash32 id, long maxBytes, CancellationToken cancellationToken = default)
        {
            Fetches++;
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(Blobs.TryGetValue(id, out var b) ? b : null);
        }
    }
}
