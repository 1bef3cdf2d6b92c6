using BenchmarkDotNet.Running;
using Phoenix.Node.Benchmarks.EndToEnd;

if (args.Contains("--e2e"))
{
    return await LoopbackNetworkLoad.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
