using System.Diagnostics;
using System.Globalization;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Tests.Modules.Tasks;

namespace Phoenix.Protocol.Benchmarks;

/// <summary>
/// <c>--market-soak [--blocks N] [--seed S] [--window W] [--linear-scan]</c>: one long random interleaving of the
/// task market (<see cref="MarketSimulation"/>, the same driver as <c>TaskMarketSimulationTests</c>, every invariant
/// checked after every block), with new work posted in every block, then the drain. Prints, per 1,000 blocks, the
/// blocks per second, the mean wall and process-CPU time per block, transactions per block and CPU time per transaction, and at the end the first and the last
/// <c>W</c> measured blocks (after <c>W</c> warm-up blocks) side by side with their ratio: flat per-block cost means a
/// ratio near 1. <c>--linear-scan</c> swaps in the pre-fix store (every range scan filters the whole store) as the
/// baseline.
/// </summary>
internal static class MarketSoak
{
    public static void Run(string[] args)
    {
        var blocks = Option(args, "--blocks", 10_000);
        var seed = Option(args, "--seed", 1);
        var window = Option(args, "--window", 500);
        var linear = args.Contains("--linear-scan");
        if (blocks < 3 * window)
        {
            throw new ArgumentException($"--blocks must be at least 3 x --window ({3 * window}).");
        }

        using var store = linear ? (IKeyValueStore)new LinearScanKeyValueStore() : new InMemoryKeyValueStore();
        var wall = new double[blocks];
        var cpu = new double[blocks];
        var txs = new double[blocks];
        var simulation = new MarketSimulation(seed, store);
        var clock = Stopwatch.StartNew();
        var lastWall = 0.0;
        var lastCpu = CpuClock.NowMs();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"market soak: seed {seed}, {blocks} blocks, store {(linear ? "linear-scan (pre-fix baseline)" : "InMemoryKeyValueStore")}"));
        Console.WriteLine("blocks       blocks/s   wall ms/block   cpu ms/block   txs/block   cpu us/tx   store keys");
        simulation.AfterBlock = _ =>
        {
            var i = simulation.BlocksRun - 1;
            var nowWall = clock.Elapsed.TotalMilliseconds;
            var nowCpu = CpuClock.NowMs();
            if (i < blocks)
            {
                wall[i] = nowWall - lastWall;
                cpu[i] = nowCpu - lastCpu;
                txs[i] = simulation.LastBlockTransactions;
                if ((i + 1) % 1_000 == 0)
                {
                    var w = wall.AsSpan(i - 999, 1_000).ToArray();
                    var c = cpu.AsSpan(i - 999, 1_000).ToArray();
                    var t = txs.AsSpan(i - 999, 1_000).ToArray();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{i - 998,5}-{i + 1,-6} {1_000 / w.Average(),8:F1}   {w.Average(),13:F3}   {c.Average(),12:F3}   {t.Average(),9:F1}   {1_000 * c.Sum() / t.Sum(),9:F1}   {Keys(store),10}"));
                }
            }

            // The soak's own bookkeeping stays out of the next block's time.
            lastWall = clock.Elapsed.TotalMilliseconds;
            lastCpu = CpuClock.NowMs();
        };

        simulation.Run(blocks, workFraction: 1.0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drained in {simulation.BlocksRun - blocks} more blocks; all invariants held after every block; total {clock.Elapsed.TotalSeconds:F1} s wall"));

        var startWall = wall.AsSpan(window, window).ToArray();
        var startCpu = cpu.AsSpan(window, window).ToArray();
        var endWall = wall.AsSpan(blocks - window, window).ToArray();
        var endCpu = cpu.AsSpan(blocks - window, window).ToArray();
        var startTxs = txs.AsSpan(window, window).ToArray();
        var endTxs = txs.AsSpan(blocks - window, window).ToArray();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"                      blocks {window + 1}-{2 * window}   blocks {blocks - window + 1}-{blocks}   start/end"));
        Row("blocks/s (wall)", 1_000 / startWall.Average(), 1_000 / endWall.Average());
        Row("wall ms/block mean", startWall.Average(), endWall.Average());
        Row("wall ms/block median", Median(startWall), Median(endWall));
        Row("cpu ms/block mean", startCpu.Average(), endCpu.Average());
        Row("cpu ms/block median", Median(startCpu), Median(endCpu));
        Row("txs/block mean", startTxs.Average(), endTxs.Average());
        Row("cpu us/tx", 1_000 * startCpu.Sum() / startTxs.Sum(), 1_000 * endCpu.Sum() / endTxs.Sum());
    }

    private static void Row(string name, double start, double end)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-22}{start,16:F3}{end,20:F3}{start / end,12:F2}"));

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Keys(IKeyValueStore store) => store switch
    {
        InMemoryKeyValueStore m => m.Count,
        LinearScanKeyValueStore l => l.Count,
        _ => -1,
    };

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The in-memory store as it was before the range-scan fix: a sorted dictionary whose scans filter every key.</summary>
    private sealed class LinearScanKeyValueStore : IKeyValueStore
    {
        private readonly SortedDictionary<byte[], byte[]> _data = new(ByteKeyComparer.Instance);

        public int Count => _data.Count;

        public byte[]? Get(ReadOnlySpan<byte> key) => _data.TryGetValue(key.ToArray(), out var v) ? v : null;

        public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] start, byte[]? end)
            => _data.Where(kv => ByteKeyComparer.Instance.Compare(kv.Key, start) >= 0
                && (end is null || ByteKeyComparer.Instance.Compare(kv.Key, end) < 0)).ToList();

        public void Apply(KeyValueBatch batch, bool sync = true)
        {
            foreach (var op in batch.Operations)
            {
                if (op.Value is null)
                {
                    _data.Remove(op.Key);
                }
                else
                {
                    _data[op.Key] = op.Value;
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
