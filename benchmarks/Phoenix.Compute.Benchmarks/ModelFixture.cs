using Microsoft.ML.OnnxRuntime;
using Phoenix.Compute.Commitments;
using Phoenix.Compute.Models;
using Phoenix.Compute.Onnx;
using Phoenix.Compute.Verification;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Benchmarks;

/// <summary>
/// Everything the compute benchmarks need for one pretrained model: a raw ONNX Runtime session with the
/// executor's session options and pre-built inputs (the baseline), the executor with and without trace mode,
/// a verifier, a referee and a prepared dispute, over <see cref="UnitCount"/> distinct units.
/// </summary>
public sealed class ModelFixture : IDisposable
{
    private readonly InferenceSession _raw;
    private readonly OrtValue[][] _rawInputs;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OnnxModelRunner _runner;
    private readonly OnnxModelRunner _tracingRunner;
    private readonly OnnxWorkloadExecutor _executor;
    private readonly OnnxWorkloadExecutor _tracingExecutor;
    private readonly OnnxResultVerifier _verifier;
    private readonly InMemoryBlobStore _store = new();
    private readonly UnitWork[] _units;
    private readonly ClaimedResult[] _claims;
    private readonly byte[] _model;
    private readonly IReadOnlyList<OnnxTensor> _inputs0;
    private readonly IReadOnlyList<IReadOnlyList<OnnxTensor>> _unitInputs;
    private readonly ExecutionTrace _honest;
    private readonly ExecutionTrace _cheat;
    private readonly NodeReferee _referee;
    private readonly RefereeModel _refereeModel;
    private readonly byte[] _traceBuffer;

    private ModelFixture(string name, byte[] model, IReadOnlyList<IReadOnlyList<OnnxTensor>> unitInputs)
    {
        Name = name;
        _model = model;
        UnitCount = unitInputs.Count;
        _inputs0 = unitInputs[0];
        _unitInputs = unitInputs;

        // The raw baseline: the executor's deterministic session options, inputs built once outside the loop.
        using (var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
        })
        {
            options.AddSessionConfigEntry("session.use_deterministic_compute", "1");
            _raw = new InferenceSession(model, options);
        }

        _inputNames = unitInputs[0].Select(t => t.Name).ToArray();
        _outputNames = [.. _raw.OutputNames];
        _rawInputs = unitInputs.Select(u => u.Select(ToOrtValue).ToArray()).ToArray();

