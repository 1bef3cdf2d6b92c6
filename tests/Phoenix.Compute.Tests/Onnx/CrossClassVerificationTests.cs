using Phoenix.Compute.Onnx;
using Phoenix.Compute.Tests.Support;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Onnx;

/// <summary>
/// Exact-mode verification across determinism classes: by hash within the verifier's own pinned class, by the
/// cross-class tolerance rule otherwise. Another class is simulated by naming one that differs in its ISA path.
/// </summary>
public class CrossClassVerificationTests
{
    private static DeterminismClass Own => SharedModels.Runner.Determinism;

    private static string OtherIsaClass => new DeterminismClass(
        Own.RuntimeVersion, Own.ExecutionProvider, Own.IsaPath == "x64-avx2" ? "x64-avx512" : "x64-avx2", Own.IsPinned, Own.OptionsHash).ToString();

    private static async Task<(InMemoryBlobStore Store, UnitWork Unit, UnitResult Honest)> HonestUnitAsync(string determinismClass)
    {
        var store = new InMemoryBlobStore();
        await store.PutAsync(SharedModels.MiniLmId, SharedModels.MiniLm);
        var input = SharedModels.MiniLmUnits.Encode("Validators re-execute a sample of the units.", 16);
        var inputId = Hash32.Sha256(input);
        await store.PutAsync(inputId, input);
        var ownUnit = new UnitWork(new WorkloadSpec(WorkloadKinds.OnnxV1, SharedModels.MiniLmId, VerificationPolicy.Exact, Own.ToString(), ReadOnlyMemory<byte>.Empty), 0, inputId);
        var honest = await new OnnxWorkloadExecutor(SharedModels.Runner).ExecuteAsync(ownUnit, store);
        return (store, ownUnit with { Workload = ownUnit.Workload with { DeterminismClass = determinismClass } }, honest);
    }

    /// <summary>Stores a claim whose float outputs are <paramref name="change"/>d element-wise.</summary>
    private static async Task<ClaimedResult> ClaimAsync(InMemoryBlobStore store, UnitResult honest, Func<int, float, float> change)
    {
        var outputs = OnnxUnitFormat.Decode(honest.Output.Span)
            .Select(t => OnnxTensor.FromFloats(t.Name, t.Dimensions.ToArray(), t.ToFloats().Select((v, i) => change(i, v)).ToArray()))
            .ToArray();
        var blob = OnnxUnitFormat.Encode(outputs);
        var id = Hash32.Sha256(blob);
        await store.PutAsync(id, blob);
        return new ClaimedResult(id, honest.TraceRoot);
    }

    private static async Task<VerificationVerdict> VerifyAsync(UnitWork unit, ClaimedResult claim, InMemoryBlobStore store)
        => (await new OnnxResultVerifier(SharedModels.Runner).VerifyAsync(unit, claim, store)).Verdict;

    [Fact]
    public async Task SameClass_ComparesByHash_LastBitDriftAndAWrongTraceRootAreInvalid()
    {
        var (store, unit, honest) = await HonestUnitAsync(Own.ToString());
        var drifted = await ClaimAsync(store, honest, (_, v) => v * (1 + 1e-6f));

        Assert.Equal(VerificationVerdict.Valid, await VerifyAsync(unit, new ClaimedResult(honest.OutputId, honest.TraceRoot), store));
        Assert.Equal(VerificationVerdict.Invalid, await VerifyAsync(unit, drifted, store));
        Assert.Equal(VerificationVerdict.Invalid, await VerifyAsync(unit, new ClaimedResult(honest.OutputId, Hash32.Sha256([9])), store));
    }

    [Fact]
    public async Task OtherClass_FallsBackToTheToleranceRule_DriftIsValidAndTheTraceRootIsNotCompared()
    {
        var (store, unit, honest) = await HonestUnitAsync(OtherIsaClass);
        var drifted = await ClaimAsync(store, honest, (_, v) => v * (1 + 1e-6f));

        var honestVerdict = await new OnnxResultVerifier(SharedModels.Runner).VerifyAsync(unit, new ClaimedResult(honest.OutputId, honest.TraceRoot), store);
        Assert.Equal(VerificationVerdict.Valid, honestVerdict.Verdict);
        Assert.Contains("cross-class", honestVerdict.Reason, StringComparison.Ordinal);
        Assert.Equal(VerificationVerdict.Valid, await VerifyAsync(unit, drifted, store));
        Assert.Equal(VerificationVerdict.Valid, await VerifyAsync(unit, drifted with { TraceRoot = Hash32.Sha256([9]) }, store));
    }

