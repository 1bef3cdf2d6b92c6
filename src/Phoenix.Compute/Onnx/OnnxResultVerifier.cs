using System.Globalization;
using Phoenix.Compute.Verification;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Onnx;

/// <summary>
/// The <c>onnx/v1</c> verifier a validator runs on spot-checked units: re-executes the unit and
/// compares. In <see cref="VerificationMode.Exact"/> mode, within the verifier's own pinned determinism
/// class, the output id and the trace root must be bit-identical; a result made in another class is
/// compared with the cross-class tolerance rule instead. In <see cref="VerificationMode.Tolerance"/> mode the
/// claimed output blob is compared element-wise with <see cref="ToleranceComparer"/>.
/// </summary>
/// <remarks>Thread-safe. A verdict is <see cref="VerificationVerdict.Inconclusive"/> when a blob is
/// unavailable or the task itself cannot run (invalid model or input): the miner is not blamed then.</remarks>
public sealed partial class OnnxResultVerifier : IResultVerifier
{
    private readonly OnnxWorkloadExecutor _executor;
    private readonly OnnxModelRunner _runner;

    /// <summary>Creates the verifier.</summary>
    /// <param name="runner">The runner; for exact mode it must run in the task's determinism class.</param>
    public OnnxResultVerifier(OnnxModelRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _runner = runner;
        _executor = new OnnxWorkloadExecutor(runner);
    }

    /// <inheritdoc />
    public string Kind => WorkloadKinds.OnnxV1;

    /// <inheritdoc />
    /// <remarks>
    /// <para>Which class the result was made in: the claim's <see cref="ClaimedResult.DeterminismClass"/> when the miner
    /// reported one, otherwise the class the task names (<see cref="WorkloadSpec.DeterminismClass"/>), otherwise (a task
    /// that names none, as the chain records tasks today) this verifier's own class.</para>
    /// <para>Exact policy, same pinned class: the output id and the trace root must be bit-identical. Exact policy,
    /// another class (or one that does not parse, or an unpinned one): the cross-class rule, i.e. a bit-identical
    /// output is valid, and otherwise the claimed output is compared element-wise with
    /// <see cref="OnnxExecutionOptions.CrossClassRelativeTolerance"/> and
    /// <see cref="OnnxExecutionOptions.CrossClassAbsoluteTolerance"/> (NaN matches only NaN, an infinity only the same
    /// infinity); the trace root is not compared, since every node's bits may differ across classes. Tolerance policy:
    /// the policy's own tolerances, in any class.</para>
    /// </remarks>
    public async ValueTask<VerificationResult> VerifyAsync(UnitWork unit, ClaimedResult claimed, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(blobs);
        try
        {
            var inputs = OnnxUnitFormat.DecodeShared(await blobs.ReadAsync(unit.InputId, cancellationToken).ConfigureAwait(false));
            if (unit.Workload.Policy.Mode == VerificationMode.Exact)
            {
                var own = _runner.Determinism;
                var resultClass = ResultClass(unit, claimed, own);
                if (own.AllowsExactComparisonWith(resultClass))
                {
                    return await VerifyExactAsync(unit, claimed, blobs, inputs, cancellationToken).ConfigureAwait(false);
                }

                return await VerifyWithToleranceAsync(
                    unit, claimed, blobs, inputs, _runner.Options.CrossClassRelativeTolerance, _runner.Options.CrossClassAbsoluteTolerance,
                    $"cross-class rule: the result's class {(resultClass?.ToString() ?? "(unknown)")} is not this verifier's pinned class {own}; ",
                    cancellationToken).ConfigureAwait(false);
            }

            var (rtol, atol) = ToleranceComparer.FromPolicy(unit.Workload.Policy);
            return await VerifyWithToleranceAsync(unit, claimed, blobs, inputs, rtol, atol, string.Empty, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobNotFoundException ex)
        {
            return new VerificationResult(VerificationVerdict.Inconclusive, ex.Message);
        }
        catch (WorkloadException ex)
        {
            return new VerificationResult(VerificationVerdict.Inconclusive, $"{ex.Code}: {ex.Message}");
        }
    }

    /// <summary>The class a claimed result was made in; <see langword="null"/> when it is named but not a class.</summary>
    private static DeterminismClass? ResultClass(UnitWork unit, ClaimedResult claimed, DeterminismClass own)
    {
        var named = !string.IsNullOrEmpty(claimed.DeterminismClass) ? claimed.DeterminismClass : unit.Workload.DeterminismClass;
        if (string.IsNullOrEmpty(named))
        {
            return own;
        }

        return DeterminismClass.TryParse(named, out var parsed) ? parsed : null;
    }

    private async Task<VerificationResult> VerifyExactAsync(UnitWork unit, ClaimedResult claimed, IBlobReader blobs, IReadOnlyList<OnnxTensor> inputs, CancellationToken cancellationToken)
    {
        var trace = !claimed.TraceRoot.IsZero;
        var (blob, root) = await _executor.ExecuteToBlobAsync(unit.Workload.ModelId, blobs, inputs, trace, cancellationToken).ConfigureAwait(false);
        var outputId = Hash32.Sha256(blob);
        if (outputId != claimed.OutputId)
        {
            return new VerificationResult(VerificationVerdict.Invalid, $"Re-execution gives output {outputId}, the miner claimed {claimed.OutputId}.");
        }

        return root == claimed.TraceRoot
            ? new VerificationResult(VerificationVerdict.Valid, "Output and trace root are bit-identical.")
            : new VerificationResult(VerificationVerdict.Invalid, $"The output matches but the trace root is {root}, the miner claimed {claimed.TraceRoot}.");
    }

    private async Task<VerificationResult> VerifyWithToleranceAsync(
        UnitWork unit, ClaimedResult claimed, IBlobReader blobs, IReadOnlyList<OnnxTensor> inputs, double rtol, double atol, string rule, CancellationToken cancellationToken)
    {
        var (blob, _) = await _executor.ExecuteToBlobAsync(unit.Workload.ModelId, blobs, inputs, trace: false, cancellationToken).ConfigureAwait(false);
        if (Hash32.Sha256(blob) == claimed.OutputId)
        {
            return new VerificationResult(VerificationVerdict.Valid, $"{rule}the output is bit-identical.");
        }

        var claimedBlob = await blobs.ReadAsync(claimed.OutputId, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<OnnxTensor> claimedOutputs;
        try
        {
            claimedOutputs = OnnxUnitFormat.DecodeShared(claimedBlob);
        }
        catch (WorkloadException ex)
        {
            return new VerificationResult(VerificationVerdict.Invalid, $"The claimed output is not a valid unit blob: {ex.Message}");
        }

        var expected = OnnxUnitFormat.DecodeShared(blob);
        var comparison = ToleranceComparer.Compare(expected, claimedOutputs, rtol, atol);
        return comparison.Matches
            ? new VerificationResult(VerificationVerdict.Valid, string.Create(CultureInfo.InvariantCulture, $"{rule}within rtol {rtol:R}, atol {atol:R} (largest difference {comparison.MaxAbsoluteDifference:R})."))
            : new VerificationResult(VerificationVerdict.Invalid, $"{rule}{comparison.Mismatch}");
    }
}
