using FsCheck;
using FsCheck.Fluent;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Tests.State;

public class InMemoryKeyValueStoreTests
{
    // Keys over a small alphabet with short lengths, so prefixes, equal keys and bounds between keys all occur.
    private static readonly Gen<byte[]> KeyGen = Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements<byte>(0x00, 0x01, 0x7f, 0xff), n));

    private static readonly Gen<(byte[] Key, byte[]? Value)> OpGen =
        from key in KeyGen
        from delete in Gen.Elements(false, false, true)
        from value in Gen.ArrayOf(Gen.Elements<byte>(1, 2, 3), 2)
        select (key, delete ? null : value);

    /// <summary>The model: the plain definition of the store's contract (a map, scanned by filtering every key).</summary>
    private static List<string> ModelScan(SortedDictionary<byte[], byte[]> model, byte[] start, byte[]? end)
        => [.. model.Where(kv => ByteKeyComparer.Instance.Compare(kv.Key, start) >= 0 && (end is null || ByteKeyComparer.Instance.Compare(kv.Key, end) < 0))
            .Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value))];

    [Fact]
    public void ScanAndGet_RandomBatchesAndBounds_MatchFilteringEveryKey()
    {
        var boundsGen = from start in KeyGen from end in Gen.OneOf(KeyGen.Select(k => (byte[]?)k), Gen.Constant<byte[]?>(null)) select (start, end);
        Prop.ForAll(Gen.ListOf(Gen.ListOf(OpGen)).ToArbitrary(), Gen.ListOf(boundsGen).ToArbitrary(), (batches, bounds) =>
        {
            using var store = new InMemoryKeyValueStore();
            var model = new SortedDictionary<byte[], byte[]>(ByteKeyComparer.Instance);
            foreach (var ops in batches)
            {
                var batch = new KeyValueBatch();
                foreach (var (key, value) in ops)
                {
                    if (value is null)
                    {
                        batch.Delete(key);
                        model.Remove(key);
                    }
                    else
                    {
                        batch.Put(key, value);
                        model[key] = value;
                    }
                }

                store.Apply(batch);
            }

            var scansAgree = bounds.All(b => ModelScan(model, b.start, b.end).SequenceEqual(
                store.Scan(b.start, b.end).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value))));
            var getsAgree = batches.SelectMany(ops => ops).All(op => Convert.ToHexString(store.Get(op.Key) ?? []) == Convert.ToHexString(model.GetValueOrDefault(op.Key) ?? []));
            return scansAgree && getsAgree && store.Count == model.Count;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    [Fact]
    public void Scan_EndBoundIsExclusiveAndEmptyOrInvertedRangeIsEmpty()
    {
        using var store = new InMemoryKeyValueStore();
        store.Apply(new KeyValueBatch().Put("a"u8, "1"u8).Put("b"u8, "2"u8).Put("ba"u8, "3"u8).Put("c"u8, "4"u8));

        Assert.Equal(["b", "ba"], store.Scan("b"u8.ToArray(), "c"u8.ToArray()).Select(kv => System.Text.Encoding.ASCII.GetString(kv.Key)));
        Assert.Equal(["b", "ba", "c"], store.Scan("b"u8.ToArray(), null).Select(kv => System.Text.Encoding.ASCII.GetString(kv.Key)));
        Assert.Empty(store.Scan("b"u8.ToArray(), "b"u8.ToArray()));
        Assert.Empty(store.Scan("c"u8.ToArray(), "a"u8.ToArray()));
    }

    [Fact]
    public void Scan_ResultIsASnapshot_LaterWritesDoNotChangeIt()
    {
        using var store = new InMemoryKeyValueStore();
        store.Apply(new KeyValueBatch().Put("a"u8, "1"u8).Put("b"u8, "2"u8));
        var scan = store.Scan([], null).ToList();

        store.Apply(new KeyValueBatch().Put("a"u8, "9"u8).Delete("b"u8).Put("c"u8, "3"u8));

        Assert.Equal(["a=1", "b=2"], scan.Select(kv => System.Text.Encoding.ASCII.GetString(kv.Key) + "=" + System.Text.Encoding.ASCII.GetString(kv.Value)));
        Assert.Equal("9"u8.ToArray(), store.Get("a"u8));
        Assert.Null(store.Get("b"u8));
    }
}
