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

namespace Phoenix.Node.Tests.Blobs;

/// <summary>BlobService end to end over real Kestrel servers on 127.0.0.1.</summary>
public sealed class BlobGrpcServiceTests : IAsyncLifetime
{
    private const int ChunkBytes = 16 * 1024;
    private readonly List<GrpcTestServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    internal static byte[] Content(int size, int seed = 1)
    {
        var bytes = new byte[size];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<(BlobService.BlobServiceClient Client, InMemoryBlobStore Store, GrpcTestServer Server)> StartNodeAsync(IBlobPeerSource? peers = null, long maxBlobBytes = 1024 * 1024)
    {
        var store = new InMemoryBlobStore();
        var server = await GrpcTestServer.StartAsync(
            s =>
            {
                s.AddSingleton<IBlobStore>(store);
                s.AddSingleton(Options.Create(new BlobServiceOptions { ChunkBytes = ChunkBytes, MaxBlobBytes = maxBlobBytes }));
                if (peers is not null)
                {
                    s.AddSingleton(peers);
                }
            },
            app => app.MapGrpcService<BlobGrpcService>());
        _servers.Add(server);
        return (new BlobService.BlobServiceClient(server.Channel), store, server);
    }

    internal static async Task<UploadBlobResponse> UploadAsync(BlobService.BlobServiceClient client, Hash32 id, long declaredSize, byte[] content, int chunk = 10_000)
    {
        using var call = client.Upload();
        await call.RequestStream.WriteAsync(new UploadBlobRequest { Header = new BlobHeader { Id = ByteString.CopyFrom(id.ToArray()), Size = declaredSize } });
        for (var offset = 0; offset < content.Length; offset += chunk)
        {
            await call.RequestStream.WriteAsync(new UploadBlobRequest { Chunk = ByteString.CopyFrom(content.AsSpan(offset, Math.Min(chunk, content.Length - offset))) });
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    private static async Task<(byte[] Bytes, List<BlobChunk> Chunks)> DownloadAsync(BlobService.BlobServiceClient client, Hash32 id, long offset = 0)
    {
        using var call = client.Download(new DownloadBlobRequest { Id = ByteString.CopyFrom(id.ToArray()), Offset = offset });
        var chunks = new List<BlobChunk>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            chunks.Add(chunk);
        }

        return (chunks.SelectMany(c => c.Data.ToByteArray()).ToArray(), chunks);
    }

    [Fact]
    public async Task Upload_ThenDownload_RoundTripsInChunks()
    {
        var (client, store, _) = await StartNodeAsync();
        var content = Content(100_000);
        var id = Hash32.Sha256(content);

        var uploaded = await UploadAsync(client, id, content.Length, content);
        var (bytes, chunks) = await DownloadAsync(client, id);

        Assert.False(uploaded.AlreadyPresent);
        Assert.True(await store.ContainsAsync(id));
        Assert.Equal(content, bytes);
        Assert.Equal((content.Length + ChunkBytes - 1) / ChunkBytes, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(content.Length, c.TotalSize));
        Assert.True((await UploadAsync(client, id, content.Length, content)).AlreadyPresent);
    }

    [Fact]
    public async Task Upload_BytesDoNotHashToId_InvalidArgumentAndNothingStored()
    {
        var (client, store, _) = await StartNodeAsync();
        var content = Content(5000);
        var claimed = Hash32.Sha256(Content(5000, seed: 2));

        var ex = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(client, claimed, content.Length, content));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(Hash32.Sha256(content).ToString(), ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Upload_DeclaredSizeOverLimit_ResourceExhaustedBeforeReadingBytes()
    {
        var (client, _, _) = await StartNodeAsync(maxBlobBytes: 4096);
        var content = Content(5000);

        var ex = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(client, Hash32.Sha256(content), content.Length, []));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(10_000)]
    public async Task Upload_LengthDiffersFromDeclaredSize_InvalidArgument(int declared)
    {
        var (client, store, _) = await StartNodeAsync();
        var content = Content(5000);

        var ex = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(client, Hash32.Sha256(content), declared, content));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task Upload_ChunkBeforeHeader_InvalidArgument()
    {
        var (client, _, _) = await StartNodeAsync();
        using var call = client.Upload();
        await call.RequestStream.WriteAsync(new UploadBlobRequest { Chunk = ByteString.CopyFromUtf8("data") });
        await call.RequestStream.CompleteAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task Download_FromOffset_ReturnsTheRemainingBytes()
    {
        var (client, store, _) = await StartNodeAsync();
        var content = Content(50_000);
        var id = Hash32.Sha256(content);
        await store.PutAsync(id, content);

        var (bytes, chunks) = await DownloadAsync(client, id, offset: 20_001);

        Assert.Equal(content.AsSpan(20_001).ToArray(), bytes);
        Assert.Equal(20_001, chunks[0].Offset);
    }

    [Theory]
    [InlineData(50_001, StatusCode.OutOfRange)]
    [InlineData(-1, StatusCode.InvalidArgument)]
    public async Task Download_BadOffset_TypedStatus(long offset, StatusCode expected)
    {
        var (client, store, _) = await StartNodeAsync();
        var content = Content(50_000);
        await store.PutAsync(Hash32.Sha256(content), content);

        var ex = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(client, Hash32.Sha256(content), offset));
        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task Download_UnknownBlobNoPeers_NotFound()
    {
        var (client, _, _) = await StartNodeAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(client, Hash32.Sha256("nothing"u8)));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Download_MissingLocally_FetchedFromPeerStoredAndServed()
    {
        var content = Content(70_000);
        var id = Hash32.Sha256(content);
        var (_, peerStore, peerServer) = await StartNodeAsync();
        await peerStore.PutAsync(id, content);
        using var peers = new GrpcBlobPeerSource([peerServer.Address]);
        var (client, store, _) = await StartNodeAsync(peers);

        var (bytes, _) = await DownloadAsync(client, id);

        Assert.Equal(content, bytes);
        Assert.True(await store.ContainsAsync(id));
    }

    [Fact]
    public async Task Download_OnlyPeerServesCorruptedBytes_NotFoundAndNothingStored()
    {
        var content = Content(30_000);
        var id = Hash32.Sha256(content);
        var liar = await ScriptedPeer.StartAsync(_servers, new ScriptedPeer(content) { Corrupt = true });
        using var peers = new GrpcBlobPeerSource([liar.Address]);
        var (client, store, _) = await StartNodeAsync(peers);

        var ex = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(client, id));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task TryFetchAsync_FirstPeerCorrupt_FetchesIntactBlobFromNextPeer()
    {
        var content = Content(30_000);
        var id = Hash32.Sha256(content);
        var liar = await ScriptedPeer.StartAsync(_servers, new ScriptedPeer(content) { Corrupt = true });
        var honest = await ScriptedPeer.StartAsync(_servers, new ScriptedPeer(content));
        using var peers = new GrpcBlobPeerSource([liar.Address, honest.Address]);

        var fetched = await peers.TryFetchAsync(id, 1024 * 1024);

        Assert.Equal(content, fetched!.Value.ToArray());
    }

    [Fact]
    public async Task TryFetchAsync_PeerFailsMidStream_ResumesAtNextPeerFromReceivedOffset()
    {
        var content = Content(30_000);
        var id = Hash32.Sha256(content);
        var flaky = new ScriptedPeer(content) { FailAfterChunks = 1 };
        var second = new ScriptedPeer(content);
        var flakyServer = await ScriptedPeer.StartAsync(_servers, flaky);
        var secondServer = await ScriptedPeer.StartAsync(_servers, second);
        using var peers = new GrpcBlobPeerSource([flakyServer.Address, secondServer.Address]);

        var fetched = await peers.TryFetchAsync(id, 1024 * 1024);

        Assert.Equal(content, fetched!.Value.ToArray());
        Assert.Equal([ScriptedPeer.ChunkSize], second.RequestedOffsets);
        Assert.All(flaky.LocalOnlyFlags.Concat(second.LocalOnlyFlags), Assert.True);
    }

    [Fact]
    public async Task TryFetchAsync_PeerClaimsSizeOverLimit_RejectedWithoutBuffering()
    {
        var content = Content(30_000);
        var big = await ScriptedPeer.StartAsync(_servers, new ScriptedPeer(content));
        using var peers = new GrpcBlobPeerSource([big.Address]);

        Assert.Null(await peers.TryFetchAsync(Hash32.Sha256(content), maxBytes: 10_000));
    }
}

/// <summary>A scripted peer BlobService: serves one blob, optionally corrupted or failing part-way.</summary>
internal sealed class ScriptedPeer(byte[] content) : BlobService.BlobServiceBase
{
    public const int ChunkSize = 8 * 1024;

    public bool Corrupt { get; init; }

    public int FailAfterChunks { get; init; } = int.MaxValue;

    public List<long> RequestedOffsets { get; } = [];

    public List<bool> LocalOnlyFlags { get; } = [];

    public static async Task<GrpcTestServer> StartAsync(List<GrpcTestServer> servers, ScriptedPeer peer)
    {
        var server = await GrpcTestServer.StartAsync(s => s.AddSingleton(peer), app => app.MapGrpcService<ScriptedPeer>());
        servers.Add(server);
        return server;
    }

    public override async Task Download(DownloadBlobRequest request, IServerStreamWriter<BlobChunk> responseStream, ServerCallContext context)
    {
        lock (RequestedOffsets)
        {
            RequestedOffsets.Add(request.Offset);
            LocalOnlyFlags.Add(request.LocalOnly);
        }

        var sent = 0;
        for (var offset = (int)request.Offset; offset < content.Length; offset += ChunkSize)
        {
            if (sent++ == FailAfterChunks)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "scripted failure"));
            }

            var data = content.AsSpan(offset, Math.Min(ChunkSize, content.Length - offset)).ToArray();
            if (Corrupt)
            {
                data[0] ^= 0xFF;
            }

            await responseStream.WriteAsync(new BlobChunk { Offset = offset, Data = ByteString.CopyFrom(data), TotalSize = content.Length });
        }
    }
}
