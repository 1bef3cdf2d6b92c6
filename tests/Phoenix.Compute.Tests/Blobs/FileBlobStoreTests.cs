using Phoenix.Compute.Blobs;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Blobs;

public sealed class FileBlobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "phx-blobs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private FileBlobStore Open(long maxBlob = 1 << 20, long maxTotal = long.MaxValue)
        => new(new FileBlobStoreOptions { RootPath = _root, MaxBlobBytes = maxBlob, MaxTotalBytes = maxTotal });

    private static (Hash32 Id, byte[] Bytes) Blob(int seed, int size = 100)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return (Hash32.Sha256(bytes), bytes);
    }

    [Fact]
    public async Task ReadAsync_AfterPut_ReturnsSameBytesAndSurvivesReopen()
    {
        var (id, bytes) = Blob(1);
        var store = Open();
        await store.PutAsync(id, bytes);

        var reopened = Open();

        Assert.Equal(bytes, (await reopened.ReadAsync(id)).ToArray());
        Assert.True(await reopened.ContainsAsync(id));
        Assert.Equal(bytes.Length, reopened.TotalBytes);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, "tmp")));
    }

    [Fact]
    public async Task PutAsync_BytesNotMatchingId_ThrowsIntegrityAndStoresNothing()
    {
        var (id, _) = Blob(1);
        var (_, other) = Blob(2);
        var store = Open();

        var ex = await Assert.ThrowsAsync<BlobIntegrityException>(() => store.PutAsync(id, other).AsTask());

        Assert.Equal(Hash32.Sha256(other), ex.Actual);
        Assert.False(await store.ContainsAsync(id));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task PutAsync_OverSizeLimit_ThrowsTooLarge()
    {
        var (id, bytes) = Blob(1, 2048);
        var store = Open(maxBlob: 1024);

        var ex = await Assert.ThrowsAsync<BlobTooLargeException>(() => store.PutAsync(id, bytes).AsTask());
        Assert.Equal(2048, ex.Size);
        Assert.Null(await store.TryGetAsync(id));
    }

    [Fact]
    public async Task TryGetAsync_FileCorruptedOnDisk_ThrowsIntegrityNeverServesBadBytesAndCanBeRepaired()
    {
        var (id, bytes) = Blob(3);
        var store = Open();
        await store.PutAsync(id, bytes);
        var corrupted = (byte[])bytes.Clone();
        corrupted[10] ^= 0xff;
        File.WriteAllBytes(store.PathOf(id), corrupted);

        await Assert.ThrowsAsync<BlobIntegrityException>(() => store.TryGetAsync(id).AsTask());
        Assert.Null(await store.TryGetAsync(id));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => store.ReadAsync(id).AsTask());
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_root, "corrupt")));

        await store.PutAsync(id, bytes);
        Assert.Equal(bytes, (await store.ReadAsync(id)).ToArray());
    }

    [Fact]
    public async Task CollectGarbageAsync_OverBudget_RemovesOldestUnpinnedOnly()
    {
        var store = Open(maxTotal: 250);
        var blobs = Enumerable.Range(0, 5).Select(i => Blob(10 + i)).ToArray();
        foreach (var (id, bytes) in blobs)
        {
            await store.PutAsync(id, bytes);
        }

        store.Pin(blobs[0].Id);
        store.Pin(blobs[0].Id);
        store.Unpin(blobs[0].Id);

        var removed = await store.CollectGarbageAsync();

        Assert.Equal(3, removed);
        Assert.True(store.TotalBytes <= 250);
        Assert.True(await store.ContainsAsync(blobs[0].Id), "a blob pinned twice and unpinned once stays pinned");
        Assert.False(await store.ContainsAsync(blobs[1].Id));
        Assert.False(await store.ContainsAsync(blobs[2].Id));
        Assert.False(await store.ContainsAsync(blobs[3].Id));
        Assert.True(await store.ContainsAsync(blobs[4].Id));
        Assert.False(File.Exists(store.PathOf(blobs[1].Id)));
    }

    [Fact]
    public async Task CollectGarbageAsync_WithinBudget_RemovesNothing()
    {
        var store = Open(maxTotal: 1000);
        var (id, bytes) = Blob(4);
        await store.PutAsync(id, bytes);

        Assert.Equal(0, await store.CollectGarbageAsync());
        Assert.True(await store.ContainsAsync(id));
    }
}
