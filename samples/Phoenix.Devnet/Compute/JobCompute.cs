using System.Collections.Concurrent;
using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.State;

namespace Phoenix.Devnet.Compute;

/// <summary>
/// The compute side every devnet participant shares: the blob service (content-addressed; every read is verified
/// against its id), one ONNX runner (sessions are cached per model), the <c>onnx/v1</c> executor and verifier, and
/// the per-leaf trace that the re-execution game needs.
/// </summary>
public sealed class JobCompute : IDisposable
{
    private readonly ConcurrentDictionary<Hash32, Hash32[]> _manifests = new();

    /// <summary>Creates the shared compute.</summary>
    /// <param name="blobs">The blob store.</param>
    public JobCompute(IBlobStore blobs)
    {
        Blobs = blobs;
        Runner = new OnnxModelRunner(new OnnxExecutionOptions { CommitTrace = true });
        Executor = new OnnxWorkloadExecutor(Runner);
        Verifier = new OnnxResultVerifier(Runner);
    }

    /// <summary>The blob store (stands in for the nodes' blob service).</summary>
    public IBlobStore Blobs { get; }

    /// <summary>The ONNX runner.</summary>
    public OnnxModelRunner Runner { get; }

    /// <summary>The honest <c>onnx/v1</c> executor.</summary>
    public IWorkloadExecutor Executor { get; }

    /// <summary>The <c>onnx/v1</c> verifier (exact: re-executes with the trace and compares ids).</summary>
    public IResultVerifier Verifier { get; }

    /// <summary>The work of one unit of a task, as its record and input manifest describe it.</summary>
    /// <param name="task">The task.</param>
    /// <param name="unit">The unit index.</param>
    /// <param name="cancellationToken">Cancels the blob read.</param>
    /// <returns>The unit's work.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<UnitWork> UnitAsync(TaskRecord task, uint unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var manifestId = new Hash32(task.InputsCid.Span);
        if (!_manifests.TryGetValue(manifestId, out var inputs))
        {
            var bytes = await Blobs.ReadAsync(manifestId, cancellationToken).ConfigureAwait(false);
            inputs = [.. Enumerable.Range(0, bytes.Length / Hash32.Length).Select(i => new Hash32(bytes.Span.Slice(i * Hash32.Length, Hash32.Length)))];
            _manifests[manifestId] = inputs;
        }

        var spec = new WorkloadSpec(task.Kind, new Hash32(task.ModelCid.Span),
            task.Policy == (uint)VerificationMode.Exact ? VerificationPolicy.Exact : new VerificationPolicy(VerificationMode.Tolerance, task.RtolPpb * 1_000, task.AtolPpb * 1_000),
            Runner.DeterminismClass, ReadOnlyMemory<byte>.Empty);
        return new UnitWork(spec, unit, inputs[unit]);
    }

    /// <summary>
    /// Re-executes a unit with the trace and returns each graph node's digest (<c>ExecutionTrace.NodeDigests</c>) in
    /// graph order: what bisection moves reveal and committee members report; the chain hashes a digest into its leaf
    /// <c>SHA-256(0x00 ‖ digest)</c> (<c>TaskMarketModule.VerifyTraceLeaf</c>).
    /// </summary>
    /// <param name="unit">The unit.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The leaves.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<IReadOnlyList<Hash32>> TraceLeavesAsync(UnitWork unit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var inputs = OnnxUnitFormat.Decode((await Blobs.ReadAsync(unit.InputId, cancellationToken).ConfigureAwait(false)).Span);
        var modelId = unit.Workload.ModelId;
        var run = await Runner.RunTracedAsync(modelId, ct => Blobs.ReadAsync(modelId, ct), inputs, keepNodeOutputs: false, cancellationToken).ConfigureAwait(false);
        return [.. run.Trace.NodeDigests];
    }

    /// <summary>The trace root over the node digests' leaf hashes (RFC 6962, as the task market checks moves).</summary>
    /// <param name="leaves">The node digests.</param>
    /// <returns>The root.</returns>
    public static Hash32 TraceRoot(IReadOnlyList<Hash32> leaves) => BatchMerkle.Root(LeafHashes(leaves));

    /// <summary>The audit path of one trace leaf.</summary>
    /// <param name="leaves">The node digests.</param>
    /// <param name="index">The leaf index.</param>
    /// <returns>The proof entries, leaf level first.</returns>
    public static IReadOnlyList<Hash32> TraceProof(IReadOnlyList<Hash32> leaves, int index) => BatchMerkle.Proof(LeafHashes(leaves), index);

    private static Hash32[] LeafHashes(IReadOnlyList<Hash32> digests) => [.. digests.Select(d => BatchMerkle.LeafHash(d.ToArray()))];

    /// <inheritdoc />
    public void Dispose() => Runner.Dispose();
}

