using Google.Protobuf;
using Phoenix.Compute.Internal.OnnxProto;
using Phoenix.Compute.Onnx;

namespace Phoenix.Compute.Internal;

/// <summary>One traced node: its index, operator and non-empty output names.</summary>
internal sealed record TraceNode(int Index, string OpType, string[] Outputs);

/// <summary>Reads and rewrites ONNX models through the onnx.proto subset.</summary>
internal static class OnnxGraph
{
    public static ModelProto Parse(ReadOnlySpan<byte> model)
    {
        try
        {
            var proto = ModelProto.Parser.ParseFrom(model);
            if (proto.Graph is null)
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidModel, ExceptionMessages.NotAModel);
            }

            return proto;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new WorkloadException(WorkloadErrorCode.InvalidModel, ExceptionMessages.NotAModel, ex);
        }
    }

    public static TraceNode[] Layout(ModelProto model)
    {
        var nodes = model.Graph.Node;
        if (nodes.Count == 0)
        {
            throw new WorkloadException(WorkloadErrorCode.NotTraceable, ExceptionMessages.NotTraceable("the graph has no nodes"));
        }

        var layout = new TraceNode[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            layout[i] = new TraceNode(i, nodes[i].OpType, nodes[i].Output.Where(o => o.Length > 0).ToArray());
        }

        return layout;
    }

    /// <summary>Adds every node output as a graph output (original outputs first, then node order).</summary>
    public static byte[] BuildTracedModel(ModelProto model, IReadOnlyList<TraceNode> layout)
    {
        var traced = model.Clone();
        var existing = new HashSet<string>(traced.Graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        foreach (var node in layout)
        {
            foreach (var output in node.Outputs)
            {
                if (existing.Add(output))
                {
                    traced.Graph.Output.Add(new ValueInfoProto { Name = output });
                }
            }
        }

        return traced.ToByteArray();
    }

    /// <summary>Builds a model holding only node <paramref name="nodeIndex"/>, its inputs fed as graph inputs.</summary>
    public static byte[] BuildSingleNodeModel(ModelProto model, int nodeIndex, IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        var node = model.Graph.Node[nodeIndex];
        if (node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))
        {
            throw new WorkloadException(WorkloadErrorCode.NotTraceable, ExceptionMessages.NotTraceable("the disputed node has a subgraph"));
        }

        var graph = new GraphProto { Name = "phoenix_referee_node" };
        graph.Node.Add(node.Clone());
        foreach (var name in node.Input.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal))
        {
            var t = inputs[name];
            var shape = new TensorShapeProto();
            shape.Dim.AddRange(t.Dimensions.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
            graph.Input.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)t.ElementType, Shape = shape } },
            });
        }

        foreach (var output in node.Output.Where(o => o.Length > 0))
        {
            graph.Output.Add(new ValueInfoProto { Name = output });
        }

        var single = new ModelProto { IrVersion = model.IrVersion, Graph = graph, ProducerName = "phoenix-referee" };
        single.OpsetImport.AddRange(model.OpsetImport.Select(o => o.Clone()));
        return single.ToByteArray();
    }
}
