using FsCheck;
using FsCheck.Fluent;
using Phoenix.Node.Storage;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Tests.Storage;

public sealed class RocksDbKeyValueStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Apply_ThenReopen_ValuesPersist()
    {
        var path = _dir.Sub("state");
        using (var store = RocksDbKeyValueStore.Open(path))
        {
            store.Apply(new KeyValueBatch().Put([1, 2], [10]).Put([3], [30, 31]).Put([4], []), sync: true);
            store.Apply(new KeyValueBatch().Delete([3]).Put([5], [50]), sync: true);
        }

        using var reopened = RocksDbKeyValueStore.Open(path);
        Assert.Equal(new byte[] { 10 }, reopened.Get([1, 2]));
        Assert.Null(reopened.Get([3]));
        Assert.Equal(Array.Empty<byte>(), reopened.Get([4]));
        Assert.Equal(new byte[] { 50 }, reopened.Get([5]));
    }

    [Fact]
    public void Scan_WriteDuringEnumeration_SeesSnapshotTakenAtStart()
    {
        using var store = RocksDbKeyValueStore.Open(_dir.Sub("state"));
        store.Apply(new KeyValueBatch().Put([1], [1]).Put([2], [2]).Put([3], [3]));

        var seen = new List<byte>();
        foreach (var (key, _) in store.Scan([0], null))
        {
            seen.Add(key[0]);
            if (key[0] == 1)
            {
                store.Apply(new KeyValueBatch().Delete([3]).Put([2, 5], [9]));
            }
        }

        Assert.Equal(new byte[] { 1, 2, 3 }, seen);
        Assert.Equal(new byte[][] { [1], [2], [2, 5] }, store.Scan([0], null).Select(kv => kv.Key).ToArray());
    }

    [Fact]
    public void Open_StoreOfAnotherKind_ThrowsStoreCorrupted()
    {
        var path = _dir.Sub("blocks");
        RocksDbKeyValueStore.Open(path, new RocksDbStoreOptions { Kind = "blocks" }).Dispose();

        var ex = Assert.Throws<StoreCorruptedException>(() => RocksDbKeyValueStore.Open(path, new RocksDbStoreOptions { Kind = "state" }));
        Assert.Equal(Path.GetFullPath(path), ex.Path);
        Assert.Contains("format record", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_WhileOpenElsewhere_ThrowsIOExceptionNotCorruption()
    {
        var path = _dir.Sub("state");
        using var first = RocksDbKeyValueStore.Open(path);
        var ex = Assert.Throws<IOException>(() => RocksDbKeyValueStore.Open(path));
        Assert.IsNotType<StoreCorruptedException>(ex);
    }

    [Fact]
    public void Apply_DisposedStore_ThrowsObjectDisposed()
    {
        var store = RocksDbKeyValueStore.Open(_dir.Sub("state"));
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.Apply(new KeyValueBatch().Put([1], [1])));
    }

    [Fact]
    public void ApplyAndScan_RandomBatches_MatchInMemoryModel()
    {
        var n = 0;
        var keyGen = Gen.Choose(0, 5).SelectMany(len => Gen.ArrayOf(Gen.Elements<byte>(0, 1, 2, 0x7f, 0x80, 0xff), len));
        var opGen = Gen.Zip(keyGen, Gen.Choose(0, 3))
            .Select(t => new KeyValueOperation(t.Item1, t.Item2 == 0 ? null : Enumerable.Repeat((byte)t.Item2, t.Item2).ToArray()));
        var batchGen = Gen.ListOf(Gen.NonEmptyListOf(opGen).Select(ops => ops.Take(8).ToArray())).Select(b => b.Take(6).ToArray());
        var boundsGen = Gen.Zip(keyGen, Gen.OneOf(keyGen.Select(k => (byte[]?)k), Gen.Constant<byte[]?>(null)));

        Prop.ForAll(batchGen.ToArbitrary(), boundsGen.ToArbitrary(), (batches, bounds) =>
        {
            using var rocks = RocksDbKeyValueStore.Open(_dir.Sub($"prop{n++}"), new RocksDbStoreOptions { VerifyOnOpen = false });
            using var model = new InMemoryKeyValueStore();
            foreach (var ops in batches)
            {
                var batch = new KeyValueBatch();
                foreach (var op in ops)
                {
                    if (op.Value is null)
                    {
                        batch.Delete(op.Key);
                    }
                    else
                    {
                        batch.Put(op.Key, op.Value);
                    }
                }

                rocks.Apply(batch, sync: false);
                model.Apply(batch, sync: false);
            }

            var (start, end) = bounds;
            var expected = model.Scan(start, end).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)).ToArray();
            var actual = rocks.Scan(start, end).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)).ToArray();
            return expected.SequenceEqual(actual);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }
}
