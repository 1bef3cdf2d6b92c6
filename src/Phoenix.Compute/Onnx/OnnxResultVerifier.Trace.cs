using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Onnx;

/// <summary>The <c>onnx/v1</c> verifier's trace leaves, so a validator can challenge and sit on dispute committees (<see cref="IUnitTraceSource"/>).</summary>
public sealed partial class OnnxResultVerifier : IUnitTraceSource
{
    /// <summary>Re-executes the unit in trace mode and returns every graph node's digest, in graph order (as <see cref="OnnxWorkloadExecutor.TraceAsync"/>).</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="blobs">Where to read the model and input.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The node digests.</returns>
    /// <exception cref="ArgumentException">The unit is not of kind <c>onnx/v1</c>.</exception>
    /// <exception cref="WorkloadException">The model, the input or the run failed.</exception>
    /// <exception cref="Phoenix.Protocol.Blobs.BlobNotFoundException">The model or input blob is not available.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public ValueTask<IReadOnlyList<Hash32>> TraceAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
        => _executor.TraceAsync(unit, blobs, cancellationToken);
}
