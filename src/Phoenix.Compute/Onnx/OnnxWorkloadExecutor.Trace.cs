using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Onnx;

/// <summary>The <c>onnx/v1</c> executor's trace leaves for the re-execution game (<see cref="IUnitTraceSource"/>).</summary>
public sealed partial class OnnxWorkloadExecutor : IUnitTraceSource
{
    /// <summary>Runs the unit in trace mode and returns every graph node's digest (<see cref="Commitments.ExecutionTrace.NodeDigests"/>), in graph order.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="blobs">Where to read the model and input.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The node digests; their RFC 6962 root over <c>SHA-256(0x00 ‖ digest)</c> is the <see cref="UnitResult.TraceRoot"/> that <see cref="ExecuteAsync"/> reports in trace mode.</returns>
    /// <exception cref="ArgumentException">The unit is not of kind <c>onnx/v1</c>.</exception>
    /// <exception cref="WorkloadException">The model, the input or the run failed.</exception>
    /// <exception cref="Phoenix.Protocol.Blobs.BlobNotFoundException">The model or input blob is not available.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public async ValueTask<IReadOnlyList<Hash32>> TraceAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(blobs);
        if (unit.Workload.Kind != Kind)
        {
            throw new ArgumentException($"The executor runs '{Kind}', not '{unit.Workload.Kind}'.", nameof(unit));
        }

        var inputs = OnnxUnitFormat.Decode((await blobs.ReadAsync(unit.InputId, cancellationToken).ConfigureAwait(false)).Span);
        var modelId = unit.Workload.ModelId;
        var run = await _runner.RunTracedAsync(modelId, ct => blobs.ReadAsync(modelId, ct), inputs, keepNodeOutputs: false, cancellationToken).ConfigureAwait(false);
        return run.Trace.NodeDigests;
    }
}
