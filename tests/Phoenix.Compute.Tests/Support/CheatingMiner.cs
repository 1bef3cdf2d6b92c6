using Google.Protobuf;
using Phoenix.Compute.Commitments;
using Phoenix.Compute.Internal;
using Phoenix.Compute.Internal.OnnxProto;
using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Support;

/// <summary>
/// A scripted dishonest miner: it perturbs the first output of one graph node by adding a small delta,
/// lets every later node compute honestly from the perturbed value, and commits the resulting trace
/// over the original graph's nodes (so its trace has the same shape as an honest one).
/// </summary>
internal static class CheatingMiner
{
    public static async Task<ExecutionTrace> TraceAsync(OnnxModelRunner runner, byte[] model, IReadOnlyList<OnnxTensor> inputs, int perturbedNode, float delta)
    {
        var proto = OnnxGraph.Parse(model);
        var nodes = proto.Graph.Node;
        var target = nodes[perturbedNode];
        var perturbedName = target.Output[0];
        var tampered = proto.Clone();
        var raw = perturbedName + "__honest";
        tampered.Graph.Node[perturbedNode].Output[0] = raw;
        tampered.Graph.Initializer.Add(OnnxTensor.FromFloats(perturbedName + "__delta", [], [delta]).ToProto());
        var add = new NodeProto { OpType = "Add", Name = "cheat" };
        add.Input.AddRange([raw, perturbedName + "__delta"]);
        add.Output.Add(perturbedName);
        tampered.Graph.Node.Insert(perturbedNode + 1, add);
        var bytes = tampered.ToByteArray();

        var run = await runner.RunTracedAsync(Hash32.Sha256(bytes), _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(bytes), inputs, keepNodeOutputs: true);

        var digests = new Hash32[nodes.Count];
        var outputs = new IReadOnlyList<OnnxTensor>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            IReadOnlyList<OnnxTensor> nodeOutputs;
            if (i < perturbedNode)
            {
                nodeOutputs = run.Trace.NodeOutputs(i);
            }
            else if (i == perturbedNode)
            {
                // The committed outputs of the perturbed node: the perturbed first output, the rest as computed.
                var honest = run.Trace.NodeOutputs(i);
                var perturbed = run.Trace.NodeOutputs(i + 1)[0];
                nodeOutputs = [perturbed, .. honest.Skip(1)];
            }
            else
            {
                nodeOutputs = run.Trace.NodeOutputs(i + 1);
            }

            outputs[i] = nodeOutputs;
            digests[i] = TraceNodeDigest.Compute(i, nodes[i].OpType, nodeOutputs);
        }

        return new ExecutionTrace(nodes.Select(n => n.OpType).ToArray(), digests, outputs);
    }

    /// <summary>Indices of nodes whose first output is a float tensor (so a float delta can be added).</summary>
    public static IReadOnlyList<int> FloatNodes(ExecutionTrace honest)
        => Enumerable.Range(0, honest.NodeDigests.Count)
            .Where(i => honest.NodeOutputs(i).Count > 0 && honest.NodeOutputs(i)[0].ElementType == OnnxElementType.Float && honest.NodeOutputs(i)[0].ElementCount > 0)
            .ToArray();
}
