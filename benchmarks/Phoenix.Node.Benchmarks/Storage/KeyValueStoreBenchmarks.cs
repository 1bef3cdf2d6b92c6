using Phoenix.Node.Storage;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Benchmarks.Storage;

/// <summary>Committing one block's worth of state writes (500 puts of 100 bytes) as one atomic batch.</summary>
[MemoryDiagnoser]
public class KeyValueStoreBenchmarks
{
    private KeyValueBatch _batch = null!;
    private InMemoryKeyValueStore _memory = null!;
    private RocksDbKeyValueStore _rocks = null!;
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _batch = new KeyValueBatch();
        var random = new System.Random(1);
        for (var i = 0; i < 500; i++)
        {
            var key = new byte[32];
            var value = new byte[100];
            random.NextBytes(key);
            random.NextBytes(value);
            _batch.Put(key, value);
        }

        _memory = new InMemoryKeyValueStore();
        _path = Path.Combine(Path.GetTempPath(), "phoenix-bench", Guid.NewGuid().ToString("N"));
        _rocks = RocksDbKeyValueStore.Open(_path);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rocks.Dispose();
        Directory.Delete(_path, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public void InMemory() => _memory.Apply(_batch);

    [Benchmark]
    public void RocksDbNoSync() => _rocks.Apply(_batch, sync: false);

    [Benchmark]
    public void RocksDbSync() => _rocks.Apply(_batch, sync: true);
}
