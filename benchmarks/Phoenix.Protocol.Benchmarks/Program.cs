using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "--profile")
{
    // Quick wall-clock breakdown (not a benchmark): per-tx cost of FinalizeBlock phases at two block sizes.
    foreach (var size in new[] { 1_000, 10_000 })
    {
        Phoenix.Protocol.Benchmarks.Profile.Run(size);
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
