namespace Phoenix.Compute;

/// <summary>Why a workload could not be executed.</summary>
public enum WorkloadErrorCode
{
    /// <summary>The model bytes are not a valid ONNX model.</summary>
    InvalidModel = 1,

    /// <summary>The model uses an operator (or opset) that the runtime does not implement.</summary>
    UnsupportedOperator = 2,

    /// <summary>An input is missing, unknown, or has the wrong element type or shape.</summary>
    InvalidInput = 3,

    /// <summary>Tensor or unit bytes are not a valid ONNX <c>TensorProto</c> / <c>SequenceProto</c>.</summary>
    InvalidTensor = 4,

    /// <summary>The unit ran longer than its time limit.</summary>
    TimeLimitExceeded = 5,

    /// <summary>The unit's tensors exceed its memory limit.</summary>
    MemoryLimitExceeded = 6,

    /// <summary>The runtime failed while executing the model.</summary>
    ExecutionFailed = 7,

    /// <summary>The model's graph cannot be traced (for example it has no nodes).</summary>
    NotTraceable = 8,

    /// <summary>An exact-mode task names a determinism class other than the executor's: its results could not be checked by hash.</summary>
    DeterminismClassMismatch = 9,

    /// <summary>The execution provider that was asked for explicitly (CUDA) is not available; nothing falls back silently.</summary>
    ExecutionProviderUnavailable = 10,
}

/// <summary>
/// A workload failed for a reason attributable to its model, its input or its limits. The host
/// process is never affected: every runtime error is caught and mapped to a <see cref="WorkloadErrorCode"/>.
/// </summary>
/// <remarks>
/// None of these errors is transient: re-running the same unit with the same model, input and limits
/// fails the same way, so callers should not retry (<see cref="OperationCanceledException"/> is thrown,
/// not this, when the caller's token is cancelled).
/// </remarks>
public sealed class WorkloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">Why the workload failed.</param>
    /// <param name="message">A description for logs and operators.</param>
    /// <param name="innerException">The runtime error, when there is one.</param>
    public WorkloadException(WorkloadErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Why the workload failed.</summary>
    public WorkloadErrorCode Code { get; }
}
