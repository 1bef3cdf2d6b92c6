using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Phoenix.Compute.Benchmarks;

/// <summary>
/// Paired measurement for a shared, noisy machine: each round runs every case once, in turn, so load that
/// drifts over minutes affects all cases alike. For each case it reports the median wall time and the median
/// process CPU time per round, and both as ratios to the raw ONNX Runtime baseline of the same model.
/// Run with <c>--paired [rounds] [minilm|resnet18|all]</c>.
/// </summary>
internal static class Paired
{
    public static void Run(int rounds, string which)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}, ONNX Runtime {OrtEnv.Instance().GetVersionString()}, load average {LoadAverage()}");
        if (which is "all" or "minilm")
        {
            using var f = ModelFixture.MiniLm();
            Measure(f, rounds);
        }

        if (which is "all" or "resnet18")
        {
            using var f = ModelFixture.ResNet18();
            Measure(f, rounds);
        }

        Console.WriteLine($"load average at the end: {LoadAverage()}");
    }

    private static void Measure(ModelFixture f, int rounds)
    {
        var unit = 0;
        (string Name, Func<object> Call)[] cases =
        [
            ("raw ONNX Runtime, 1 unit", () => f.Raw(unit)),
            ("executor + result commitment, 1 unit", () => f.Execute(unit)),
            ("runner only (decoded inputs, tensors out), 1 unit", () => f.RunnerOnly(unit)),
            ("executor, trace mode, 1 unit", () => f.ExecuteTraced(unit)),
            ("validator exact re-check (traced), 1 unit", () => f.Verify(unit)),
            ("bisection + one-node re-run (model parsed)", () => f.Dispute()),
            ($"SHA-256 over the trace's {f.TraceBytes / 1e6:F1} MB", () => f.HashTraceBytes()),
            ($"raw ONNX Runtime, batch of {f.UnitCount}", () => f.RawBatch()),
            ($"executor batch of {f.UnitCount} + result commitments", () => f.ExecuteBatch()),
        ];
        var wall = cases.Select(_ => new List<double>()).ToArray();
        var cpu = cases.Select(_ => new List<double>()).ToArray();
        const int warmup = 3;
        for (var r = 0; r < rounds + warmup; r++)
        {
            unit = r % f.UnitCount;
            for (var c = 0; c < cases.Length; c++)
            {
                var c0 = CpuClock.NowMs();
                var w0 = Stopwatch.GetTimestamp();
                cases[c].Call();
                var w = Stopwatch.GetElapsedTime(w0).TotalMilliseconds;
                var cp = CpuClock.NowMs() - c0;
                if (r >= warmup)
                {
                    wall[c].Add(w);
                    cpu[c].Add(cp);
                }
            }
        }

        // The one-off parse of the model for refereeing, measured a few times only (it is slow).
        var parseWall = new List<double>();
        var parseCpu = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var c0 = CpuClock.NowMs();
            var w0 = Stopwatch.GetTimestamp();
            f.DisputeWithParse();
            parseWall.Add(Stopwatch.GetElapsedTime(w0).TotalMilliseconds);
            parseCpu.Add(CpuClock.NowMs() - c0);
        }

        var mw = wall.Select(Median).ToArray();
        var mc = cpu.Select(Median).ToArray();
        var batchBase = Array.FindIndex(cases, c => c.Name.StartsWith("raw ONNX Runtime, batch", StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine($"### {f.Name} ({f.NodeCount} graph nodes, disputed node: {f.DisputedOp}; {rounds} rounds, medians)");
        Console.WriteLine();
        Console.WriteLine("| case | wall ms | wall ratio | CPU ms | CPU ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        for (var c = 0; c < cases.Length; c++)
        {
            var b = c >= batchBase ? batchBase : 0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {cases[c].Name} | {mw[c]:F2} | {mw[c] / mw[b]:F3} | {mc[c]:F2} | {mc[c] / mc[b]:F3} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| dispute incl. parsing the model (n = 3) | {Median(parseWall):F2} | {Median(parseWall) / mw[0]:F3} | {Median(parseCpu):F2} | {Median(parseCpu) / mc[0]:F3} |"));
    }

    private static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
