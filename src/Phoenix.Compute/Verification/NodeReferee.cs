using Phoenix.Compute.Commitments;
using Phoenix.Compute.Internal;
using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Verification;

/// <summary>The outputs of an agreed node, with its inclusion proof, supplied to the referee.</summary>
/// <param name="NodeIndex">The node.</param>
/// <param name="Outputs">Its non-empty outputs, in NodeProto order.</param>
/// <param name="Proof">The RFC 6962 audit path of its leaf.</param>
public sealed record NodeEvidence(int NodeIndex, IReadOnlyList<OnnxTensor> Outputs, IReadOnlyList<Hash32> Proof);

/// <summary>A model parsed once for refereeing (parsing a large model costs more than re-running one node).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class RefereeModel
{
    private RefereeModel(Internal.OnnxProto.ModelProto proto)
    {
        Proto = proto;
        Producers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < proto.Graph.Node.Count; i++)
        {
            foreach (var o in proto.Graph.Node[i].Output.Where(o => o.Length > 0))
            {
                Producers[o] = i;
            }
        }
    }

    /// <summary>The number of graph nodes (trace leaves).</summary>
    public int NodeCount => Proto.Graph.Node.Count;

    internal Internal.OnnxProto.ModelProto Proto { get; }

    internal Dictionary<string, int> Producers { get; }

    /// <summary>Parses a model.</summary>
    /// <param name="model">The model bytes.</param>
    /// <returns>The parsed model.</returns>
    /// <exception cref="WorkloadException">The bytes are not an ONNX model.</exception>
    public static RefereeModel Parse(ReadOnlySpan<byte> model) => new(OnnxGraph.Parse(model));

    /// <summary>Which earlier nodes' outputs the referee needs to re-execute a node.</summary>
    /// <param name="nodeIndex">The disputed node.</param>
    /// <returns>The producing node indices, ascending.</returns>
    public IReadOnlyList<int> RequiredEvidence(int nodeIndex)
        => Proto.Graph.Node[nodeIndex].Input
            .Where(n => n.Length > 0 && Producers.ContainsKey(n))
            .Select(n => Producers[n])
            .Distinct()
            .Order()
            .ToArray();
}

/// <summary>What the referee found.</summary>
public enum RefereeRuling
{
    /// <summary>Re-execution reproduces the miner's leaf: the challenger loses.</summary>
    MinerCorrect = 0,

    /// <summary>Re-execution reproduces the challenger's leaf: the miner cheated or erred.</summary>
    ChallengerCorrect = 1,

    /// <summary>Re-execution matches neither leaf (for example the referee runs in another determinism class).</summary>
    NeitherMatches = 2,
}

/// <summary>The referee's decision on one disputed node.</summary>
/// <param name="Ruling">The ruling.</param>
/// <param name="NodeIndex">The node re-executed.</param>
/// <param name="OpType">Its operator.</param>
/// <param name="RecomputedLeaf">The leaf hash of the re-execution.</param>
/// <param name="Outputs">The re-executed outputs.</param>
public sealed record RefereeDecision(RefereeRuling Ruling, int NodeIndex, string OpType, Hash32 RecomputedLeaf, IReadOnlyList<OnnxTensor> Outputs);

/// <summary>
/// Settles a resolved <see cref="BisectionGame"/>: re-executes the single disputed node as a one-node
/// ONNX model on its agreed inputs (unit inputs, model initializers, and outputs of earlier nodes
/// proven against a trace root) and compares the leaf with each side's claim.
/// </summary>
/// <remarks>Thread-safe. The cost is one node's execution, not the whole model.</remarks>
public sealed class NodeReferee
{
    private readonly OnnxModelRunner _runner;

    /// <summary>Creates a referee.</summary>
    /// <param name="runner">The runner; its determinism class should be the task's.</param>
    public NodeReferee(OnnxModelRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        _runner = runner;
    }

    /// <summary>Which earlier nodes' outputs the referee needs to re-execute a node.</summary>
    /// <param name="model">The model bytes.</param>
    /// <param name="nodeIndex">The disputed node.</param>
    /// <returns>The producing node indices, ascending.</returns>
    /// <exception cref="WorkloadException">The model is invalid.</exception>
    public static IReadOnlyList<int> RequiredEvidence(ReadOnlySpan<byte> model, int nodeIndex) => RefereeModel.Parse(model).RequiredEvidence(nodeIndex);

