using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Phoenix.Compute.Onnx;

namespace Phoenix.Compute.Tests.Onnx;

public class DeterminismClassTests
{
    private static DeterminismClass Cpu(Action<OnnxExecutionOptions>? configure = null)
    {
        var options = new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu };
        configure?.Invoke(options);
        using var runner = new OnnxModelRunner(options);
        return runner.Determinism;
    }

    [Fact]
    public void Runner_ReportsItsRuntimeProviderIsaAndPinnedOptions_AsAParsableCanonicalString()
    {
        var cls = Cpu();

        Assert.Equal(Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString(), cls.RuntimeVersion);
        Assert.Equal("CPUExecutionProvider", cls.ExecutionProvider);
        Assert.StartsWith(RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant() + "-", cls.IsaPath, StringComparison.Ordinal);
        Assert.True(cls.IsPinned);
        Assert.Equal(cls, DeterminismClass.Parse(cls.ToString()));
        Assert.StartsWith($"ort-{cls.RuntimeVersion}/CPUExecutionProvider/{cls.IsaPath}/pinned-", cls.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void IsaPath_OnX64_NamesTheWidestVectorTierTheKernelsCanUse()
    {
        var isa = DeterminismClass.CurrentIsaPath;

        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            Assert.DoesNotContain("avx", isa, StringComparison.Ordinal);
            return;
        }

        var tier = isa["x64-".Length..].Split('+')[0];
        Assert.Equal(Avx512F.IsSupported ? "avx512" : Avx2.IsSupported ? "avx2" : Avx.IsSupported ? "avx" : "sse2", tier);
    }

    [Fact]
    public void For_DifferentSessionOptions_AreDifferentClasses_SameOptionsTheSameClass()
    {
        var pinned = Cpu();
        var again = Cpu(o => o.MaxCachedModels = 2); // not a session option
        var unpinned = Cpu(o => o.Deterministic = false);
        var fourThreads = Cpu(o => (o.Deterministic, o.IntraOpThreads) = (false, 4));

        Assert.Equal(pinned, again);
        Assert.NotEqual(pinned, unpinned);
        Assert.False(unpinned.IsPinned);
        Assert.NotEqual(pinned.OptionsHash, unpinned.OptionsHash);
        Assert.NotEqual(unpinned.OptionsHash, fourThreads.OptionsHash);
        Assert.StartsWith("unpinned-", unpinned.ToString().Split('/')[3], StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeOptions_Cuda_AddsTheProvidersArithmeticOptionsButNotTheDevice()
    {
        var cpu = DeterminismClass.DescribeOptions("CPUExecutionProvider", new OnnxExecutionOptions());
        var cuda = DeterminismClass.DescribeOptions("CUDAExecutionProvider", new OnnxExecutionOptions());

        Assert.StartsWith(cpu + ";", cuda, StringComparison.Ordinal);
        Assert.Contains("cuda.use_tf32=0", cuda, StringComparison.Ordinal);
        Assert.DoesNotContain("device_id", cuda, StringComparison.Ordinal);
        Assert.Equal(cuda, DeterminismClass.DescribeOptions("CUDAExecutionProvider", new OnnxExecutionOptions { CudaDeviceId = 1 }));
        Assert.NotEqual(
            DeterminismClass.For("1.31.1", "CUDAExecutionProvider", new OnnxExecutionOptions()).OptionsHash,
            DeterminismClass.For("1.31.1", "CPUExecutionProvider", new OnnxExecutionOptions()).OptionsHash);
    }

    [Fact]
    public void AllowsExactComparisonWith_OnlyTheSamePinnedClass()
    {
        var own = Cpu();
        var otherIsa = new DeterminismClass(own.RuntimeVersion, own.ExecutionProvider, own.IsaPath == "x64-avx2" ? "x64-avx512" : "x64-avx2", own.IsPinned, own.OptionsHash);
        var otherRuntime = new DeterminismClass("0.0.1", own.ExecutionProvider, own.IsaPath, own.IsPinned, own.OptionsHash);
        var otherProvider = new DeterminismClass(own.RuntimeVersion, "CUDAExecutionProvider", own.IsaPath, own.IsPinned, own.OptionsHash);
        var unpinned = Cpu(o => o.Deterministic = false);

        Assert.True(own.AllowsExactComparisonWith(DeterminismClass.Parse(own.ToString())));
        Assert.False(own.AllowsExactComparisonWith(otherIsa));
        Assert.False(own.AllowsExactComparisonWith(otherRuntime));
        Assert.False(own.AllowsExactComparisonWith(otherProvider));
        Assert.False(own.AllowsExactComparisonWith(null));
        Assert.False(unpinned.AllowsExactComparisonWith(unpinned));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ort-1.22.0/CPUExecutionProvider/x64-avx2")]
    [InlineData("onnx-1.22.0/CPUExecutionProvider/x64-avx2/pinned-0123456789abcdef")]
    [InlineData("ort-1.22.0/CPUExecutionProvider/x64-avx2/pinned-0123")]
    [InlineData("ort-1.22.0/CPUExecutionProvider/x64-avx2/pinned-0123456789ABCDEF")]
    [InlineData("ort-1.22.0/CPUExecutionProvider/x64-avx2/fast-0123456789abcdef")]
    [InlineData("ort-1.22.0/CPU ExecutionProvider/x64-avx2/pinned-0123456789abcdef")]
    [InlineData("ort-1.22.0//x64-avx2/pinned-0123456789abcdef")]
    [InlineData("ort-1.22.0/CPUExecutionProvider/x64-avx2/pinned-0123456789abcdef/extra")]
    [InlineData("ort-1.31.1/CPUExecutionProvider/x64-avx512/det-1t-seq-noopt")] // the format before classes were values
    public void Parse_NotACanonicalClass_IsAFormatErrorAndTryParseSaysNo(string text)
    {
        Assert.False(DeterminismClass.TryParse(text, out var result));
        Assert.Null(result);
        Assert.Throws<FormatException>(() => DeterminismClass.Parse(text));
    }

    [Theory]
    [InlineData("", "CPUExecutionProvider", "x64-avx2", "0123456789abcdef")]
    [InlineData("1.22.0", "CPU/EP", "x64-avx2", "0123456789abcdef")]
    [InlineData("1.22.0", "CPUExecutionProvider", "x64 avx2", "0123456789abcdef")]
    [InlineData("1.22.0", "CPUExecutionProvider", "x64-avx2", "0123456789abcde")]
    [InlineData("1.22.0", "CPUExecutionProvider", "x64-avx2", "0123456789abcdeg")]
    public void Constructor_BadPart_ThrowsArgumentException(string version, string provider, string isa, string hash)
    {
        Assert.ThrowsAny<ArgumentException>(() => new DeterminismClass(version, provider, isa, true, hash));
    }
}
