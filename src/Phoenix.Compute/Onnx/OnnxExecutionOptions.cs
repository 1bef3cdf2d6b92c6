namespace Phoenix.Compute.Onnx;

/// <summary>Which execution provider to run models on.</summary>
public enum ExecutionProviderPreference
{
    /// <summary>CUDA when a GPU and the CUDA runtime are present, otherwise CPU (the default).</summary>
    Auto = 0,

    /// <summary>Always CPU.</summary>
    Cpu = 1,

    /// <summary>
    /// Always CUDA, never CPU: creating the runner throws <see cref="WorkloadException"/> with
    /// <see cref="WorkloadErrorCode.ExecutionProviderUnavailable"/> when ONNX Runtime does not list the CUDA provider,
    /// and so does a run whose session cannot be created with it (no fall-back).
    /// </summary>
    Cuda = 2,
}

/// <summary>Options of <see cref="OnnxModelRunner"/> and the <c>onnx/v1</c> executor and verifier.</summary>
public sealed class OnnxExecutionOptions
{
    /// <summary>Execution provider choice.</summary>
    /// <value>Default <see cref="ExecutionProviderPreference.Auto"/>.</value>
    public ExecutionProviderPreference ExecutionProvider { get; set; } = ExecutionProviderPreference.Auto;

    /// <summary>CUDA device ordinal used when CUDA is selected.</summary>
    /// <value>Default 0.</value>
    public int CudaDeviceId { get; set; }

    /// <summary>
    /// Deterministic mode: one intra-op and one inter-op thread, sequential execution, graph
    /// optimizations disabled, and <c>session.use_deterministic_compute = 1</c>. Exact verification
    /// needs it; turning it off is faster but results are then only comparable with tolerance.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Deterministic { get; set; } = true;

    /// <summary>Intra-op threads when <see cref="Deterministic"/> is off (0 lets ONNX Runtime choose).</summary>
    /// <value>Default 0.</value>
    public int IntraOpThreads { get; set; }

    /// <summary>Largest wall-clock time one unit may run; the run is terminated after it.</summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan UnitTimeLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Largest total size of one unit's tensors (inputs, outputs and, in trace mode, every
    /// intermediate value). ONNX Runtime's internal scratch memory is not counted.
    /// </summary>
    /// <value>Default 2 GiB.</value>
    public long UnitMemoryLimitBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>How many models keep a loaded session; the least recently used is released beyond it.</summary>
    /// <value>Default 4.</value>
    public int MaxCachedModels { get; set; } = 4;

    /// <summary>
    /// Relative tolerance of the cross-class rule: an exact-mode result made in another determinism class than the
    /// verifier's is compared element-wise with <c>|claimed − expected| ≤ atol + rtol·|expected|</c>.
    /// </summary>
    /// <value>Default 1e-3 (ONNX's backend test rule for float32 models).</value>
    public double CrossClassRelativeTolerance { get; set; } = 1e-3;

    /// <summary>Absolute tolerance of the cross-class rule (<see cref="CrossClassRelativeTolerance"/>).</summary>
    /// <value>Default 1e-5 (the absolute error ONNX Runtime's maintainers give for results across machines).</value>
    public double CrossClassAbsoluteTolerance { get; set; } = 1e-5;

    /// <summary>Whether the executor computes the execution-trace commitment of every unit.</summary>
    /// <value>Default <see langword="true"/>; a miner must submit a trace root.</value>
    public bool CommitTrace { get; set; } = true;
}
