using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.ML.OnnxRuntime;
using Phoenix.Compute.Commitments;
using Phoenix.Compute.Models;
using Phoenix.Compute.Onnx;
using Phoenix.Compute.Verification;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Benchmarks;

/// <summary>Short in-process jobs: the benchmark machine is shared (2 cores).</summary>
public sealed class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(5));
    }
}

/// <summary>
/// One all-MiniLM-L6-v2 unit (32 tokens) in the deterministic profile: raw ONNX Runtime (baseline) against
/// the executor with result commitment, the executor in trace mode, a validator's exact re-check, and a
/// bisection dispute settled by re-running one node.
/// </summary>
[Config(typeof(ShortConfig))]
[MemoryDiagnoser]
public class MiniLmUnitBenchmarks
{
    private InferenceSession _raw = null!;
    private OrtValue[] _rawInputs = null!;
    private string[] _inputNames = null!;
    private OnnxModelRunner _runner = null!;
    private OnnxModelRunner _tracingRunner = null!;
    private OnnxWorkloadExecutor _executor = null!;
    private OnnxWorkloadExecutor _tracingExecutor = null!;
    private OnnxResultVerifier _verifier = null!;
    private InMemoryBlobStore _store = null!;
    private UnitWork _unit = null!;
    private ClaimedResult _claim = null!;
    private byte[] _model = null!;
    private IReadOnlyList<OnnxTensor> _inputs = null!;
    private ExecutionTrace _honest = null!;
    private ExecutionTrace _cheat = null!;
    private NodeReferee _referee = null!;
    private RefereeModel _refereeModel = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = PretrainedModels.LoadMiniLm();
        var units = MiniLmUnits.FromPackage();
        _inputs = units.Tensors(MiniLmUnits.SamplePassages(1)[0] + " " + MiniLmUnits.SamplePassages(2)[1], 32);

        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
        };
        options.AddSessionConfigEntry("session.use_deterministic_compute", "1");
        _raw = new InferenceSession(_model, options);
        _inputNames = _inputs.Select(t => t.Name).ToArray();
        _rawInputs = _inputs.Select(t => OrtValue.CreateTensorValueFromMemory(t.ToInt64s(), t.Dimensions.ToArray())).ToArray();

        _runner = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, CommitTrace = false });
        _tracingRunner = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, CommitTrace = true });
        _executor = new OnnxWorkloadExecutor(_runner);
        _tracingExecutor = new OnnxWorkloadExecutor(_tracingRunner);
        _verifier = new OnnxResultVerifier(_tracingRunner);
        _referee = new NodeReferee(_runner);
        _refereeModel = RefereeModel.Parse(_model);
        _store = new InMemoryBlobStore();
        var modelId = Hash32.Sha256(_model);
        _store.PutAsync(modelId, _model).AsTask().GetAwaiter().GetResult();
        var input = OnnxUnitFormat.Encode(_inputs);
        _store.PutAsync(Hash32.Sha256(input), input).AsTask().GetAwaiter().GetResult();
        _unit = new UnitWork(new WorkloadSpec(WorkloadKinds.OnnxV1, modelId, VerificationPolicy.Exact, _runner.DeterminismClass, ReadOnlyMemory<byte>.Empty), 0, Hash32.Sha256(input));
        var result = _tracingExecutor.ExecuteAsync(_unit, _store).AsTask().GetAwaiter().GetResult();
        _claim = new ClaimedResult(result.OutputId, result.TraceRoot);
        _executor.ExecuteAsync(_unit, _store).AsTask().GetAwaiter().GetResult();

        // A dispute over a perturbed MatMul in the middle of the graph: the honest trace against a copy whose
        // leaf at that node (and later) differs.
        _honest = _tracingRunner.RunTracedAsync(modelId, _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(_model), _inputs, keepNodeOutputs: true).GetAwaiter().GetResult().Trace;
        var k = Enumerable.Range(_honest.OpTypes.Count / 2, _honest.OpTypes.Count / 2).First(i => _honest.OpTypes[i] == "MatMul");
        var leaves = Enumerable.Range(0, _honest.OpTypes.Count).Select(i => i < k ? _honest.NodeDigests[i] : Hash32.Sha256(BitConverter.GetBytes(i))).ToArray();
        _cheat = new ExecutionTrace(_honest.OpTypes, leaves, null);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        foreach (var v in _rawInputs)
        {
            v.Dispose();
        }

        _runner.Dispose();
        _tracingRunner.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw ONNX Runtime")]
    public float RawOnnxRuntime()
    {
        using var runOptions = new RunOptions();
        using var outputs = _raw.Run(runOptions, _inputNames, _rawInputs, _raw.OutputNames);
        var span = outputs[0].GetTensorDataAsSpan<float>();
        return span.ToArray()[0];
    }

    [Benchmark(Description = "executor + result commitment")]
    public async Task<Hash32> Executor() => (await _executor.ExecuteAsync(_unit, _store)).OutputId;

    [Benchmark(Description = "executor, trace mode")]
    public async Task<Hash32> ExecutorTraced() => (await _tracingExecutor.ExecuteAsync(_unit, _store)).TraceRoot;

    [Benchmark(Description = "validator exact re-check")]
    public async Task<VerificationVerdict> Verify() => (await _verifier.VerifyAsync(_unit, _claim, _store)).Verdict;

    [Benchmark(Description = "bisection + one-node re-run")]
    public async Task<RefereeRuling> Dispute()
    {
        var game = BisectionGame.Play(_cheat.Tree, _honest.Tree);
        var evidence = _refereeModel.RequiredEvidence(game.DisputedNode).Select(j => NodeReferee.EvidenceFrom(_honest, j)).ToArray();
        return (await _referee.DecideAsync(_refereeModel, _inputs, game, _cheat.Root, _honest.Root, evidence)).Ruling;
    }

    [Benchmark(Description = "dispute incl. parsing the model")]
    public async Task<RefereeRuling> DisputeWithParse()
    {
        var model = RefereeModel.Parse(_model);
        var game = BisectionGame.Play(_cheat.Tree, _honest.Tree);
        var evidence = model.RequiredEvidence(game.DisputedNode).Select(j => NodeReferee.EvidenceFrom(_honest, j)).ToArray();
        return (await _referee.DecideAsync(model, _inputs, game, _cheat.Root, _honest.Root, evidence)).Ruling;
    }
}
