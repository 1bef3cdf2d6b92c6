using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Phoenix.Apps;
using Phoenix.Miner;
using Phoenix.Protocol.Compute;
using Phoenix.Workloads.Sample;

namespace Phoenix.IntegrationTests.Apps;

/// <summary>
/// The Phoenix.Miner app's executor list (miner.json <c>Miner.Executors</c>): third-party executors load from their
/// assembly in their own load context, sharing the Protocol contracts with the host, and every bad entry gives a
/// typed error without registering anything.
/// </summary>
public sealed class MinerExecutorLoadingTests : IDisposable
{
    private static readonly string SamplePath = typeof(Int8MatVecExecutor).Assembly.Location;
    private readonly string _home = Directory.CreateTempSubdirectory("phoenix-miner-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void LoadExecutor_ThirdPartyType_LoadsInItsOwnContextAndRunsAsTheContract()
    {
        var executor = ExecutorLoader.LoadExecutor(SamplePath, typeof(Int8MatVecExecutor).FullName!);

        Assert.Equal(Int8MatVec.Kind, executor.Kind);
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(executor.GetType().Assembly));
        Assert.NotSame(typeof(Int8MatVecExecutor), executor.GetType());
    }

    [Fact]
    public void LoadExecutor_TypeNotAnExecutor_ThrowsTypedError()
    {
        var e = Assert.Throws<ExecutorLoadException>(() => ExecutorLoader.LoadExecutor(SamplePath, typeof(Int8MatVecVerifier).FullName!));
        Assert.Equal(typeof(Int8MatVecVerifier).FullName, e.TypeName);
        Assert.Contains(nameof(IWorkloadExecutor), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadExecutor_MissingTypeOrFile_ThrowsTypedError()
    {
        Assert.Throws<ExecutorLoadException>(() => ExecutorLoader.LoadExecutor(SamplePath, "Phoenix.Workloads.Sample.NoSuchExecutor"));
        Assert.Throws<ExecutorLoadException>(() => ExecutorLoader.LoadExecutor(Path.Combine(_home, "missing.dll"), typeof(Int8MatVecExecutor).FullName!));
    }

    [Fact]
    public void Register_ConfigWithOnnxAndThirdParty_RegistersBothKinds()
    {
        Directory.CreateDirectory(Path.Combine(_home, "plugins"));
        File.Copy(SamplePath, Path.Combine(_home, "plugins", "Phoenix.Workloads.Sample.dll"));
        var config = JsonNode.Parse("""
            { "Miner": { "Executors": [
                { "kind": "onnx/v1" },
                { "assembly": "plugins/Phoenix.Workloads.Sample.dll", "type": "Phoenix.Workloads.Sample.Int8MatVecExecutor" },
                { "assembly": "plugins/absent.dll", "type": "X.Y", "enabled": false } ] } }
            """)!;
        var services = new ServiceCollection();

        var kinds = ExecutorLoader.Register(services, ExecutorLoader.ReadEntries(config), _home);

        Assert.Equal([WorkloadKinds.OnnxV1, Int8MatVec.Kind], kinds);
        using var provider = services.BuildServiceProvider();
        Assert.Equal(kinds.Order(StringComparer.Ordinal), provider.GetServices<IWorkloadExecutor>().Select(x => x.Kind).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""[ { "kind": "tensorflow/v1" } ]""")]
    [InlineData("""[ { "kind": "onnx/v1" }, { "kind": "onnx/v1" } ]""")]
    [InlineData("""[ { "kind": "onnx/v1", "enabled": false } ]""")]
    public void Register_BadBuiltInList_ThrowsTypedErrorAndRegistersNothing(string executors)
    {
        var config = JsonNode.Parse($$"""{ "Miner": { "Executors": {{executors}} } }""")!;
        var services = new ServiceCollection();

        Assert.Throws<AppConfigurationException>(() => ExecutorLoader.Register(services, ExecutorLoader.ReadEntries(config), _home));
        Assert.Empty(services);
    }

    [Fact]
    public void Register_WrongThirdPartyTypeAfterOnnx_RegistersNothing()
    {
        var config = JsonNode.Parse($$"""
            { "Miner": { "Executors": [ { "kind": "onnx/v1" }, { "assembly": {{JsonValue.Create(SamplePath).ToJsonString()}}, "type": "Phoenix.Workloads.Sample.Int8MatVecVerifier" } ] } }
            """)!;
        var services = new ServiceCollection();

        Assert.Throws<ExecutorLoadException>(() => ExecutorLoader.Register(services, ExecutorLoader.ReadEntries(config), _home));
        Assert.Empty(services);
    }

    [Theory]
    [InlineData("""{ "Miner": {} }""")]
    [InlineData("""{ "Miner": { "Executors": [ { "type": "A.B" } ] } }""")]
    [InlineData("""{ "Miner": { "Executors": [ { "kind": "onnx/v1", "assembly": "a.dll", "type": "A.B" } ] } }""")]
    public void ReadEntries_MalformedList_ThrowsTypedError(string json) =>
        Assert.Throws<AppConfigurationException>(() => ExecutorLoader.ReadEntries(JsonNode.Parse(json)!));
}
