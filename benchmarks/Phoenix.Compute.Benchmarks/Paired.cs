using System.Diagnostics;

namespace Phoenix.Compute.Benchmarks;

/// <summary>
/// Paired measurement for a shared, noisy machine: each round runs every case once, in turn, so load that
/// drifts over minutes affects all cases alike; reports the median per case and its ratio to the baseline.
/// Run with <c>--paired [rounds]</c>.
/// </summary>
internal static class Paired
{
    public static void Run(int rounds)
    {
        var b = new MiniLmUnitBenchmarks();
        b.Setup();
        (string Name, Func<object> Call)[] cases =
        [
            ("raw ONNX Runtime", () => b.RawOnnxRuntime()),
            ("executor + result commitment", () => b.Executor().GetAwaiter().GetResult()),
            ("executor, trace mode", () => b.ExecutorTraced().GetAwaiter().GetResult()),
            ("validator exact re-check", () => b.Verify().GetAwaiter().GetResult()),
            ("bisection + one-node re-run", () => b.Dispute().GetAwaiter().GetResult()),
            ("dispute incl. parsing the model", () => b.DisputeWithParse().GetAwaiter().GetResult()),
        ];
        var times = cases.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < rounds + 3; r++)
        {
            for (var c = 0; c < cases.Length; c++)
            {
                var sw = Stopwatch.StartNew();
                cases[c].Call();
                if (r >= 3)
                {
                    times[c].Add(sw.Elapsed.TotalMilliseconds);
                }
            }
        }

        var medians = times.Select(t => t.Order().ElementAt(t.Count / 2)).ToArray();
        Console.WriteLine($"| case | median ms (n = {rounds}) | ratio to raw ORT |");
        Console.WriteLine("| --- | ---: | ---: |");
        for (var c = 0; c < cases.Length; c++)
        {
            Console.WriteLine($"| {cases[c].Name} | {medians[c]:F2} | {medians[c] / medians[0]:F3} |");
        }

        b.Cleanup();
    }
}
