using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Commitments;

/// <summary>
/// The execution trace of one model run: the digest of every graph node's outputs in topological
/// (<c>graph.node</c>) order and the RFC 6962 Merkle tree over them. Its <see cref="Root"/> is the
/// trace root a miner submits with a result.
/// </summary>
public sealed class ExecutionTrace
{
    private readonly Hash32[] _digests;
    private readonly IReadOnlyList<OnnxTensor>[]? _nodeOutputs;

    internal ExecutionTrace(IReadOnlyList<string> opTypes, Hash32[] digests, IReadOnlyList<OnnxTensor>[]? nodeOutputs)
    {
        OpTypes = opTypes;
        _digests = digests;
        _nodeOutputs = nodeOutputs;
        Tree = new MerkleTree(digests.Select(d => MerkleTree.HashLeaf(d.ToArray())));
    }

    /// <summary>Each node's operator type, in trace order.</summary>
    public IReadOnlyList<string> OpTypes { get; }

    /// <summary>Each node's output digest (<see cref="TraceNodeDigest"/>), in trace order.</summary>
    public IReadOnlyList<Hash32> NodeDigests => _digests;

    /// <summary>The Merkle tree over the node digests.</summary>
    public MerkleTree Tree { get; }

    /// <summary>The trace root.</summary>
    public Hash32 Root => Tree.Root;

    /// <summary>Whether the node output tensors were kept (needed to answer a dispute).</summary>
    public bool HasNodeOutputs => _nodeOutputs is not null;

    /// <summary>The outputs of one node, when they were kept.</summary>
    /// <param name="nodeIndex">The node index.</param>
    /// <returns>The node's non-empty outputs, in NodeProto order.</returns>
    /// <exception cref="InvalidOperationException">The run did not keep node outputs.</exception>
    public IReadOnlyList<OnnxTensor> NodeOutputs(int nodeIndex)
        => _nodeOutputs is null ? throw new InvalidOperationException("This trace was computed without keeping node outputs.") : _nodeOutputs[nodeIndex];
}