    /// <summary>Builds the evidence for one node from a trace that kept its node outputs.</summary>
    /// <param name="trace">The trace.</param>
    /// <param name="nodeIndex">The node.</param>
    /// <returns>The evidence.</returns>
    public static NodeEvidence EvidenceFrom(ExecutionTrace trace, int nodeIndex)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return new NodeEvidence(nodeIndex, trace.NodeOutputs(nodeIndex), trace.Tree.InclusionProof(nodeIndex));
    }

    /// <summary>Re-executes the disputed node and rules.</summary>
    /// <param name="model">The model bytes (agreed by content id).</param>
    /// <param name="unitInputs">The unit's input tensors (agreed by content id).</param>
    /// <param name="game">A game resolved to one node (not by forfeit).</param>
    /// <param name="minerRoot">The miner's trace root.</param>
    /// <param name="challengerRoot">The challenger's trace root.</param>
    /// <param name="evidence">Outputs of every node in <see cref="RequiredEvidence"/>.</param>
    /// <param name="cancellationToken">Cancels the re-execution.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException">Evidence is missing or does not verify against both roots.</exception>
    /// <exception cref="WorkloadException">The node cannot be re-executed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Task<RefereeDecision> DecideAsync(
        ReadOnlyMemory<byte> model, IReadOnlyList<OnnxTensor> unitInputs, BisectionGame game, Hash32 minerRoot, Hash32 challengerRoot,
        IReadOnlyList<NodeEvidence> evidence, CancellationToken cancellationToken = default)
        => DecideAsync(RefereeModel.Parse(model.Span), unitInputs, game, minerRoot, challengerRoot, evidence, cancellationToken);

    /// <summary>Re-executes the disputed node of an already parsed model and rules.</summary>
    /// <param name="model">The parsed model.</param>
    /// <param name="unitInputs">The unit's input tensors (agreed by content id).</param>
    /// <param name="game">A game resolved to one node (not by forfeit).</param>
    /// <param name="minerRoot">The miner's trace root.</param>
    /// <param name="challengerRoot">The challenger's trace root.</param>
    /// <param name="evidence">Outputs of every node in <see cref="RefereeModel.RequiredEvidence"/>.</param>
    /// <param name="cancellationToken">Cancels the re-execution.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException">Evidence is missing or does not verify.</exception>
    /// <exception cref="WorkloadException">The node cannot be re-executed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<RefereeDecision> DecideAsync(
        RefereeModel model, IReadOnlyList<OnnxTensor> unitInputs, BisectionGame game, Hash32 minerRoot, Hash32 challengerRoot,
        IReadOnlyList<NodeEvidence> evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(unitInputs);
        ArgumentNullException.ThrowIfNull(game);
        ArgumentNullException.ThrowIfNull(evidence);
        var index = game.DisputedNode;
        var proto = model.Proto;
        var graph = proto.Graph;
        var node = graph.Node[index];
        var producers = model.Producers;
        var available = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (var t in unitInputs)
        {
            available[t.Name] = t;
        }

        var needed = new HashSet<string>(node.Input.Where(n => n.Length > 0), StringComparer.Ordinal);
        foreach (var init in graph.Initializer)
        {
            if (needed.Contains(init.Name))
            {
                available[init.Name] = OnnxTensor.FromProto(init);
            }
        }

        foreach (var e in evidence)
        {
            if (e.NodeIndex >= index)
            {
                throw new ArgumentException($"Evidence for node {e.NodeIndex} is not before the disputed node {index}.", nameof(evidence));
            }

            var leaf = MerkleTree.HashLeaf(TraceNodeDigest.Compute(e.NodeIndex, graph.Node[e.NodeIndex].OpType, e.Outputs).ToArray());
            // Leaves before the disputed node are equal in both trees (the bisection proved it), so a
            // proof against either side's root establishes the agreed value.
            if (!MerkleTree.VerifyInclusion(minerRoot, game.LeafCount, e.NodeIndex, leaf, e.Proof)
                && !MerkleTree.VerifyInclusion(challengerRoot, game.LeafCount, e.NodeIndex, leaf, e.Proof))
            {
                throw new ArgumentException($"Evidence for node {e.NodeIndex} does not verify against either trace root.", nameof(evidence));
            }

            foreach (var t in e.Outputs)
            {
                available[t.Name] = t;
            }
        }

        var feeds = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (var name in node.Input.Where(n => n.Length > 0))
        {
            if (!available.TryGetValue(name, out var t))
            {
                var from = producers.TryGetValue(name, out var p) ? $"node {p}" : "nowhere";
                throw new ArgumentException($"The referee needs '{name}' (produced by {from}) to re-execute node {index}.", nameof(evidence));
            }

            feeds[name] = t;
        }

        var single = OnnxGraph.BuildSingleNodeModel(proto, index, feeds);
        var outputs = await _runner.RunUncachedAsync(single, feeds.Values.ToArray(), cancellationToken).ConfigureAwait(false);
        var recomputed = MerkleTree.HashLeaf(TraceNodeDigest.Compute(index, node.OpType, outputs).ToArray());
        var ruling = recomputed == game.MinerClaim ? RefereeRuling.MinerCorrect
            : recomputed == game.ChallengerClaim ? RefereeRuling.ChallengerCorrect
            : RefereeRuling.NeitherMatches;
        return new RefereeDecision(ruling, index, node.OpType, recomputed, outputs);
    }
}
