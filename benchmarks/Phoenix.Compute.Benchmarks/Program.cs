using BenchmarkDotNet.Running;
using Phoenix.Compute.Benchmarks;

if (args.Length > 0 && args[0] == "--paired")
{
    Paired.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30, args.Length > 2 ? args[2] : "all");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
