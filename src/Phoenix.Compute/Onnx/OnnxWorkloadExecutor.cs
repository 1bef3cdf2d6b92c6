using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Compute.Internal;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Onnx;

/// <summary>
/// The <c>onnx/v1</c> executor a miner runs: reads the unit's model and input blobs, runs the model
/// (in trace mode when <see cref="OnnxExecutionOptions.CommitTrace"/> is on) and returns the output
/// blob (<see cref="OnnxUnitFormat"/>), its content id, the trace root and the determinism class it ran in.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Units of one model share one cached session.</para>
/// <para>An exact-mode task that names a determinism class other than the runner's
/// (<see cref="OnnxModelRunner.Determinism"/>) is refused with <see cref="WorkloadErrorCode.DeterminismClassMismatch"/>
/// before anything runs: its result could only be checked with tolerance, and a validator in the named class would
/// reject it. A task that names no class runs in the runner's.</para>
/// </remarks>
public sealed partial class OnnxWorkloadExecutor : IWorkloadExecutor
{
    private readonly OnnxModelRunner _runner;
    private readonly ILogger _logger;

    /// <summary>Creates the executor.</summary>
    /// <param name="runner">The runner (owns sessions and options).</param>
    /// <param name="logger">Logger.</param>
    public OnnxWorkloadExecutor(OnnxModelRunner runner, ILogger<OnnxWorkloadExecutor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _runner = runner;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Kind => WorkloadKinds.OnnxV1;

    /// <inheritdoc />
    /// <exception cref="WorkloadException">The model, the input or the run failed.</exception>
    /// <exception cref="Phoenix.Protocol.Blobs.BlobNotFoundException">The model or input blob is not available.</exception>
    public async ValueTask<UnitResult> ExecuteAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(blobs);
        if (unit.Workload.Kind != Kind)
        {
            throw new ArgumentException($"The executor runs '{Kind}', not '{unit.Workload.Kind}'.", nameof(unit));
        }

        try
        {
            var own = _runner.Determinism;
            if (unit.Workload.Policy.Mode == VerificationMode.Exact && !string.IsNullOrEmpty(unit.Workload.DeterminismClass)
                && (!DeterminismClass.TryParse(unit.Workload.DeterminismClass, out var named) || !named.Equals(own)))
            {
                throw new WorkloadException(WorkloadErrorCode.DeterminismClassMismatch, ExceptionMessages.DeterminismClassMismatch(unit.Workload.DeterminismClass, own.ToString()));
            }

            // The tensors share the blob's memory: no copy of the input on the managed heap.
            var inputs = OnnxUnitFormat.DecodeShared(await blobs.ReadAsync(unit.InputId, cancellationToken).ConfigureAwait(false));
            var (blob, traceRoot) = await ExecuteToBlobAsync(unit.Workload.ModelId, blobs, inputs, _runner.Options.CommitTrace, cancellationToken).ConfigureAwait(false);
            return new UnitResult(blob, Hash32.Sha256(blob), traceRoot) { DeterminismClass = own.ToString() };
        }
        catch (WorkloadException ex)
        {
            Log.UnitFailed(_logger, unit.UnitIndex, unit.Workload.ModelId, ex.Code);
            throw;
        }
    }

    /// <summary>Runs a batch of units of one or more models, several at a time.</summary>
    /// <param name="units">The units.</param>
    /// <param name="blobs">Where to read models and inputs.</param>
    /// <param name="maxParallelism">Units run at once; in deterministic mode each uses one thread.</param>
    /// <param name="cancellationToken">Cancels the batch.</param>
    /// <returns>The results, in unit order.</returns>
    /// <exception cref="WorkloadException">A unit failed (the first failure is thrown).</exception>
    /// <exception cref="OperationCanceledException">The batch was cancelled.</exception>
    public async Task<IReadOnlyList<UnitResult>> ExecuteBatchAsync(IReadOnlyList<UnitWork> units, IBlobReader blobs, int maxParallelism, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelism, 1);
        var results = new UnitResult[units.Count];
        if (maxParallelism == 1 || units.Count <= 1)
        {
            // One at a time on the caller's thread: no thread-pool hand-off per batch.
            for (var i = 0; i < units.Count; i++)
            {
                results[i] = await ExecuteAsync(units[i], blobs, cancellationToken).ConfigureAwait(false);
            }

            return results;
        }

        await Parallel.ForEachAsync(
            Enumerable.Range(0, units.Count),
            new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await ExecuteAsync(units[i], blobs, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }

    /// <summary>Runs one unit's decoded inputs into its output blob (and trace root in trace mode).</summary>
    internal Task<(byte[] Blob, Hash32 TraceRoot)> ExecuteToBlobAsync(
        Hash32 modelId, IBlobReader blobs, IReadOnlyList<OnnxTensor> inputs, bool trace, CancellationToken cancellationToken)
        => _runner.RunToUnitBlobAsync(modelId, ct => blobs.ReadAsync(modelId, ct), inputs, trace, cancellationToken);
}
