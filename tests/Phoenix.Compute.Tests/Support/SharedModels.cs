using Phoenix.Compute.Models;
using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Support;

/// <summary>The real pretrained models and one deterministic runner, loaded once per test run.</summary>
internal static class SharedModels
{
    private static readonly Lazy<byte[]> MiniLmBytes = new(PretrainedModels.LoadMiniLm);
    private static readonly Lazy<byte[]> ResNetBytes = new(PretrainedModels.LoadResNet18);
    private static readonly Lazy<MiniLmUnits> Units = new(MiniLmUnits.FromPackage);
    private static readonly Lazy<OnnxModelRunner> SharedRunner = new(() => new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, MaxCachedModels = 8 }));

    public static byte[] MiniLm => MiniLmBytes.Value;

    public static Hash32 MiniLmId { get; } = Hash32.Sha256(MiniLmBytes.Value);

    public static byte[] ResNet18 => ResNetBytes.Value;

    public static MiniLmUnits MiniLmUnits => Units.Value;

    public static OnnxModelRunner Runner => SharedRunner.Value;

    public static ModelSource MiniLmSource => _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(MiniLm);
}

/// <summary>Finds the shared conformance folder: walk up to the folder holding Phoenix.sln, then ../shared/conformance.</summary>
internal static class Conformance
{
    public static string? Folder(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Phoenix.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            return null;
        }

        var path = Path.Combine(dir.Parent.FullName, "shared", "conformance", name);
        return Directory.Exists(path) || File.Exists(path) ? path : null;
    }
}
