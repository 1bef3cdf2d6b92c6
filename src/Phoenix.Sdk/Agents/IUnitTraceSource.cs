using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Agents;

/// <summary>
/// Produces a unit's execution trace: the 32-byte digest of every graph node's outputs, in topological order
/// (for ONNX, Phoenix.Compute's <c>ExecutionTrace.NodeDigests</c>).
/// Agents use it to play the on-chain re-execution game (DESIGN §6): the miner and the challenger reveal
/// leaves with audit paths, and committee members report the disputed node's output hash.
/// </summary>
/// <remarks>
/// <para>Optional: an executor or verifier of an exact-policy kind implements it next to
/// <see cref="IWorkloadExecutor"/> or <see cref="IResultVerifier"/>. The trace must match the trace root the
/// executor reports: <c>UnitResult.TraceRoot == ExecutionTraces.Root(leaves)</c>.</para>
/// <para>Implementations must be thread-safe.</para>
/// </remarks>
public interface IUnitTraceSource
{
    /// <summary>The workload kind.</summary>
    string Kind { get; }

    /// <summary>Executes the unit and returns its trace leaves.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="blobs">Where to read the model and input.</param>
    /// <param name="cancellationToken">Cancels execution.</param>
    /// <returns>The per-node output hashes, in topological order (at least one).</returns>
    /// <exception cref="OperationCanceledException">Execution was cancelled.</exception>
    ValueTask<IReadOnlyList<Hash32>> TraceAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default);
}
