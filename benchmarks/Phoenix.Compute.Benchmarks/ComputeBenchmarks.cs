using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Phoenix.Compute.Verification;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Benchmarks;

/// <summary>Short in-process jobs: the benchmark machine is shared (2 cores).</summary>
public sealed class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(5));
    }
}

/// <summary>
/// One unit of a pretrained model in the deterministic profile: raw ONNX Runtime (baseline) against the
/// executor with result commitment, the executor in trace mode, a validator's exact re-check, and a
/// bisection dispute settled by re-running one node. The paired harness (<c>--paired</c>) measures the same
/// cases with CPU time, which is steadier on a shared machine.
/// </summary>
public abstract class UnitBenchmarks : IDisposable
{
    private ModelFixture _f = null!;

    [GlobalSetup]
    public void Setup() => _f = CreateFixture();

    [GlobalCleanup]
    public void Cleanup() => _f.Dispose();

    [Benchmark(Baseline = true, Description = "raw ONNX Runtime")]
    public float Raw() => _f.Raw(0);

    [Benchmark(Description = "executor + result commitment")]
    public Hash32 Executor() => _f.Execute(0);

    [Benchmark(Description = "executor, trace mode")]
    public Hash32 ExecutorTraced() => _f.ExecuteTraced(0);

    [Benchmark(Description = "validator exact re-check")]
    public VerificationVerdict Verify() => _f.Verify(0);

    [Benchmark(Description = "bisection + one-node re-run")]
    public RefereeRuling Dispute() => _f.Dispute();

    public void Dispose()
    {
        _f?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract ModelFixture CreateFixture();
}

/// <summary>all-MiniLM-L6-v2, 32 tokens.</summary>
[Config(typeof(ShortConfig))]
[MemoryDiagnoser]
public class MiniLmUnitBenchmarks : UnitBenchmarks
{
    protected override ModelFixture CreateFixture() => ModelFixture.MiniLm(units: 1);
}

/// <summary>ResNet18, one 224×224 image.</summary>
[Config(typeof(ShortConfig))]
[MemoryDiagnoser]
public class ResNet18UnitBenchmarks : UnitBenchmarks
{
    protected override ModelFixture CreateFixture() => ModelFixture.ResNet18(units: 1);
}