/// <summary>
/// A cheating miner's executor: wraps an honest one and, for the units <paramref name="cheatOn"/> selects, returns a
/// plausible but wrong embedding (the first value nudged) with a trace whose last node is faked to match it. The
/// rest of its work is honest, so only spot checks or audits can tell.
/// </summary>
/// <param name="inner">The honest executor.</param>
/// <param name="compute">The shared compute (for the trace leaves).</param>
/// <param name="cheatOn">Which units to fake.</param>
public sealed class CheatingExecutor(IWorkloadExecutor inner, JobCompute compute, Func<UnitWork, bool> cheatOn) : IWorkloadExecutor
{
    private readonly ConcurrentDictionary<(Hash32 Model, Hash32 Input, uint Unit), bool> _lastRun = new();

    /// <inheritdoc />
    public string Kind => inner.Kind;

    /// <summary>The faked leaves the cheater commits to for a unit (honest leaves with the last one replaced).</summary>
    /// <param name="honestLeaves">The honest leaves.</param>
    /// <returns>The fake leaves.</returns>
    public static IReadOnlyList<Hash32> FakeLeaves(IReadOnlyList<Hash32> honestLeaves)
    {
        ArgumentNullException.ThrowIfNull(honestLeaves);
        var fake = honestLeaves.ToArray();
        fake[^1] = Hash32.Sha256([.. "cheat"u8, .. fake[^1].ToArray()]);
        return fake;
    }

    /// <summary>Whether this executor faked the unit the last time it ran it.</summary>
    /// <param name="unit">The unit.</param>
    /// <returns>Whether its last result for the unit is fake.</returns>
    public bool Cheated(UnitWork unit) => unit is not null && _lastRun.TryGetValue(Key(unit), out var fake) && fake;

    /// <inheritdoc />
    public async ValueTask<UnitResult> ExecuteAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        var honest = await inner.ExecuteAsync(unit, blobs, cancellationToken).ConfigureAwait(false);
        var cheat = cheatOn(unit);
        _lastRun[Key(unit)] = cheat;
        if (!cheat)
        {
            return honest;
        }

        var tensors = OnnxUnitFormat.Decode(honest.Output.Span).ToArray();
        var first = tensors[0];
        var values = first.ToFloats();
        values[0] += 0.25f;
        tensors[0] = OnnxTensor.FromFloats(first.Name, [.. first.Dimensions], values);
        var output = OnnxUnitFormat.Encode(tensors);
        var leaves = FakeLeaves(await compute.TraceLeavesAsync(unit, cancellationToken).ConfigureAwait(false));
        return new UnitResult(output, Hash32.Sha256(output), JobCompute.TraceRoot(leaves));
    }

    private static (Hash32, Hash32, uint) Key(UnitWork unit) => (unit.Workload.ModelId, unit.InputId, unit.UnitIndex);
}

/// <summary>One unit's claimed result as its miner published it.</summary>
/// <param name="OutputId">The output blob's id.</param>
/// <param name="TraceRoot">The trace root.</param>
public sealed record PublishedUnit(Hash32 OutputId, Hash32 TraceRoot);

/// <summary>
/// Where miners announce each submitted batch's per-unit results (output id and trace root), which the on-chain
/// results root commits to; validators and auditors check every announced leaf against that root before using it.
/// Stands in for the results manifest a miner serves over the blob service.
/// </summary>
public sealed class ResultBoard
{
    private readonly ConcurrentDictionary<ulong, IReadOnlyList<PublishedUnit>> _batches = new();

    /// <summary>Announces a batch's results.</summary>
    /// <param name="batchId">The batch.</param>
    /// <param name="units">Per-unit results, in unit order.</param>
    public void Publish(ulong batchId, IReadOnlyList<PublishedUnit> units) => _batches[batchId] = units;

    /// <summary>A batch's announced results.</summary>
    /// <param name="batchId">The batch.</param>
    /// <returns>The results, or null when not announced.</returns>
    public IReadOnlyList<PublishedUnit>? Get(ulong batchId) => _batches.TryGetValue(batchId, out var u) ? u : null;

    /// <summary>The batch's leaves (output id, trace root) as the market hashes them.</summary>
    /// <param name="units">The published units.</param>
    /// <returns>The leaf hashes.</returns>
    public static IReadOnlyList<Hash32> Leaves(IReadOnlyList<PublishedUnit> units) => [.. units.Select(u => BatchMerkle.UnitLeaf(u.OutputId, u.TraceRoot))];
}
