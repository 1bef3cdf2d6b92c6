using Google.Protobuf;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Tests.Api;

namespace Phoenix.Sdk.Tests.Client;

public sealed class BlobClientTests
{
    private static byte[] Content(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)(i * 31 % 251))];

    [Fact]
    public async Task UploadAsync_ThenDownloadAsync_RoundTripsVerifiedBytes()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        var content = Content(150_000);

        var id = await client.Blobs.UploadAsync(content);
        var downloaded = await client.Blobs.DownloadAsync(id);

        Assert.Equal(Hash32.Sha256(content), id);
        Assert.True(await node.Blobs.ContainsAsync(id));
        Assert.Equal(content, downloaded);
    }

    [Fact]
    public async Task DownloadAsync_NodeServesCorruptedChunk_ThrowsBlobVerification()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        var content = Content(40_000);
        var id = await client.Blobs.UploadAsync(content);
        node.Faults.TamperChunk = c =>
        {
            var data = c.Data.ToByteArray();
            data[0] ^= 0xFF;
            return new Phoenix.Protocol.Node.V1.BlobChunk { Offset = c.Offset, TotalSize = c.TotalSize, Data = ByteString.CopyFrom(data) };
        };

        var e = await Assert.ThrowsAsync<BlobVerificationException>(() => client.Blobs.DownloadAsync(id));

        Assert.Equal(id, e.Expected);
        Assert.NotEqual(id, e.Actual);
    }

    [Fact]
    public async Task DownloadAsync_StreamCutAfterFirstChunk_ResumesFromReceivedOffset()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);
        var content = Content(50_000);
        var id = await client.Blobs.UploadAsync(content);
        node.Faults.CutDownloadsAfterFirstChunk = 1;

        var downloaded = await client.Blobs.DownloadAsync(id);

        Assert.Equal(content, downloaded);
        Assert.Equal([0L, 16 * 1024L], node.Faults.DownloadOffsets);
    }

    [Fact]
    public async Task DownloadAsync_UnknownBlob_ThrowsNotFound()
    {
        await using var node = await TestNode.StartAsync();
        using var client = TestClients.For(node.Address);

        var e = await Assert.ThrowsAsync<PhoenixRpcException>(() => client.Blobs.DownloadAsync(Hash32.Sha256("absent"u8)));

        Assert.Equal(Grpc.Core.StatusCode.NotFound, e.StatusCode);
    }
}