        _runner = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, CommitTrace = false });
        _tracingRunner = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, CommitTrace = true });
        _executor = new OnnxWorkloadExecutor(_runner);
        _tracingExecutor = new OnnxWorkloadExecutor(_tracingRunner);
        _verifier = new OnnxResultVerifier(_tracingRunner);
        _referee = new NodeReferee(_runner);
        _refereeModel = RefereeModel.Parse(model);

        var modelId = Hash32.Sha256(model);
        _store.PutAsync(modelId, model).AsTask().GetAwaiter().GetResult();
        var spec = new WorkloadSpec(WorkloadKinds.OnnxV1, modelId, VerificationPolicy.Exact, _runner.DeterminismClass, ReadOnlyMemory<byte>.Empty);
        _units = new UnitWork[UnitCount];
        _claims = new ClaimedResult[UnitCount];
        for (var i = 0; i < UnitCount; i++)
        {
            var blob = OnnxUnitFormat.Encode(unitInputs[i]);
            var id = Hash32.Sha256(blob);
            _store.PutAsync(id, blob).AsTask().GetAwaiter().GetResult();
            _units[i] = new UnitWork(spec, (uint)i, id);
            var traced = _tracingExecutor.ExecuteAsync(_units[i], _store).AsTask().GetAwaiter().GetResult();
            _claims[i] = new ClaimedResult(traced.OutputId, traced.TraceRoot);
            var plain = _executor.ExecuteAsync(_units[i], _store).AsTask().GetAwaiter().GetResult();
            if (plain.OutputId != traced.OutputId)
            {
                throw new InvalidOperationException("Plain and traced runs disagree on the output.");
            }
        }

        // A dispute over a node in the middle of the graph: the honest trace against one whose leaves from
        // that node on differ.
        _honest = _tracingRunner.RunTracedAsync(modelId, _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(model), _inputs0, keepNodeOutputs: true).GetAwaiter().GetResult().Trace;
        var ops = _honest.OpTypes;
        var k = Enumerable.Range(ops.Count / 2, ops.Count - (ops.Count / 2)).First(i => ops[i] is "MatMul" or "Conv");
        var leaves = Enumerable.Range(0, ops.Count).Select(i => i < k ? _honest.NodeDigests[i] : Hash32.Sha256(BitConverter.GetBytes(i))).ToArray();
        _cheat = new ExecutionTrace(ops, leaves, null);
        DisputedOp = ops[k];
        TraceBytes = Enumerable.Range(0, ops.Count).Sum(i => _honest.NodeOutputs(i).Sum(t => (long)t.RawData.Length));
        _traceBuffer = new byte[TraceBytes];
    }

    /// <summary>The bytes of every node output of one unit: what trace mode hashes.</summary>
    public long TraceBytes { get; }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>Distinct units prepared.</summary>
    public int UnitCount { get; }

    /// <summary>The graph node count (trace leaves).</summary>
    public int NodeCount => _honest.OpTypes.Count;

    /// <summary>The operator of the disputed node.</summary>
    public string DisputedOp { get; }

    /// <summary>all-MiniLM-L6-v2 on <paramref name="units"/> passages of at most <paramref name="tokens"/> tokens.</summary>
    public static ModelFixture MiniLm(int units = 8, int tokens = 32)
    {
        var encoder = MiniLmUnits.FromPackage();
        var passages = MiniLmUnits.SamplePassages(units + 1);

        // Pad each unit to the same token count, so all units cost the same.
        var inputs = Enumerable.Range(0, units).Select(i => encoder.Tensors(passages[i] + " " + passages[i + 1] + " " + passages[i], tokens)).ToArray();
        return new ModelFixture("all-MiniLM-L6-v2", PretrainedModels.LoadMiniLm(), inputs);
    }

    /// <summary>ResNet18 on <paramref name="units"/> synthetic 224×224 images.</summary>
    public static ModelFixture ResNet18(int units = 8)
        => new("ResNet18", PretrainedModels.LoadResNet18(), Enumerable.Range(0, units).Select(i => (IReadOnlyList<OnnxTensor>)[ResNet18Units.Tensor(ResNet18Units.SyntheticImage(i))]).ToArray());

    /// <summary>Raw <c>InferenceSession.Run</c> on pre-built inputs, reading the first output element.</summary>
    public float Raw(int unit)
    {
        using var runOptions = new RunOptions();
        using var outputs = _raw.Run(runOptions, _inputNames, _rawInputs[unit], _outputNames);
        return outputs[0].GetTensorDataAsSpan<float>()[0];
    }

    /// <summary>The executor with result commitment (blob read, decode, run, encode, SHA-256).</summary>
    public Hash32 Execute(int unit) => _executor.ExecuteAsync(_units[unit], _store).AsTask().GetAwaiter().GetResult().OutputId;

    /// <summary>The runner only, on already decoded inputs (no blobs, no output encoding).</summary>
    public int RunnerOnly(int unit) => _runner.RunAsync(_units[unit].Workload.ModelId, ct => _store.ReadAsync(_units[unit].Workload.ModelId, ct), _unitInputs[unit]).GetAwaiter().GetResult().Count;

    /// <summary>The executor in trace mode.</summary>
    public Hash32 ExecuteTraced(int unit) => _tracingExecutor.ExecuteAsync(_units[unit], _store).AsTask().GetAwaiter().GetResult().TraceRoot;

    /// <summary>A validator's exact re-check of a traced claim.</summary>
    public VerificationVerdict Verify(int unit) => _verifier.VerifyAsync(_units[unit], _claims[unit], _store).AsTask().GetAwaiter().GetResult().Verdict;

    /// <summary>One SHA-256 over as many bytes as a unit's trace hashes (the floor of trace mode's hashing cost).</summary>
    public Hash32 HashTraceBytes() => Hash32.Sha256(_traceBuffer);

    /// <summary>Raw runs of every unit, one after another.</summary>
    public float RawBatch()
    {
        var s = 0f;
        for (var i = 0; i < UnitCount; i++)
        {
            s += Raw(i);
        }

        return s;
    }

    /// <summary>Every unit through <see cref="OnnxWorkloadExecutor.ExecuteBatchAsync"/> with one unit at a time.</summary>
    public int ExecuteBatch() => _executor.ExecuteBatchAsync(_units, _store, maxParallelism: 1).GetAwaiter().GetResult().Count;

    /// <summary>Bisection (about log2(nodes) rounds), evidence with proofs, and the one-node re-run; model already parsed.</summary>
    public RefereeRuling Dispute()
    {
        var game = BisectionGame.Play(_cheat.Tree, _honest.Tree);
        var evidence = _refereeModel.RequiredEvidence(game.DisputedNode).Select(j => NodeReferee.EvidenceFrom(_honest, j)).ToArray();
        return _referee.DecideAsync(_refereeModel, _inputs0, game, _cheat.Root, _honest.Root, evidence).GetAwaiter().GetResult().Ruling;
    }

    /// <summary>The same dispute, parsing the model first.</summary>
    public RefereeRuling DisputeWithParse()
    {
        var model = RefereeModel.Parse(_model);
        var game = BisectionGame.Play(_cheat.Tree, _honest.Tree);
        var evidence = model.RequiredEvidence(game.DisputedNode).Select(j => NodeReferee.EvidenceFrom(_honest, j)).ToArray();
        return _referee.DecideAsync(model, _inputs0, game, _cheat.Root, _honest.Root, evidence).GetAwaiter().GetResult().Ruling;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _raw.Dispose();
        foreach (var v in _rawInputs.SelectMany(u => u))
        {
            v.Dispose();
        }

        _runner.Dispose();
        _tracingRunner.Dispose();
    }

    private static OrtValue ToOrtValue(OnnxTensor t) => t.ElementType switch
    {
        OnnxElementType.Int64 => OrtValue.CreateTensorValueFromMemory(t.ToInt64s(), [.. t.Dimensions]),
        OnnxElementType.Float => OrtValue.CreateTensorValueFromMemory(t.ToFloats(), [.. t.Dimensions]),
        _ => throw new NotSupportedException(t.ElementType.ToString()),
    };
}
