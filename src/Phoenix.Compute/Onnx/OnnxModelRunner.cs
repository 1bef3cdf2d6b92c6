using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Phoenix.Compute.Commitments;
using Phoenix.Compute.Internal;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Onnx;

/// <summary>Supplies a model's bytes on a cache miss.</summary>
/// <param name="cancellationToken">Cancels the read.</param>
/// <returns>The model bytes; the runner checks that they hash to the requested id.</returns>
public delegate ValueTask<ReadOnlyMemory<byte>> ModelSource(CancellationToken cancellationToken);

/// <summary>The outputs of a traced run and its execution trace.</summary>
/// <param name="Outputs">The model's outputs, in graph-output order.</param>
/// <param name="Trace">The trace commitment.</param>
public sealed record TracedRunResult(IReadOnlyList<OnnxTensor> Outputs, ExecutionTrace Trace);

/// <summary>
/// Runs ONNX models on ONNX Runtime: the tensor-level entry point of Phoenix.Compute. Takes named
/// input tensors (ONNX <c>TensorProto</c>s) and returns the named outputs.
/// </summary>
/// <remarks>
/// <para>Thread-safe: one runner serves concurrent units. Sessions are cached per model id (least
/// recently used beyond <see cref="OnnxExecutionOptions.MaxCachedModels"/> are released).</para>
/// <para>CUDA is used when <see cref="OnnxExecutionOptions.ExecutionProvider"/> is
/// <see cref="ExecutionProviderPreference.Auto"/> and ONNX Runtime lists the CUDA provider (the
/// <c>Microsoft.ML.OnnxRuntime.Gpu</c> package on a machine with a GPU); any failure to use it falls
/// back to CPU with a warning.</para>
/// <para>Every model, input and runtime error surfaces as a <see cref="WorkloadException"/>; the
/// caller's cancellation as <see cref="OperationCanceledException"/>.</para>
/// <para>A run executes on the calling thread (ONNX Runtime's <c>Run</c> blocks; a thread-pool hop per unit
/// costs more than it saves); loading a model runs on the thread pool. Run units in parallel with
/// <see cref="OnnxWorkloadExecutor.ExecuteBatchAsync"/>.</para>
/// </remarks>
public sealed class OnnxModelRunner : IDisposable
{
    internal const string CudaProvider = "CUDAExecutionProvider";
    internal const string CpuProvider = "CPUExecutionProvider";

    private readonly OnnxExecutionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly LinkedList<LoadedModel> _lru = new();
    private readonly Dictionary<Hash32, LinkedListNode<LoadedModel>> _cache = [];
    private readonly bool _cudaListed;
    private bool _cudaFailed;
    private DeterminismClass? _cpuClass;
    private DeterminismClass? _cudaClass;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">Execution options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">Clock for per-unit time limits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logger.</param>
    /// <exception cref="WorkloadException"><see cref="ExecutionProviderPreference.Cuda"/> was asked for but ONNX Runtime in
    /// this process does not list the CUDA provider (<see cref="WorkloadErrorCode.ExecutionProviderUnavailable"/>).</exception>
    public OnnxModelRunner(OnnxExecutionOptions? options = null, TimeProvider? timeProvider = null, ILogger<OnnxModelRunner>? logger = null)
        : this(options, timeProvider, logger, IsCudaAvailable)
    {
    }

