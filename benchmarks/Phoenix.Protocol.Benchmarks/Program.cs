using System.Globalization;
using BenchmarkDotNet.Running;
using Phoenix.Protocol.Benchmarks;

switch (args.FirstOrDefault())
{
    case "--paired":
        // Paired rounds with CPU time: the one-core rate on a shared machine.
        Profile.Paired(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
        return;
    case "--loop":
        // FinalizeBlock (signatures pre-verified) in a loop, for perf/dotnet-trace.
        Profile.Loop(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 20);
        return;
    case "--market-soak":
        // A long random market interleaving, invariants after every block; per-block cost at start vs end.
        MarketSoak.Run(args);
        return;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return;
}