    [Theory]
    [InlineData(0.05f)]   // far outside rtol 1e-3 + atol 1e-5
    [InlineData(1e-3f)]   // just outside: 1e-3 absolute on values well below 1
    public async Task OtherClass_OutputBeyondTheCrossClassTolerance_IsInvalid(float shift)
    {
        var (store, unit, honest) = await HonestUnitAsync(OtherIsaClass);
        var claim = await ClaimAsync(store, honest, (_, v) => v + shift);

        var verdict = await new OnnxResultVerifier(SharedModels.Runner).VerifyAsync(unit, claim, store);

        Assert.Equal(VerificationVerdict.Invalid, verdict.Verdict);
        Assert.Contains("cross-class", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public async Task OtherClass_NonFiniteWhereTheReExecutionIsFinite_IsInvalidWhateverTheTolerance(float bad)
    {
        var (store, unit, honest) = await HonestUnitAsync(OtherIsaClass);
        var claim = await ClaimAsync(store, honest, (i, v) => i == 5 ? bad : v);

        Assert.Equal(VerificationVerdict.Invalid, await VerifyAsync(unit, claim, store));
    }

    [Fact]
    public async Task ClassReportedWithTheClaim_TakesPrecedenceOverTheTasks()
    {
        var (store, unit, honest) = await HonestUnitAsync(Own.ToString());
        var drifted = await ClaimAsync(store, honest, (_, v) => v * (1 + 1e-6f));

        Assert.Equal(VerificationVerdict.Invalid, await VerifyAsync(unit, drifted, store));
        Assert.Equal(VerificationVerdict.Valid, await VerifyAsync(unit, drifted with { DeterminismClass = OtherIsaClass }, store));
        Assert.Equal(VerificationVerdict.Invalid, await VerifyAsync(unit with { Workload = unit.Workload with { DeterminismClass = OtherIsaClass } }, drifted with { DeterminismClass = Own.ToString() }, store));
    }

    [Theory]
    [InlineData("")]                       // the task names no class (as the chain records tasks today): the verifier's own
    [InlineData("not-a-determinism-class")] // a name that is not a class: unknown, so never compared by hash
    public async Task UnnamedOrUnknownClass_UnnamedIsTheVerifiersOwn_UnknownUsesTheToleranceRule(string named)
    {
        var (store, unit, honest) = await HonestUnitAsync(named);
        var drifted = await ClaimAsync(store, honest, (_, v) => v * (1 + 1e-6f));

        var verdict = await VerifyAsync(unit, drifted, store);

        Assert.Equal(named.Length == 0 ? VerificationVerdict.Invalid : VerificationVerdict.Valid, verdict);
    }

    [Fact]
    public async Task Executor_ReportsItsClassWithEachResult()
    {
        var (store, unit, _) = await HonestUnitAsync(Own.ToString());

        var result = await new OnnxWorkloadExecutor(SharedModels.Runner).ExecuteAsync(unit, store);

        Assert.Equal(SharedModels.Runner.DeterminismClass, result.DeterminismClass);
        Assert.Equal(Own, DeterminismClass.Parse(result.DeterminismClass));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Executor_ExactTaskNamingAnotherClass_IsRefusedWithATypedError(bool parsable)
    {
        var (store, unit, _) = await HonestUnitAsync(parsable ? OtherIsaClass : "x64-something");

        var ex = await Assert.ThrowsAsync<WorkloadException>(async () => await new OnnxWorkloadExecutor(SharedModels.Runner).ExecuteAsync(unit, store));

        Assert.Equal(WorkloadErrorCode.DeterminismClassMismatch, ex.Code);
        Assert.Contains(unit.Workload.DeterminismClass, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executor_ToleranceTaskNamingAnotherClass_Runs()
    {
        var (store, unit, honest) = await HonestUnitAsync(OtherIsaClass);
        var toleranceUnit = unit with { Workload = unit.Workload with { Policy = new VerificationPolicy(VerificationMode.Tolerance, 1_000_000_000, 10_000_000) } };

        var result = await new OnnxWorkloadExecutor(SharedModels.Runner).ExecuteAsync(toleranceUnit, store);

        Assert.Equal(honest.OutputId, result.OutputId);
    }
}
