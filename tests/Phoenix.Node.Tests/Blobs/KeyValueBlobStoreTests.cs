using Phoenix.Node.Blobs;
using Phoenix.Node.Storage;
using Phoenix.Node.Tests.Storage;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using RocksDbSharp;

namespace Phoenix.Node.Tests.Blobs;

/// <summary>The node's durable blob store: chunked blobs in RocksDB, verified on read, pins journalled across reopen.</summary>
public sealed class KeyValueBlobStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string StorePath => _dir.Sub("blobs");

    private static (Hash32 Id, byte[] Bytes) Blob(int size, int seed)
    {
        var bytes = BlobGrpcServiceTests.Content(size, seed);
        return (Hash32.Sha256(bytes), bytes);
    }

    private static byte[] ChunkKey(Hash32 id, int chunk)
    {
        var key = new byte[37];
        key[0] = 0x11;
        id.TryWriteBytes(key.AsSpan(1));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(33), chunk);
        return key;
    }

    [Fact]
    public async Task PutAsync_MultiChunkBlobThenReopen_ReadsBackSameBytes()
    {
        var big = Blob((KeyValueBlobStore.ChunkBytes * 2) + 12_345, 1);
        var small = Blob(10, 2);
        var empty = (Id: Hash32.Sha256([]), Bytes: Array.Empty<byte>());
        using (var store = KeyValueBlobStore.OpenRocksDb(StorePath))
        {
            await store.PutAsync(big.Id, big.Bytes);
            await store.PutAsync(small.Id, small.Bytes);
            await store.PutAsync(empty.Id, empty.Bytes);
        }

        using var reopened = KeyValueBlobStore.OpenRocksDb(StorePath);

        Assert.Equal(3, reopened.Count);
        Assert.Equal(big.Bytes.Length + small.Bytes.Length, reopened.TotalBytes);
        Assert.Equal(big.Bytes, (await reopened.TryGetAsync(big.Id))!.Value.ToArray());
        Assert.Equal(small.Bytes, (await reopened.ReadAsync(small.Id)).ToArray());
        Assert.Equal(0, (await reopened.TryGetAsync(empty.Id))!.Value.Length);
        Assert.Null(await reopened.TryGetAsync(Hash32.Sha256("absent"u8)));
    }

    [Fact]
    public async Task PutAsync_BytesDoNotHashToId_ThrowsIntegrityAndStoresNothing()
    {
        using var store = new KeyValueBlobStore(new InMemoryKeyValueStore());
        var (id, _) = Blob(100, 3);
        var other = BlobGrpcServiceTests.Content(100, 4);

        var ex = await Assert.ThrowsAsync<BlobIntegrityException>(() => store.PutAsync(id, other).AsTask());

        Assert.Equal(Hash32.Sha256(other), ex.Actual);
        Assert.False(await store.ContainsAsync(id));
        Assert.Equal(0, store.TotalBytes);
    }

    [Fact]
    public async Task PutAsync_OverLimit_ThrowsTooLarge()
    {
        using var store = new KeyValueBlobStore(new InMemoryKeyValueStore(), maxBlobBytes: 64);
        var (id, bytes) = Blob(65, 5);

        var ex = await Assert.ThrowsAsync<BlobTooLargeException>(() => store.PutAsync(id, bytes).AsTask());

        Assert.Equal(64, ex.Limit);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task TryGetAsync_ChunkBytesAltered_ThrowsIntegrityNeverServesAndPutRepairs()
    {
        var kv = new InMemoryKeyValueStore();
        using var store = new KeyValueBlobStore(kv);
        var (id, bytes) = Blob(KeyValueBlobStore.ChunkBytes + 100, 6);
        await store.PutAsync(id, bytes);
        var tampered = kv.Get(ChunkKey(id, 1))!;
        tampered[7] ^= 0x01;
        kv.Apply(new KeyValueBatch().Put(ChunkKey(id, 1), tampered));
        var seen = bytes.ToArray();
        seen[KeyValueBlobStore.ChunkBytes + 7] ^= 0x01;

        var ex = await Assert.ThrowsAsync<BlobIntegrityException>(() => store.TryGetAsync(id).AsTask());

        Assert.Equal(id, ex.Id);
        Assert.Equal(Hash32.Sha256(seen), ex.Actual);
        Assert.False(await store.ContainsAsync(id));
        Assert.Null(await store.TryGetAsync(id));
        Assert.Null(kv.Get(ChunkKey(id, 0)));
        Assert.Equal(0, store.TotalBytes);

        await store.PutAsync(id, bytes);
        Assert.Equal(bytes, (await store.ReadAsync(id)).ToArray());
    }

    [Fact]
    public async Task TryGetAsync_ChunkMissing_ThrowsIntegrityNamingTheChunk()
    {
        var kv = new InMemoryKeyValueStore();
        using var store = new KeyValueBlobStore(kv);
        var (id, bytes) = Blob((KeyValueBlobStore.ChunkBytes * 2) + 1, 7);
        await store.PutAsync(id, bytes);
        kv.Apply(new KeyValueBatch().Delete(ChunkKey(id, 2)));

        var ex = await Assert.ThrowsAsync<BlobIntegrityException>(() => store.TryGetAsync(id).AsTask());

        Assert.Contains("chunk 2 is missing", ex.Message, StringComparison.Ordinal);
        Assert.False(await store.ContainsAsync(id));
    }

    [Fact]
    public async Task TryGetAsync_ChunkFailsStoreChecksumOnDisk_ThrowsIntegrityWithStoreErrorAndRemovesBlob()
    {
        var (id, bytes) = Blob(5000, 8);
        var (otherId, other) = Blob(300, 9);
        using (var store = KeyValueBlobStore.OpenRocksDb(StorePath))
        {
            await store.PutAsync(id, bytes);
            await store.PutAsync(otherId, other);
        }

        using (var raw = RocksDb.Open(new DbOptions(), StorePath, new ColumnFamilies { { "phoenix.meta", new ColumnFamilyOptions() } }))
        {
            raw.Put(ChunkKey(id, 0), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
        }

        using var reopened = KeyValueBlobStore.OpenRocksDb(StorePath);
        var ex = await Assert.ThrowsAsync<BlobIntegrityException>(() => reopened.TryGetAsync(id).AsTask());

        Assert.IsType<StoreCorruptedException>(ex.InnerException);
        Assert.Equal(Hash32.Zero, ex.Actual);
        Assert.False(await reopened.ContainsAsync(id));
        Assert.Equal(other, (await reopened.ReadAsync(otherId)).ToArray());
    }

    [Fact]
    public async Task Open_BlobMetadataRecordDamaged_ThrowsStoreCorruptedNamingTheStore()
    {
        var (id, bytes) = Blob(10, 10);
        using (var store = KeyValueBlobStore.OpenRocksDb(StorePath))
        {
            await store.PutAsync(id, bytes);
        }

        var metaKey = new byte[33];
        metaKey[0] = 0x10;
        id.TryWriteBytes(metaKey.AsSpan(1));
        using (var raw = RocksDb.Open(new DbOptions(), StorePath, new ColumnFamilies { { "phoenix.meta", new ColumnFamilyOptions() } }))
        {
            raw.Put(metaKey, new byte[] { 0, 0, 0, 0, 1 });
        }

        var ex = Assert.Throws<StoreCorruptedException>(() => KeyValueBlobStore.OpenRocksDb(StorePath));
        Assert.Equal(StorePath, ex.Path);
    }

    [Fact]
    public void Open_StoreOfAnotherKind_ThrowsStoreCorrupted()
    {
        RocksDbKeyValueStore.Open(StorePath, new RocksDbStoreOptions { Kind = "state" }).Dispose();

        var ex = Assert.Throws<StoreCorruptedException>(() => KeyValueBlobStore.OpenRocksDb(StorePath));
        Assert.Contains("blobs", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectGarbageAsync_OverBudget_RemovesOldestUnpinnedOnly()
    {
        using var store = new KeyValueBlobStore(new InMemoryKeyValueStore(), maxTotalBytes: 250);
        var blobs = Enumerable.Range(0, 4).Select(i => Blob(100, 20 + i)).ToList();
        foreach (var (id, bytes) in blobs)
        {
            await store.PutAsync(id, bytes);
        }

        store.Pin(blobs[0].Id);

        var removed = await store.CollectGarbageAsync();

        Assert.Equal(2, removed);
        Assert.True(await store.ContainsAsync(blobs[0].Id), "the pinned oldest blob stays");
        Assert.False(await store.ContainsAsync(blobs[1].Id));
        Assert.False(await store.ContainsAsync(blobs[2].Id));
        Assert.True(await store.ContainsAsync(blobs[3].Id));
        Assert.Equal(200, store.TotalBytes);
    }

    [Fact]
    public async Task BlobPinTracker_OverReopenedStore_RestoresOwnersAndPinsFromJournal()
    {
        var a = Blob(10, 30);
        var b = Blob(10, 31);
        using (var store = KeyValueBlobStore.OpenRocksDb(StorePath))
        {
            await store.PutAsync(a.Id, a.Bytes);
            await store.PutAsync(b.Id, b.Bytes);
            var tracker = new BlobPinTracker(store);
            tracker.Pin("unit-1", [a.Id, b.Id]);
            tracker.Pin("unit-2", [a.Id]);
            tracker.Pin("unit-3", [b.Id]);
            Assert.Equal(1, tracker.Release("unit-3"));
        }

        using var reopened = KeyValueBlobStore.OpenRocksDb(StorePath, maxTotalBytes: 0);
        Assert.Equal(0, reopened.PinCount(a.Id));
        var restored = new BlobPinTracker(reopened);

        Assert.Equal(new[] { "unit-1", "unit-2" }, restored.Owners());
        Assert.Equal(2, reopened.PinCount(a.Id));
        Assert.Equal(1, reopened.PinCount(b.Id));
        Assert.Equal(0, await reopened.CollectGarbageAsync());

        restored.Release("unit-1");
        restored.Release("unit-2");
        Assert.Equal(2, await reopened.CollectGarbageAsync());
    }
}
