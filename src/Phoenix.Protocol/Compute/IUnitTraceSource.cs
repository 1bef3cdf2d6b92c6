using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Compute;

/// <summary>
/// Produces a unit's execution trace: the 32-byte digest of every graph node's outputs, in topological order
/// (for ONNX, Phoenix.Compute's <c>ExecutionTrace.NodeDigests</c>).
/// Agents (Phoenix.Sdk's <c>MinerAgent</c> and <c>ValidatorAgent</c>) use it to play the on-chain re-execution
/// game (DESIGN §6): the miner and the challenger reveal node digests with audit paths, and committee members
/// report the disputed node's digest.
/// </summary>
/// <remarks>
/// <para>Optional: an executor or verifier of an exact-policy kind implements it next to
/// <see cref="IWorkloadExecutor"/> or <see cref="IResultVerifier"/> (Phoenix.Compute's <c>onnx/v1</c> executor and
/// verifier do), or is registered on its own. The trace must match the trace root the executor reports:
/// <see cref="UnitResult.TraceRoot"/> is the RFC 6962 root over the leaf hashes <c>SHA-256(0x00 ‖ digest)</c>
/// (<see cref="Phoenix.Protocol.Modules.Tasks.BatchMerkle"/>; the SDK's <c>ExecutionTraces.Root</c>), the leaf the
/// chain's <c>TaskMarketModule.VerifyTraceLeaf</c> computes from a revealed digest.</para>
/// <para>Moved from <c>Phoenix.Sdk.Agents</c> to <c>Phoenix.Protocol.Compute</c> so that Phoenix.Compute can implement it
/// without referencing the SDK.</para>
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