    /// <summary>Creates a runner that believes CUDA is (or is not) listed: lets tests drive the CUDA paths on a CPU-only build.</summary>
    internal OnnxModelRunner(OnnxExecutionOptions? options, TimeProvider? timeProvider, ILogger? logger, bool cudaListed)
    {
        _options = options ?? new OnnxExecutionOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxCachedModels, 1);
        if (!Enum.IsDefined(_options.ExecutionProvider))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.ExecutionProvider, "Unknown execution provider preference.");
        }

        _cudaListed = cudaListed;
        if (_options.ExecutionProvider == ExecutionProviderPreference.Cuda && !cudaListed)
        {
            throw new WorkloadException(WorkloadErrorCode.ExecutionProviderUnavailable, ExceptionMessages.CudaNotListed);
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Log.ExecutionProviderSelected(_logger, ExecutionProvider, DeterminismClass);
    }

    /// <summary>Whether ONNX Runtime in this process lists the CUDA execution provider.</summary>
    public static bool IsCudaAvailable { get; } = DetectCuda();

    /// <summary>The version of ONNX Runtime in this process.</summary>
    public static string RuntimeVersion { get; } = OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// The execution provider sessions are created for: CUDA when it was asked for, or under
    /// <see cref="ExecutionProviderPreference.Auto"/> while it is listed and has not failed; CPU otherwise.
    /// </summary>
    public string ExecutionProvider => WantsCuda ? CudaProvider : CpuProvider;

    /// <summary>
    /// The determinism class this runner's results are bit-identical within (ONNX Runtime version, execution
    /// provider, instruction-set path, pinned session options); it follows <see cref="ExecutionProvider"/>, so a
    /// CUDA fall-back changes it.
    /// </summary>
    public DeterminismClass Determinism => WantsCuda
        ? _cudaClass ??= Onnx.DeterminismClass.For(RuntimeVersion, CudaProvider, _options)
        : _cpuClass ??= Onnx.DeterminismClass.For(RuntimeVersion, CpuProvider, _options);

    /// <summary>The canonical string of <see cref="Determinism"/>, as a task's <c>WorkloadSpec.DeterminismClass</c> names it.</summary>
    public string DeterminismClass => Determinism.ToString();

    /// <summary>The options in use.</summary>
    public OnnxExecutionOptions Options => _options;

    private bool WantsCuda => _options.ExecutionProvider switch
    {
        ExecutionProviderPreference.Cuda => true,
        ExecutionProviderPreference.Auto => _cudaListed && !Volatile.Read(ref _cudaFailed),
        _ => false,
    };

    /// <summary>Runs a model on named input tensors given as ONNX <c>TensorProto</c> bytes.</summary>
    /// <param name="model">The ONNX model bytes.</param>
    /// <param name="inputs">Each graph input's <c>TensorProto</c> bytes, keyed by input name.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>Each graph output's canonical <c>TensorProto</c> bytes, keyed by output name.</returns>
    /// <exception cref="WorkloadException">The model, an input or the run failed.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public async Task<IReadOnlyDictionary<string, byte[]>> RunTensorProtosAsync(
        ReadOnlyMemory<byte> model, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var tensors = inputs.Select(kv => OnnxTensor.FromTensorProto(kv.Value.Span).WithName(kv.Key)).ToArray();
        var outputs = await RunAsync(model, tensors, cancellationToken).ConfigureAwait(false);
        return outputs.ToDictionary(t => t.Name, t => t.ToTensorProto(), StringComparer.Ordinal);
    }

    /// <summary>Runs a model given by its bytes.</summary>
    /// <param name="model">The ONNX model bytes (hashed to find the cached session).</param>
    /// <param name="inputs">The named inputs.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The outputs, in graph-output order.</returns>
    /// <exception cref="WorkloadException">The model, an input or the run failed.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public Task<IReadOnlyList<OnnxTensor>> RunAsync(ReadOnlyMemory<byte> model, IReadOnlyList<OnnxTensor> inputs, CancellationToken cancellationToken = default)
        => RunAsync(Hash32.Sha256(model.Span), _ => ValueTask.FromResult(model), inputs, cancellationToken);

    /// <summary>Runs a model identified by its content id; <paramref name="source"/> is read only on a cache miss.</summary>
    /// <param name="modelId">The model's content id.</param>
    /// <param name="source">Supplies the bytes on a cache miss.</param>
    /// <param name="inputs">The named inputs.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The outputs, in graph-output order.</returns>
    /// <exception cref="WorkloadException">The model, an input or the run failed, or the bytes do not hash to <paramref name="modelId"/>.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public async Task<IReadOnlyList<OnnxTensor>> RunAsync(Hash32 modelId, ModelSource source, IReadOnlyList<OnnxTensor> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(inputs);
        var model = await AcquireAsync(modelId, source, cancellationToken).ConfigureAwait(false);
        try
        {
            var session = GetSession(model);
            var outputNames = model.OutputNames;
            return Execute(model, session, inputs, outputNames, results =>
            {
                var outputs = new OnnxTensor[outputNames.Length];
                for (var i = 0; i < outputs.Length; i++)
                {
                    outputs[i] = ToTensor(outputNames[i], results[i]);
                }

                return (IReadOnlyList<OnnxTensor>)outputs;
            }, cancellationToken);
        }
        finally
        {
            model.Release();
        }
    }

    /// <summary>Runs a model in trace mode: every node's outputs are hashed into the trace commitment.</summary>
    /// <param name="modelId">The model's content id.</param>
    /// <param name="source">Supplies the bytes on a cache miss.</param>
    /// <param name="inputs">The named inputs.</param>
    /// <param name="keepNodeOutputs">Keep every node's output tensors (to answer a dispute); costs memory.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The outputs and the trace.</returns>
    /// <exception cref="WorkloadException">The model, an input or the run failed.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public async Task<TracedRunResult> RunTracedAsync(
        Hash32 modelId, ModelSource source, IReadOnlyList<OnnxTensor> inputs, bool keepNodeOutputs = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(inputs);
        var model = await AcquireAsync(modelId, source, cancellationToken).ConfigureAwait(false);
        try
        {
            var traced = GetTraced(model);
            return Execute(model, traced.Session, inputs, traced.OutputNames, results => ReadTrace(traced, results, keepNodeOutputs), cancellationToken);
        }
        finally
        {
            model.Release();
        }
    }

    /// <summary>
    /// The executor's hot path: runs a unit and writes its outputs straight from ONNX Runtime's buffers into the
    /// canonical unit blob (<see cref="OnnxUnitFormat"/>), hashing trace nodes on the fly in trace mode; the
    /// outputs are never materialised as <see cref="OnnxTensor"/>s or <c>TensorProto</c>s.
    /// </summary>
    internal async Task<(byte[] Blob, Hash32 TraceRoot)> RunToUnitBlobAsync(
        Hash32 modelId, ModelSource source, IReadOnlyList<OnnxTensor> inputs, bool trace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(inputs);
        var model = await AcquireAsync(modelId, source, cancellationToken).ConfigureAwait(false);
        try
        {
            if (trace)
            {
                var traced = GetTraced(model);
                return Execute(model, traced.Session, inputs, traced.OutputNames, results =>
                {
                    var digests = HashTrace(traced, results, kept: null);
                    var root = new ExecutionTrace(traced.OpTypes, digests, null).Root;
                    return (EncodeUnitBlob(traced.GraphOutputs, traced.GraphOutputIndices, results), root);
                }, cancellationToken);
            }

            var session = GetSession(model);
            var outputNames = model.OutputNames;
            return Execute(model, session, inputs, outputNames, results => (EncodeUnitBlob(outputNames, null, results), Hash32.Zero), cancellationToken);
        }
        finally
        {
            model.Release();
        }
    }

    /// <summary>Runs a model built for one call (not cached), such as a referee's single-node model.</summary>
    internal async Task<IReadOnlyList<OnnxTensor>> RunUncachedAsync(byte[] modelBytes, IReadOnlyList<OnnxTensor> inputs, CancellationToken cancellationToken)
    {
        var model = new LoadedModel(Hash32.Sha256(modelBytes), modelBytes, CreateSession);
        model.TryAcquire();
        try
        {
            var session = GetSession(model);
            var names = session.OutputNames.ToArray();
            return Execute(model, session, inputs, names, results => (IReadOnlyList<OnnxTensor>)names.Select((n, i) => ToTensor(n, results[i])).ToArray(), cancellationToken);
        }
        finally
        {
            model.Evict();
            model.Release();
        }
    }

    /// <summary>The number of graph nodes (trace leaves) of a model.</summary>
    /// <param name="modelId">The model's content id.</param>
    /// <param name="source">Supplies the bytes on a cache miss.</param>
    /// <param name="cancellationToken">Cancels loading.</param>
    /// <returns>The node count.</returns>
    /// <exception cref="WorkloadException">The model is invalid or not traceable.</exception>
    public async Task<int> GetNodeCountAsync(Hash32 modelId, ModelSource source, CancellationToken cancellationToken = default)
    {
        var model = await AcquireAsync(modelId, source, cancellationToken).ConfigureAwait(false);
        try
        {
            return GetTraced(model).Layout.Length;
        }
        finally
        {
            model.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var m in _lru)
            {
                m.Evict();
            }

            _lru.Clear();
            _cache.Clear();
        }
    }

    private static InferenceSession GetSession(LoadedModel model)
    {
        try
        {
            return model.Session;
        }
        catch (OnnxRuntimeException ex)
        {
            throw MapLoadError(ex);
        }
    }

    private static TracedSession GetTraced(LoadedModel model)
    {
        try
        {
            return model.Traced;
        }
        catch (OnnxRuntimeException ex)
        {
            throw MapLoadError(ex);
        }
    }

    private async Task<LoadedModel> AcquireAsync(Hash32 id, ModelSource source, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_cache.TryGetValue(id, out var node) && node.Value.TryAcquire())
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value;
            }
        }

        var bytes = await source(cancellationToken).ConfigureAwait(false);
        var actual = Hash32.Sha256(bytes.Span);
        if (actual != id)
        {
            throw new WorkloadException(WorkloadErrorCode.InvalidModel, ExceptionMessages.ModelIdMismatch(id.ToString(), actual.ToString()));
        }

        var loaded = await Task.Run(() => new LoadedModel(id, bytes.ToArray(), CreateSession), cancellationToken).ConfigureAwait(false);
        Log.ModelLoaded(_logger, id, bytes.Length);
        loaded.TryAcquire();
        lock (_gate)
        {
            if (_cache.TryGetValue(id, out var existing) && existing.Value.TryAcquire())
            {
                loaded.Evict();
                loaded.Release();
                return existing.Value;
            }

            _cache[id] = _lru.AddFirst(loaded);
            while (_lru.Count > _options.MaxCachedModels)
            {
                var last = _lru.Last!;
                _lru.RemoveLast();
                _cache.Remove(last.Value.Id);
                last.Value.Evict();
            }
        }

        return loaded;
    }

    private InferenceSession CreateSession(byte[] modelBytes)
    {
        if (WantsCuda)
        {
            try
            {
                using var cudaOptions = CreateSessionOptions();
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(CudaProviderOptions(_options));
                cudaOptions.AppendExecutionProvider_CUDA(cuda);
                return new InferenceSession(modelBytes, cudaOptions);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                if (_options.ExecutionProvider == ExecutionProviderPreference.Cuda)
                {
                    // Asked for CUDA explicitly: no silent fall-back, the caller gets a typed error.
                    throw new WorkloadException(WorkloadErrorCode.ExecutionProviderUnavailable, ExceptionMessages.CudaFailed(ex.Message), ex);
                }

                Volatile.Write(ref _cudaFailed, true);
                Log.CudaFallback(_logger, ex);
            }
        }

        using var options = CreateSessionOptions();
        try
        {
            return new InferenceSession(modelBytes, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw MapLoadError(ex);
        }
    }

    /// <summary>
    /// The CUDA provider's options. In deterministic mode cuDNN uses its fixed default convolution algorithm instead of
    /// benchmarking candidates when a session starts (which may pick a different algorithm in another process), and
    /// TF32 is off so convolutions and matrix products keep full FP32 precision: measured on an H100, ResNet18 is then
    /// bit-identical run to run and process to process (docs/performance.md, "CUDA").
    /// </summary>
    internal static Dictionary<string, string> CudaProviderOptions(OnnxExecutionOptions options)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["device_id"] = options.CudaDeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (options.Deterministic)
        {
            values["cudnn_conv_algo_search"] = "DEFAULT";
            values["use_tf32"] = "0";
        }

        return values;
    }

    private SessionOptions CreateSessionOptions()
    {
        var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        if (_options.Deterministic)
        {
            options.IntraOpNumThreads = 1;
            options.InterOpNumThreads = 1;
            options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
            options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
            options.AddSessionConfigEntry("session.use_deterministic_compute", "1");
        }
        else if (_options.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = _options.IntraOpThreads;
        }

        return options;
    }

    /// <summary>Runs on the calling thread: ONNX Runtime's Run blocks, and a thread hop costs a context switch per unit on a busy machine.</summary>
    private T Execute<T>(
        LoadedModel model, InferenceSession session, IReadOnlyList<OnnxTensor> inputs, string[] outputNames,
        Func<IReadOnlyList<OrtValue>, T> read, CancellationToken cancellationToken)
    {
        _ = model;
        cancellationToken.ThrowIfCancellationRequested();
        var inputBytes = ValidateInputs(session, inputs);
        if (inputBytes > _options.UnitMemoryLimitBytes)
        {
            throw new WorkloadException(WorkloadErrorCode.MemoryLimitExceeded, ExceptionMessages.MemoryLimit(inputBytes, _options.UnitMemoryLimitBytes));
        }

        using var timeout = new CancellationTokenSource(_options.UnitTimeLimit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var values = new OrtValue[inputs.Count];
        var names = new string[inputs.Count];
        var pins = new PinnedInputs(inputs.Count);
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = ToOrtValue(inputs[i], ref pins);
                names[i] = inputs[i].Name;
            }

            using var runOptions = new RunOptions();
            using var registration = linked.Token.Register(() => runOptions.Terminate = true);
            linked.Token.ThrowIfCancellationRequested();
            var started = _time.GetTimestamp();
            using var results = session.Run(runOptions, names, values, outputNames);

            // The timer that sets Terminate may not get a thread in time on a busy machine; the limit holds anyway.
            if (_time.GetElapsedTime(started) > _options.UnitTimeLimit)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new WorkloadException(WorkloadErrorCode.TimeLimitExceeded, ExceptionMessages.TimeLimit(_options.UnitTimeLimit));
            }

            long total = inputBytes;
            foreach (var r in results)
            {
                total += r.IsTensor ? r.GetTensorSizeInBytes() : 0;
            }

            if (total > _options.UnitMemoryLimitBytes)
            {
                throw new WorkloadException(WorkloadErrorCode.MemoryLimitExceeded, ExceptionMessages.MemoryLimit(total, _options.UnitMemoryLimitBytes));
            }

            return read(results);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or OperationCanceledException && linked.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new WorkloadException(WorkloadErrorCode.TimeLimitExceeded, ExceptionMessages.TimeLimit(_options.UnitTimeLimit), ex);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new WorkloadException(
                ex.Message.Contains("[ErrorCode:InvalidArgument]", StringComparison.Ordinal) ? WorkloadErrorCode.InvalidInput : WorkloadErrorCode.ExecutionFailed,
                ex.Message,
                ex);
        }
        finally
        {
            foreach (var v in values)
            {
                v?.Dispose();
            }

            pins.Dispose();
        }
    }

    private static long ValidateInputs(InferenceSession session, IReadOnlyList<OnnxTensor> inputs)
    {
        var metadata = session.InputMetadata;
        long bytes = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in inputs)
        {
            if (!metadata.TryGetValue(t.Name, out var meta))
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidInput, ExceptionMessages.UnknownInput(t.Name, metadata.Keys));
            }

            if (!seen.Add(t.Name))
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidInput, ExceptionMessages.DuplicateTensorName(t.Name));
            }

            if (!meta.IsTensor || (int)meta.ElementDataType != (int)t.ElementType)
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidInput, ExceptionMessages.InputTypeMismatch(t.Name, meta.IsTensor ? meta.ElementDataType.ToString() : meta.OnnxValueType.ToString(), t.ElementType));
            }

            var dims = meta.Dimensions;
            var shapeOk = dims.Length == t.Dimensions.Count;
            for (var i = 0; shapeOk && i < dims.Length; i++)
            {
                shapeOk = dims[i] < 0 || dims[i] == t.Dimensions[i];
            }

            if (!shapeOk)
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidInput, ExceptionMessages.InputShapeMismatch(t.Name, dims, t.Dimensions));
            }

            bytes += t.RawData.Length;
        }

        foreach (var name in metadata.Keys)
        {
            if (!seen.Contains(name))
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidInput, ExceptionMessages.MissingInput(name));
            }
        }

        return bytes;
    }

    /// <summary>
    /// Wraps an input's bytes in place when they are an aligned managed array (pinned for the run), which is the
    /// case for every decoded unit blob; copies them into ONNX Runtime's memory otherwise.
    /// </summary>
    private static OrtValue ToOrtValue(OnnxTensor tensor, ref PinnedInputs pins)
    {
        var type = (TensorElementType)(int)tensor.ElementType;
        if (tensor.RawData.Length > 0 && MemoryMarshal.TryGetArray(tensor.RawData, out var segment) && segment.Array is not null)
        {
            var handle = GCHandle.Alloc(segment.Array, GCHandleType.Pinned);
            var address = Marshal.UnsafeAddrOfPinnedArrayElement(segment.Array, segment.Offset);
            if (address % OnnxTensor.ElementSize(tensor.ElementType) == 0)
            {
                pins.Add(handle);
                return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, tensor.DimensionsArray, address, segment.Count);
            }

            handle.Free();
        }

        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, tensor.DimensionsArray);
        tensor.RawData.Span.CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    /// <summary>Writes the named outputs straight from ONNX Runtime's buffers into a unit blob.</summary>
    private static byte[] EncodeUnitBlob(string[] names, int[]? indices, IReadOnlyList<OrtValue> results)
    {
        var writer = new UnitBlobWriter();
        var described = new (OnnxElementType Type, long[] Dims)[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var value = results[indices is null ? i : indices[i]];
            described[i] = Describe(names[i], value);
            writer.Add(names[i], described[i].Type, described[i].Dims, checked((int)value.GetTensorSizeInBytes()));
        }

        writer.Allocate();
        for (var i = 0; i < names.Length; i++)
        {
            writer.Write(described[i].Type, described[i].Dims, results[indices is null ? i : indices[i]].GetTensorMutableRawData());
        }

        return writer.ToArray();
    }

    private static OnnxTensor ToTensor(string name, OrtValue value)
    {
        var (type, dims) = Describe(name, value);
        return new OnnxTensor(name, type, dims, value.GetTensorMutableRawData().ToArray());
    }

    private static (OnnxElementType Type, long[] Dims) Describe(string name, OrtValue value)
    {
        if (!value.IsTensor)
        {
            throw new WorkloadException(WorkloadErrorCode.ExecutionFailed, ExceptionMessages.UnsupportedElementType(name, 0));
        }

        var info = value.GetTensorTypeAndShape();
        var type = (OnnxElementType)(int)info.ElementDataType;
        if (!Enum.IsDefined(type))
        {
            throw new WorkloadException(WorkloadErrorCode.ExecutionFailed, ExceptionMessages.UnsupportedElementType(name, (int)info.ElementDataType));
        }

        return (type, info.Shape);
    }

    private static TracedRunResult ReadTrace(TracedSession traced, IReadOnlyList<OrtValue> results, bool keep)
    {
        var kept = keep ? new IReadOnlyList<OnnxTensor>[traced.Layout.Length] : null;
        var digests = HashTrace(traced, results, kept);
        var outputs = new OnnxTensor[traced.GraphOutputs.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = ToTensor(traced.GraphOutputs[i], results[traced.GraphOutputIndices[i]]);
        }

        return new TracedRunResult(outputs, new ExecutionTrace(traced.OpTypes, digests, kept));
    }

    /// <summary>Hashes every node's outputs in place in ONNX Runtime's buffers; copies them out only when <paramref name="kept"/> is given.</summary>
    private static Hash32[] HashTrace(TracedSession traced, IReadOnlyList<OrtValue> results, IReadOnlyList<OnnxTensor>[]? kept)
    {
        var digests = new Hash32[traced.Layout.Length];
        foreach (var node in traced.Layout)
        {
            var indices = traced.NodeOutputIndices[node.Index];
            using var builder = new TraceNodeDigest.Builder(node.Index, node.OpType, node.Outputs.Length);
            var tensors = kept is not null ? new OnnxTensor[node.Outputs.Length] : null;
            for (var j = 0; j < node.Outputs.Length; j++)
            {
                var value = results[indices[j]];
                var (type, dims) = Describe(node.Outputs[j], value);
                var raw = value.GetTensorMutableRawData();
                builder.Add(node.Outputs[j], type, dims, raw);
                if (tensors is not null)
                {
                    tensors[j] = new OnnxTensor(node.Outputs[j], type, dims, raw.ToArray());
                }
            }

            digests[node.Index] = builder.Finish();
            if (kept is not null)
            {
                kept[node.Index] = tensors!;
            }
        }

        return digests;
    }

    private static WorkloadException MapLoadError(OnnxRuntimeException ex)
    {
        var m = ex.Message;
        var unsupported = m.Contains("[ErrorCode:NotImplemented]", StringComparison.Ordinal)
            || m.Contains("No Op registered", StringComparison.OrdinalIgnoreCase)
            || m.Contains("is under development", StringComparison.OrdinalIgnoreCase)
            || m.Contains("official support for domain", StringComparison.OrdinalIgnoreCase)
            || m.Contains("is not a registered function/op", StringComparison.OrdinalIgnoreCase);
        return new WorkloadException(unsupported ? WorkloadErrorCode.UnsupportedOperator : WorkloadErrorCode.InvalidModel, m, ex);
    }

    private static bool DetectCuda()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider, StringComparer.Ordinal);
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }
}

/// <summary>The GC handles pinning a run's input arrays, freed after the run.</summary>
internal struct PinnedInputs(int capacity) : IDisposable
{
    private readonly GCHandle[] _handles = new GCHandle[capacity];
    private int _count;

    public void Add(GCHandle handle) => _handles[_count++] = handle;

    public readonly void Dispose()
    {
        for (var i = 0; i < _count; i++)
        {
            _handles[i].Free();
        }
    }
}
