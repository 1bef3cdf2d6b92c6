using System.Text;
using Phoenix.Node.Storage;
using Phoenix.Protocol.State;
using RocksDbSharp;

namespace Phoenix.Node.Tests.Storage;

/// <summary>Damages store files on disk and checks that opening refuses with <see cref="StoreCorruptedException"/>.</summary>
public sealed class StoreCorruptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Open_TableFileBytesFlipped_ThrowsStoreCorrupted()
    {
        var path = WriteFlushedStore();
        var sst = Directory.GetFiles(path, "*.sst").OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = File.ReadAllBytes(sst);
        for (var i = bytes.Length / 4; i < bytes.Length / 4 + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }

        File.WriteAllBytes(sst, bytes);

        var ex = Assert.Throws<StoreCorruptedException>(() => RocksDbKeyValueStore.Open(path));
        Assert.Equal(path, ex.Path);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CurrentFileDeleted_ThrowsStoreCorrupted()
    {
        var path = WriteFlushedStore();
        File.Delete(Path.Combine(path, "CURRENT"));

        var ex = Assert.Throws<StoreCorruptedException>(() => RocksDbKeyValueStore.Open(path));
        Assert.Contains("CURRENT", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ManifestTruncated_ThrowsStoreCorrupted()
    {
        var path = WriteFlushedStore();
        var manifest = Directory.GetFiles(path, "MANIFEST-*").Single();
        var bytes = File.ReadAllBytes(manifest);
        File.WriteAllBytes(manifest, bytes.AsSpan(0, bytes.Length / 2).ToArray().Concat(Enumerable.Repeat((byte)0xEE, 40)).ToArray());

        Assert.Throws<StoreCorruptedException>(() => RocksDbKeyValueStore.Open(path));
    }

    [Fact]
    public void Open_ValueWithoutValidChecksum_ThrowsStoreCorruptedNamingKey()
    {
        var path = WriteFlushedStore();
        OverwriteRaw(path, "key-0007"u8.ToArray(), [0, 0, 0, 0, 1, 2, 3]);

        var ex = Assert.Throws<StoreCorruptedException>(() => RocksDbKeyValueStore.Open(path));
        Assert.Contains(Convert.ToHexStringLower("key-0007"u8), ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_ValueMovedToAnotherKey_ThrowsStoreCorruptedWhenNotVerifiedOnOpen()
    {
        var path = WriteFlushedStore();
        byte[] stolen;
        using (var raw = OpenRaw(path))
        {
            stolen = raw.Get("key-0001"u8.ToArray());
        }

        OverwriteRaw(path, "key-0002"u8.ToArray(), stolen);

        using var store = RocksDbKeyValueStore.Open(path, new RocksDbStoreOptions { VerifyOnOpen = false });
        Assert.NotNull(store.Get("key-0001"u8));
        Assert.Throws<StoreCorruptedException>(() => store.Get("key-0002"u8));
        Assert.Throws<StoreCorruptedException>(() => store.Scan([], null).ToList());
    }

    [Fact]
    public void Open_BlockStoreRangeRecordPointsPastBlocks_ThrowsStoreCorrupted()
    {
        var path = _dir.Sub("blocks");
        using (var kv = RocksDbKeyValueStore.Open(path, new RocksDbStoreOptions { Kind = "blocks" }))
        {
            var range = new byte[16];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(range, 1);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(range.AsSpan(8), 5);
            kv.Apply(new KeyValueBatch().Put([0x00, (byte)'r'], range));
        }

        Assert.Throws<StoreCorruptedException>(() => KeyValueBlockStore.OpenRocksDb(path));
    }

    private string WriteFlushedStore()
    {
        var path = Path.GetFullPath(_dir.Sub("state"));
        using var store = RocksDbKeyValueStore.Open(path);
        var batch = new KeyValueBatch();
        for (var i = 0; i < 3000; i++)
        {
            batch.Put(Encoding.ASCII.GetBytes($"key-{i:D4}"), Encoding.ASCII.GetBytes($"value {i * 7919 % 10007} {new string((char)('a' + (i % 26)), 40)}"));
        }

        store.Apply(batch);
        store.Flush();
        return path;
    }

    private static RocksDb OpenRaw(string path)
        => RocksDb.Open(new DbOptions(), path, new ColumnFamilies { { "phoenix.meta", new ColumnFamilyOptions() } });

    private static void OverwriteRaw(string path, byte[] key, byte[] raw)
    {
        using var db = OpenRaw(path);
        db.Put(key, raw);
    }
}
