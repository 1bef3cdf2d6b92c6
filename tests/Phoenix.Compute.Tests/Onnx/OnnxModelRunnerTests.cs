using Phoenix.Compute.Onnx;
using Phoenix.Compute.Tests.Support;

namespace Phoenix.Compute.Tests.Onnx;

public class OnnxModelRunnerTests
{
    private static OnnxModelRunner NewRunner(Action<OnnxExecutionOptions>? configure = null)
    {
        var options = new OnnxExecutionOptions();
        configure?.Invoke(options);
        return new OnnxModelRunner(options);
    }

    [Fact]
    public async Task RunAsync_Mlp_MatchesIndependentComputation()
    {
        using var runner = NewRunner();
        float[] x = [1f, -2f, 0.5f, 3f];

        var outputs = await runner.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], x)]);

        var y = Assert.Single(outputs);
        Assert.Equal("Y", y.Name);
        Assert.Equal(new long[] { 1, 2 }, y.Dimensions);
        var expected = TestModels.MlpReference(x);
        var actual = y.ToFloats();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Theory]
    [InlineData(0)] // an aligned array: wrapped in place (pinned)
    [InlineData(8)] // aligned at an offset into a larger array: wrapped in place
    [InlineData(1)] // misaligned for float: copied
    [InlineData(6)] // misaligned for float: copied
    public async Task RunAsync_InputBytesAtAnyOffsetOfTheirArray_GiveTheIndependentResult(int offset)
    {
        using var runner = NewRunner();
        float[] x = [0.75f, 1.5f, -2.25f, 0.125f];
        var buffer = new byte[offset + 16 + 5];
        Array.Fill(buffer, (byte)0x7F);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()).CopyTo(buffer.AsSpan(offset));
        var input = new OnnxTensor("X", OnnxElementType.Float, [1, 4], buffer.AsMemory(offset, 16));

        var outputs = await runner.RunAsync(TestModels.Mlp(), [input]);

        var expected = TestModels.MlpReference(x);
        var actual = Assert.Single(outputs).ToFloats();
        Assert.Equal(expected[0], actual[0], 5);
        Assert.Equal(expected[1], actual[1], 5);
        Assert.All(buffer.AsSpan(0, offset).ToArray(), b => Assert.Equal(0x7F, b));
    }

    [Fact]
    public async Task RunTensorProtosAsync_TensorProtoBytes_ReturnsNamedTensorProtoBytes()
    {
        using var runner = NewRunner();
        float[] x = [0.25f, 0.5f, -1f, 2f];
        var input = OnnxTensor.FromFloats("ignored-name", [1, 4], x).ToTensorProto();

        var outputs = await runner.RunTensorProtosAsync(TestModels.Mlp(), new Dictionary<string, ReadOnlyMemory<byte>> { ["X"] = input });

        var y = OnnxTensor.FromTensorProto(Assert.Contains("Y", outputs));
        var expected = TestModels.MlpReference(x);
        Assert.Equal(expected[0], y.ToFloats()[0], 5);
        Assert.Equal(expected[1], y.ToFloats()[1], 5);
    }

    [Fact]
    public async Task RunAsync_NotAnOnnxModel_ThrowsInvalidModel()
    {
        using var runner = NewRunner();
        var ex = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync("this is not a model"u8.ToArray(), [OnnxTensor.FromFloats("X", [1, 4], new float[4])]));
        Assert.Equal(WorkloadErrorCode.InvalidModel, ex.Code);
    }

    [Fact]
    public async Task RunAsync_UnknownOperator_ThrowsUnsupportedOperator()
    {
        using var runner = NewRunner();
        var ex = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync(TestModels.UnknownOperator(), [OnnxTensor.FromFloats("X", [1, 4], new float[4])]));
        Assert.Equal(WorkloadErrorCode.UnsupportedOperator, ex.Code);
    }

    [Fact]
    public async Task RunAsync_OpsetNewerThanRuntime_ThrowsUnsupportedOperator()
    {
        using var runner = NewRunner();
        var ex = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync(TestModels.FutureOpset(), [OnnxTensor.FromFloats("X", [1, 4], new float[4])]));
        Assert.Equal(WorkloadErrorCode.UnsupportedOperator, ex.Code);
    }

    [Theory]
    [InlineData("wrong-name")]
    [InlineData("wrong-type")]
    [InlineData("wrong-shape")]
    [InlineData("missing")]
    public async Task RunAsync_BadInput_ThrowsInvalidInputAndRunnerStillWorks(string kind)
    {
        using var runner = NewRunner();
        var model = TestModels.Mlp();
        OnnxTensor[] inputs = kind switch
        {
            "wrong-name" => [OnnxTensor.FromFloats("Z", [1, 4], new float[4])],
            "wrong-type" => [OnnxTensor.FromInt64s("X", [1, 4], new long[4])],
            "wrong-shape" => [OnnxTensor.FromFloats("X", [1, 5], new float[5])],
            _ => [],
        };

        var ex = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync(model, inputs));
        Assert.Equal(WorkloadErrorCode.InvalidInput, ex.Code);

        var ok = await runner.RunAsync(model, [OnnxTensor.FromFloats("X", [1, 4], new float[4])]);
        Assert.Single(ok);
    }

    [Fact]
    public async Task RunAsync_CancelledToken_ThrowsOperationCanceled()
    {
        using var runner = NewRunner();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], new float[4])], cts.Token));
    }

    [Fact]
    public async Task RunAsync_ZeroTimeLimit_ThrowsTimeLimitExceeded()
    {
        using var runner = NewRunner(o => o.UnitTimeLimit = TimeSpan.Zero);

        var ex = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], new float[4])]));
        Assert.Equal(WorkloadErrorCode.TimeLimitExceeded, ex.Code);
    }

    [Fact]
    public async Task RunAsync_LongRunPastTimeLimit_IsTerminatedWithTimeLimitExceeded()
    {
        // Eight 512×512 MatMuls take far longer than 1 ms on one thread; the run is terminated through
        // RunOptions.Terminate (or, if the limit fires first, never started).
        using var runner = NewRunner(o => o.UnitTimeLimit = TimeSpan.FromMilliseconds(1));
        var input = OnnxTensor.FromFloats("X", [512, 512], new float[512 * 512]);

        var ex = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync(TestModels.SlowMatMulChain(), [input]));
        Assert.Equal(WorkloadErrorCode.TimeLimitExceeded, ex.Code);
    }

    [Fact]
    public async Task RunAsync_TensorsOverMemoryLimit_ThrowsMemoryLimitExceeded()
    {
        using var runner = NewRunner(o => o.UnitMemoryLimitBytes = 20);

        var ex = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], new float[4])]));
        Assert.Equal(WorkloadErrorCode.MemoryLimitExceeded, ex.Code);
    }

    [Fact]
    public async Task RunAsync_ModelBytesNotMatchingId_ThrowsInvalidModel()
    {
        using var runner = NewRunner();
        var wrongId = Phoenix.Protocol.Primitives.Hash32.Sha256("other"u8);

        var ex = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync(wrongId, _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(TestModels.Mlp()), [OnnxTensor.FromFloats("X", [1, 4], new float[4])]));
        Assert.Equal(WorkloadErrorCode.InvalidModel, ex.Code);
    }

    [Fact]
    public async Task RunAsync_MoreModelsThanCache_EvictsAndStillAnswersCorrectly()
    {
        using var runner = NewRunner(o => o.MaxCachedModels = 1);
        var mlp = TestModels.Mlp();
        var relu = TestModels.Model([TestModels.Node("Relu", ["X"], ["Y"])], [TestModels.Input("X", 1, [1, 4])], ["Y"], []);
        float[] x = [1f, -2f, 0.5f, 3f];
        var loads = 0;
        ModelSource mlpSource = _ => { loads++; return ValueTask.FromResult<ReadOnlyMemory<byte>>(mlp); };
        var mlpId = Phoenix.Protocol.Primitives.Hash32.Sha256(mlp);

        var first = await runner.RunAsync(mlpId, mlpSource, [OnnxTensor.FromFloats("X", [1, 4], x)]);
        var cached = await runner.RunAsync(mlpId, mlpSource, [OnnxTensor.FromFloats("X", [1, 4], x)]);
        Assert.Equal(1, loads);
        var reluOut = await runner.RunAsync(relu, [OnnxTensor.FromFloats("X", [1, 4], x)]);
        var again = await runner.RunAsync(mlpId, mlpSource, [OnnxTensor.FromFloats("X", [1, 4], x)]);

        Assert.Equal(2, loads);
        Assert.Equal([1f, 0f, 0.5f, 3f], reluOut[0].ToFloats());
        Assert.Equal(first[0].RawData.ToArray(), cached[0].RawData.ToArray());
        Assert.Equal(first[0].RawData.ToArray(), again[0].RawData.ToArray());
    }

    [Fact]
    public void ExecutionProvider_CpuPreference_IsCpuAndNamedInDeterminismClass()
    {
        using var runner = NewRunner(o => o.ExecutionProvider = ExecutionProviderPreference.Cpu);

        Assert.Equal("CPUExecutionProvider", runner.ExecutionProvider);
        Assert.Contains("CPUExecutionProvider", runner.DeterminismClass, StringComparison.Ordinal);
        Assert.True(runner.Determinism.IsPinned);
        Assert.Contains("/pinned-", runner.DeterminismClass, StringComparison.Ordinal);
    }

    [Fact]
    public void ExecutionProvider_Auto_IsCudaExactlyWhenRuntimeListsCuda()
    {
        using var runner = NewRunner();

        var listed = Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider");
        Assert.Equal(listed ? "CUDAExecutionProvider" : "CPUExecutionProvider", runner.ExecutionProvider);
    }

    [Fact]
    public async Task Auto_WithoutCuda_ReportsCpuAndGivesTheCpuRunnersBits()
    {
        using var auto = new OnnxModelRunner(new OnnxExecutionOptions(), null, null, cudaListed: false);
        using var cpu = NewRunner(o => o.ExecutionProvider = ExecutionProviderPreference.Cpu);
        float[] x = [1f, -2f, 0.5f, 3f];

        var a = await auto.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], x)]);
        var c = await cpu.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], x)]);

        Assert.Equal("CPUExecutionProvider", auto.ExecutionProvider);
        Assert.Equal(cpu.Determinism, auto.Determinism);
        Assert.Equal(c[0].RawData.ToArray(), a[0].RawData.ToArray());
    }

    [Fact]
    public async Task Auto_CudaListedButUnusable_LogsTheFallBackOnceAndRunsOnCpu()
    {
        if (OnnxModelRunner.IsCudaAvailable)
        {
            // A real CUDA build: the provider is usable, so Auto stays on it (the lead's GPU check covers this).
            using var real = new OnnxModelRunner(new OnnxExecutionOptions());
            Assert.Equal("CUDAExecutionProvider", real.ExecutionProvider);
            return;
        }

        var log = new ListLogger();
        using var runner = new OnnxModelRunner(new OnnxExecutionOptions(), null, log, cudaListed: true);
        using var cpu = NewRunner(o => o.ExecutionProvider = ExecutionProviderPreference.Cpu);
        float[] x = [1f, -2f, 0.5f, 3f];
        Assert.Equal("CUDAExecutionProvider", runner.ExecutionProvider);

        var first = await runner.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], x)]);
        var relu = TestModels.Model([TestModels.Node("Relu", ["X"], ["Y"])], [TestModels.Input("X", 1, [1, 4])], ["Y"], []);
        var second = await runner.RunAsync(relu, [OnnxTensor.FromFloats("X", [1, 4], x)]);

        Assert.Equal("CPUExecutionProvider", runner.ExecutionProvider);
        Assert.Equal(cpu.Determinism, runner.Determinism);
        Assert.Single(log.Events, e => e.Id == 5001 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Equal((await cpu.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], x)]))[0].RawData.ToArray(), first[0].RawData.ToArray());
        Assert.Equal([1f, 0f, 0.5f, 3f], second[0].ToFloats());
    }

    [Fact]
    public void Cuda_NotListed_IsATypedErrorWhenTheRunnerIsCreated()
    {
        var ex = Assert.Throws<WorkloadException>(() => new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cuda }, null, null, cudaListed: false));

        Assert.Equal(WorkloadErrorCode.ExecutionProviderUnavailable, ex.Code);
    }

    [Fact]
    public void Cuda_OnThisMachine_RunsOnCudaOrIsATypedError()
    {
        var options = new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cuda };
        if (OnnxModelRunner.IsCudaAvailable)
        {
            using var runner = new OnnxModelRunner(options);
            Assert.Equal("CUDAExecutionProvider", runner.Determinism.ExecutionProvider);
            return;
        }

        Assert.Equal(WorkloadErrorCode.ExecutionProviderUnavailable, Assert.Throws<WorkloadException>(() => new OnnxModelRunner(options)).Code);
    }

    [Fact]
    public async Task Cuda_ListedButUnusable_EveryRunIsATypedErrorAndNothingFallsBack()
    {
        if (OnnxModelRunner.IsCudaAvailable)
        {
            return; // the provider is usable here: there is no failure to provoke (see Cuda_OnThisMachine_RunsOnCudaOrIsATypedError)
        }

        var log = new ListLogger();
        using var runner = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cuda }, null, log, cudaListed: true);
        float[] x = [1f, -2f, 0.5f, 3f];

        var first = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], x)]));
        var second = await Assert.ThrowsAsync<WorkloadException>(() => runner.RunAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], x)]));

        Assert.Equal(WorkloadErrorCode.ExecutionProviderUnavailable, first.Code);
        Assert.Equal(WorkloadErrorCode.ExecutionProviderUnavailable, second.Code);
        Assert.Equal("CUDAExecutionProvider", runner.ExecutionProvider);
        Assert.DoesNotContain(log.Events, e => e.Id == 5001);
    }

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<(int Id, Microsoft.Extensions.Logging.LogLevel Level)> Events { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Events)
            {
                Events.Add((eventId.Id, logLevel));
            }
        }
    }
}
