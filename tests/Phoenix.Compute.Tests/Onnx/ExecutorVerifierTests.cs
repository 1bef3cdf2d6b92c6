using Phoenix.Compute.Onnx;
using Phoenix.Compute.Tests.Support;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Onnx;

public class ExecutorVerifierTests
{
    private static async Task<(InMemoryBlobStore Store, UnitWork Unit)> MiniLmUnitAsync(VerificationPolicy policy, string text = "The miner computes the embedding of a short passage.")
    {
        var store = new InMemoryBlobStore();
        await store.PutAsync(SharedModels.MiniLmId, SharedModels.MiniLm);
        var input = SharedModels.MiniLmUnits.Encode(text, 24);
        var inputId = Hash32.Sha256(input);
        await store.PutAsync(inputId, input);
        var spec = new WorkloadSpec(WorkloadKinds.OnnxV1, SharedModels.MiniLmId, policy, SharedModels.Runner.DeterminismClass, ReadOnlyMemory<byte>.Empty);
        return (store, new UnitWork(spec, 0, inputId));
    }

    [Fact]
    public async Task ExecuteAsync_MiniLmUnit_ReturnsOutputBlobWithIdAndTraceRoot()
    {
        var (store, unit) = await MiniLmUnitAsync(VerificationPolicy.Exact);
        var executor = new OnnxWorkloadExecutor(SharedModels.Runner);

        var result = await executor.ExecuteAsync(unit, store);

        Assert.Equal(Hash32.Sha256(result.Output.Span), result.OutputId);
        Assert.False(result.TraceRoot.IsZero);
        var outputs = OnnxUnitFormat.Decode(result.Output.Span);
        Assert.Equal("last_hidden_state", outputs[0].Name);
        Assert.Equal(384, outputs[0].Dimensions[2]);
    }

    [Fact]
    public async Task VerifyAsync_ExactHonestClaim_IsValidAndWrongClaimsAreInvalid()
    {
        var (store, unit) = await MiniLmUnitAsync(VerificationPolicy.Exact);
        var result = await new OnnxWorkloadExecutor(SharedModels.Runner).ExecuteAsync(unit, store);
        var verifier = new OnnxResultVerifier(SharedModels.Runner);

        var honest = await verifier.VerifyAsync(unit, new ClaimedResult(result.OutputId, result.TraceRoot), store);
        var wrongOutput = await verifier.VerifyAsync(unit, new ClaimedResult(Hash32.Sha256([1]), result.TraceRoot), store);
        var wrongTrace = await verifier.VerifyAsync(unit, new ClaimedResult(result.OutputId, Hash32.Sha256([2])), store);

        Assert.Equal(VerificationVerdict.Valid, honest.Verdict);
        Assert.Equal(VerificationVerdict.Invalid, wrongOutput.Verdict);
        Assert.Equal(VerificationVerdict.Invalid, wrongTrace.Verdict);
    }

    [Fact]
    public async Task VerifyAsync_ToleranceMode_AcceptsSmallDriftAndRejectsLargeDrift()
    {
        var policy = new VerificationPolicy(VerificationMode.Tolerance, RelativeTolerancePico: 1_000_000_000, AbsoluteTolerancePico: 10_000_000);
        var (store, unit) = await MiniLmUnitAsync(policy);
        var result = await new OnnxWorkloadExecutor(SharedModels.Runner).ExecuteAsync(unit, store);
        var honest = OnnxUnitFormat.Decode(result.Output.Span);

        async Task<ClaimedResult> ClaimShiftedBy(float delta)
        {
            var shifted = honest.Select(t => OnnxTensor.FromFloats(t.Name, t.Dimensions.ToArray(), t.ToFloats().Select(v => v + delta).ToArray())).ToArray();
            var blob = OnnxUnitFormat.Encode(shifted);
            await store.PutAsync(Hash32.Sha256(blob), blob);
            return new ClaimedResult(Hash32.Sha256(blob), Hash32.Zero);
        }

        var verifier = new OnnxResultVerifier(SharedModels.Runner);
        var small = await verifier.VerifyAsync(unit, await ClaimShiftedBy(1e-6f), store);
        var large = await verifier.VerifyAsync(unit, await ClaimShiftedBy(0.05f), store);

        Assert.Equal(VerificationVerdict.Valid, small.Verdict);
        Assert.Equal(VerificationVerdict.Invalid, large.Verdict);
    }

    [Fact]
    public async Task VerifyAsync_ClaimedOutputBlobUnavailable_IsInconclusive()
    {
        var policy = new VerificationPolicy(VerificationMode.Tolerance, 1_000_000_000, 100_000);
        var (store, unit) = await MiniLmUnitAsync(policy);

        var verdict = await new OnnxResultVerifier(SharedModels.Runner).VerifyAsync(unit, new ClaimedResult(Hash32.Sha256([7]), Hash32.Zero), store);

        Assert.Equal(VerificationVerdict.Inconclusive, verdict.Verdict);
    }

    [Theory]
    [InlineData(1)] // on the caller's thread, one after another
    [InlineData(2)] // on the thread pool
    public async Task ExecuteBatchAsync_SeveralUnits_MatchOneByOneResults(int maxParallelism)
    {
        var (store, unit) = await MiniLmUnitAsync(VerificationPolicy.Exact);
        var executor = new OnnxWorkloadExecutor(SharedModels.Runner);
        var units = new List<UnitWork>();
        foreach (var (text, i) in Phoenix.Compute.Models.MiniLmUnits.SamplePassages(4).Select((t, i) => (t, i)))
        {
            var blob = SharedModels.MiniLmUnits.Encode(text, 24);
            await store.PutAsync(Hash32.Sha256(blob), blob);
            units.Add(unit with { UnitIndex = (uint)i, InputId = Hash32.Sha256(blob) });
        }

        var batch = await executor.ExecuteBatchAsync(units, store, maxParallelism);

        for (var i = 0; i < units.Count; i++)
        {
            var single = await executor.ExecuteAsync(units[i], store);
            Assert.Equal(single.OutputId, batch[i].OutputId);
            Assert.Equal(single.TraceRoot, batch[i].TraceRoot);
        }

        Assert.Equal(units.Count, batch.Select(r => r.OutputId).Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteAsync_OutputBlob_IsTheCanonicalEncodingOfTheRunnersOutputs(bool trace)
    {
        var (store, unit) = await MiniLmUnitAsync(VerificationPolicy.Exact);
        using var runner = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, CommitTrace = trace });
        var inputs = OnnxUnitFormat.Decode((await store.ReadAsync(unit.InputId)).Span);

        var result = await new OnnxWorkloadExecutor(runner).ExecuteAsync(unit, store);

        // The executor writes the blob straight from ONNX Runtime's buffers; the reference path builds tensors
        // and encodes them through the protobuf classes.
        var reference = trace
            ? await runner.RunTracedAsync(unit.Workload.ModelId, SharedModels.MiniLmSource, inputs)
            : new TracedRunResult(await runner.RunAsync(unit.Workload.ModelId, SharedModels.MiniLmSource, inputs), null!);
        Assert.Equal(OnnxUnitFormat.Encode(reference.Outputs), result.Output.ToArray());
        Assert.Equal(trace ? reference.Trace.Root : Hash32.Zero, result.TraceRoot);
    }
}
