using Phoenix.Compute.Verification;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Onnx;

/// <summary>
/// The <c>onnx/v1</c> verifier a validator runs on spot-checked units: re-executes the unit and
/// compares. In <see cref="VerificationMode.Exact"/> mode the output id and the trace root must be
/// bit-identical (same determinism class); in <see cref="VerificationMode.Tolerance"/> mode the
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
    public async ValueTask<VerificationResult> VerifyAsync(UnitWork unit, ClaimedResult claimed, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(blobs);
        try
        {
            var inputs = OnnxUnitFormat.Decode((await blobs.ReadAsync(unit.InputId, cancellationToken).ConfigureAwait(false)).Span);
            if (unit.Workload.Policy.Mode == VerificationMode.Exact)
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

            var expected = await _runner.RunAsync(unit.Workload.ModelId, ct => blobs.ReadAsync(unit.Workload.ModelId, ct), inputs, cancellationToken).ConfigureAwait(false);
            var claimedBlob = await blobs.ReadAsync(claimed.OutputId, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<OnnxTensor> claimedOutputs;
            try
            {
                claimedOutputs = OnnxUnitFormat.Decode(claimedBlob.Span);
            }
            catch (WorkloadException ex)
            {
                return new VerificationResult(VerificationVerdict.Invalid, $"The claimed output is not a valid unit blob: {ex.Message}");
            }

            var (rtol, atol) = ToleranceComparer.FromPolicy(unit.Workload.Policy);
            var comparison = ToleranceComparer.Compare(expected, claimedOutputs, rtol, atol);
            return comparison.Matches
                ? new VerificationResult(VerificationVerdict.Valid, $"Within tolerance (largest difference {comparison.MaxAbsoluteDifference:R}).")
                : new VerificationResult(VerificationVerdict.Invalid, comparison.Mismatch!);
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
}
