using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Compute;

/// <summary>Well-known workload kinds.</summary>
public static class WorkloadKinds
{
    /// <summary>ONNX model inference, one input tensor set per unit (Phoenix.Compute).</summary>
    public const string OnnxV1 = "onnx/v1";
}

/// <summary>How a unit's result is judged.</summary>
public enum VerificationMode
{
    /// <summary>Bit-identical output within the task's determinism class; disputes use the re-execution game.</summary>
    Exact = 0,

    /// <summary>Element-wise comparison within relative and absolute tolerances; disputes go to a stake-weighted vote.</summary>
    Tolerance = 1,
}

/// <summary>
/// A task's verification policy. Tolerances are integers in units of 10^-12 so that protocol state
/// never holds floating point; <c>|a - b| &lt;= atol + rtol * |b|</c> is evaluated by the verifier.
/// </summary>
/// <param name="Mode">Exact or tolerance.</param>
/// <param name="RelativeTolerancePico">rtol × 10^12 (tolerance mode only).</param>
/// <param name="AbsoluteTolerancePico">atol × 10^12 (tolerance mode only).</param>
public sealed record VerificationPolicy(VerificationMode Mode, ulong RelativeTolerancePico = 0, ulong AbsoluteTolerancePico = 0)
{
    /// <summary>The exact policy.</summary>
    public static VerificationPolicy Exact { get; } = new(VerificationMode.Exact);
}

/// <summary>What a task asks to be computed, as recorded on chain.</summary>
/// <param name="Kind">The workload kind, such as <see cref="WorkloadKinds.OnnxV1"/>.</param>
/// <param name="ModelId">Content id (SHA-256) of the model blob.</param>
/// <param name="Policy">The verification policy.</param>
/// <param name="DeterminismClass">The execution environment that exact results are bit-identical within
/// (runtime version, execution provider, instruction set path, pinned options), as named in the task.</param>
/// <param name="Parameters">Kind-specific parameters (opaque to the chain).</param>
public sealed record WorkloadSpec(string Kind, Hash32 ModelId, VerificationPolicy Policy, string DeterminismClass, ReadOnlyMemory<byte> Parameters);

/// <summary>One unit of work: a workload applied to one input blob.</summary>
/// <param name="Workload">The task's workload.</param>
/// <param name="UnitIndex">The unit's index within the task.</param>
/// <param name="InputId">Content id of the unit's input blob.</param>
public sealed record UnitWork(WorkloadSpec Workload, uint UnitIndex, Hash32 InputId);

/// <summary>The result of executing one unit.</summary>
/// <param name="Output">The output blob bytes.</param>
/// <param name="OutputId">SHA-256 of <paramref name="Output"/>.</param>
/// <param name="TraceRoot">Root of the execution-trace commitment (all-zero when the kind has no trace).</param>
public sealed record UnitResult(ReadOnlyMemory<byte> Output, Hash32 OutputId, Hash32 TraceRoot)
{
    /// <summary>The determinism class the executor ran in (its canonical string); empty when the kind has none.</summary>
    public string DeterminismClass { get; init; } = string.Empty;
}

/// <summary>A result as claimed on chain by a miner.</summary>
/// <param name="OutputId">Content id of the claimed output.</param>
/// <param name="TraceRoot">The claimed trace root.</param>
public sealed record ClaimedResult(Hash32 OutputId, Hash32 TraceRoot)
{
    /// <summary>
    /// The determinism class the miner reports having run in; empty when unknown (the chain does not record it), in
    /// which case the class the task names applies.
    /// </summary>
    public string DeterminismClass { get; init; } = string.Empty;
}

/// <summary>Reads content-addressed blobs (model, inputs, outputs), verifying their ids.</summary>
public interface IBlobReader
{
    /// <summary>Reads a blob whose SHA-256 is <paramref name="id"/>.</summary>
    /// <param name="id">The content id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The verified bytes.</returns>
    /// <exception cref="OperationCanceledException">The read was cancelled.</exception>
    ValueTask<ReadOnlyMemory<byte>> ReadAsync(Hash32 id, CancellationToken cancellationToken = default);
}

/// <summary>
/// Executes units of one workload kind. Phoenix.Compute implements <see cref="WorkloadKinds.OnnxV1"/>;
/// third parties implement their own kinds without touching the libraries.
/// </summary>
/// <remarks>Implementations must be thread-safe.</remarks>
public interface IWorkloadExecutor
{
    /// <summary>The workload kind this executor runs.</summary>
    string Kind { get; }

    /// <summary>Runs one unit.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="blobs">Where to read the model and input.</param>
    /// <param name="cancellationToken">Cancels execution.</param>
    /// <returns>The output and its commitments.</returns>
    /// <exception cref="OperationCanceledException">Execution was cancelled.</exception>
    ValueTask<UnitResult> ExecuteAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default);
}

/// <summary>The verdict of a verification.</summary>
public enum VerificationVerdict
{
    /// <summary>The claimed result is correct.</summary>
    Valid = 0,

    /// <summary>The claimed result is wrong.</summary>
    Invalid = 1,

    /// <summary>The verifier could not decide (for example a blob is unavailable).</summary>
    Inconclusive = 2,
}

/// <summary>The outcome of verifying a claimed result.</summary>
/// <param name="Verdict">Valid, invalid or inconclusive.</param>
/// <param name="Reason">Why, for logs and operators.</param>
public sealed record VerificationResult(VerificationVerdict Verdict, string Reason);

/// <summary>Verifies claimed results of one workload kind (validators' spot checks).</summary>
/// <remarks>Implementations must be thread-safe.</remarks>
public interface IResultVerifier
{
    /// <summary>The workload kind this verifier checks.</summary>
    string Kind { get; }

    /// <summary>Checks a claimed result, typically by re-executing the unit.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="claimed">What the miner claimed.</param>
    /// <param name="blobs">Where to read the model, input and claimed output.</param>
    /// <param name="cancellationToken">Cancels verification.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="OperationCanceledException">Verification was cancelled.</exception>
    ValueTask<VerificationResult> VerifyAsync(UnitWork unit, ClaimedResult claimed, IBlobReader blobs, CancellationToken cancellationToken = default);
}
