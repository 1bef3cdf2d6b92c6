using Microsoft.Extensions.DependencyInjection;
using Phoenix.Compute.Hosting;
using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;
using Phoenix.Workloads.Sample;

namespace Phoenix.Compute.Tests.Hosting;

public class WorkloadRegistryTests
{
    private static ServiceProvider Provider() => new ServiceCollection()
        .AddOnnxWorkloads(o => o.ExecutionProvider = ExecutionProviderPreference.Cpu)
        .AddWorkload<Int8MatVecExecutor, Int8MatVecVerifier>()
        .BuildServiceProvider();

    [Fact]
    public void AddOnnxWorkloads_WithThirdPartyKind_RegistryKnowsBothKinds()
    {
        using var provider = Provider();

        var registry = provider.GetRequiredService<WorkloadRegistry>();

        Assert.Equal([Int8MatVec.Kind, WorkloadKinds.OnnxV1], registry.ExecutableKinds.Order(StringComparer.Ordinal));
        Assert.Equal([Int8MatVec.Kind, WorkloadKinds.OnnxV1], registry.VerifiableKinds.Order(StringComparer.Ordinal));
        Assert.Throws<KeyNotFoundException>(() => registry.GetExecutor("unknown/v1"));
    }

    [Fact]
    public async Task ExecuteAndVerify_SampleKindThroughRegistry_ComputesExactProductsAndCatchesWrongClaims()
    {
        using var provider = Provider();
        var registry = provider.GetRequiredService<WorkloadRegistry>();
        var store = new InMemoryBlobStore();
        var model = Int8MatVec.EncodeModel(2, 3, [1, -2, 3, 127, -128, 0]);
        var input = Int8MatVec.EncodeInput(3, [[1, 1, 1], [2, -1, 5], [-128, 127, 0]]);
        await store.PutAsync(Hash32.Sha256(model), model);
        await store.PutAsync(Hash32.Sha256(input), input);
        var unit = new UnitWork(new WorkloadSpec(Int8MatVec.Kind, Hash32.Sha256(model), VerificationPolicy.Exact, "any", ReadOnlyMemory<byte>.Empty), 0, Hash32.Sha256(input));

        var result = await registry.ExecuteAsync(unit, store);
        var valid = await registry.VerifyAsync(unit, new ClaimedResult(result.OutputId, result.TraceRoot), store);
        var invalid = await registry.VerifyAsync(unit, new ClaimedResult(Hash32.Sha256([0]), Hash32.Zero), store);

        // Row 0 = [1, -2, 3], row 1 = [127, -128, 0], per input vector.
        Assert.Equal([2, -1, 19, 382, -128 + -254, (127 * -128) + (-128 * 127)], Int8MatVec.DecodeOutput(result.Output.Span));
        Assert.Equal(VerificationVerdict.Valid, valid.Verdict);
        Assert.Equal(VerificationVerdict.Invalid, invalid.Verdict);
    }

    [Fact]
    public void WorkloadRegistry_TwoExecutorsForOneKind_Throws()
    {
        Assert.Throws<ArgumentException>(() => new WorkloadRegistry([new Int8MatVecExecutor(), new Int8MatVecExecutor()], []));
    }
}
