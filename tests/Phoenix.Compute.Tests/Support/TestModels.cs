using Google.Protobuf;
using Phoenix.Compute.Internal.OnnxProto;
using Phoenix.Compute.Onnx;

namespace Phoenix.Compute.Tests.Support;

/// <summary>Small ONNX models built in code.</summary>
internal static class TestModels
{
    public static readonly float[] W1 = [0.5f, -1f, 0.25f, 2f, 0.75f, -0.5f, -1.5f, 1f, 0.125f, 0.5f, -0.25f, 1.5f];
    public static readonly float[] B1 = [0.1f, -0.2f, 0.3f];
    public static readonly float[] W2 = [1f, -1f, 0.5f, 2f, -0.75f, 0.25f];
    public static readonly float[] B2 = [0.05f, -0.05f];

    /// <summary>Y = Relu(X·W1 + B1)·W2 + B2, X [1,4] → Y [1,2]; five nodes.</summary>
    public static byte[] Mlp() => Model(
        [
            Node("MatMul", ["X", "W1"], ["h1"]),
            Node("Add", ["h1", "B1"], ["h2"]),
            Node("Relu", ["h2"], ["h3"]),
            Node("MatMul", ["h3", "W2"], ["h4"]),
            Node("Add", ["h4", "B2"], ["Y"]),
        ],
        [Input("X", 1, [1, 4])],
        ["Y"],
        [Init("W1", [4, 3], W1), Init("B1", [3], B1), Init("W2", [3, 2], W2), Init("B2", [2], B2)]);

    /// <summary>The MLP computed independently in double precision, rounded per op like float32 would be.</summary>
    public static float[] MlpReference(float[] x)
    {
        var h = new float[3];
        for (var j = 0; j < 3; j++)
        {
            float s = 0;
            for (var i = 0; i < 4; i++)
            {
                s += x[i] * W1[(i * 3) + j];
            }

            h[j] = Math.Max(0, s + B1[j]);
        }

        var y = new float[2];
        for (var j = 0; j < 2; j++)
        {
            float s = 0;
            for (var i = 0; i < 3; i++)
            {
                s += h[i] * W2[(i * 2) + j];
            }

            y[j] = s + B2[j];
        }

        return y;
    }

    /// <summary>Eight chained 512×512 MatMuls (about 2 GFLOP): long enough to be terminated by a 1 ms limit.</summary>
    public static byte[] SlowMatMulChain()
    {
        const int n = 512;
        var w = new float[n * n];
        for (var i = 0; i < n; i++)
        {
            w[(i * n) + i] = 1f;
        }

        var nodes = Enumerable.Range(0, 8).Select(i => Node("MatMul", [i == 0 ? "X" : $"m{i - 1}", "W"], [i == 7 ? "Y" : $"m{i}"])).ToArray();
        return Model(nodes, [Input("X", 1, [n, n])], ["Y"], [Init("W", [n, n], w)]);
    }

    public static byte[] UnknownOperator() => Model([Node("FrobnicateTensor", ["X"], ["Y"])], [Input("X", 1, [1, 4])], ["Y"], []);

    public static byte[] FutureOpset() => Model([Node("Relu", ["X"], ["Y"])], [Input("X", 1, [1, 4])], ["Y"], [], opset: 99);

    public static NodeProto Node(string op, string[] inputs, string[] outputs)
    {
        var n = new NodeProto { OpType = op, Name = $"{op}_{outputs[0]}" };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        return n;
    }

    public static ValueInfoProto Input(string name, int elemType, long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }

    public static TensorProto Init(string name, long[] dims, float[] values) => OnnxTensor.FromFloats(name, dims, values).ToProto();

    public static byte[] Model(NodeProto[] nodes, ValueInfoProto[] inputs, string[] outputs, TensorProto[] initializers, int opset = 13)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs.Select(o => new ValueInfoProto { Name = o, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } }));
        graph.Initializer.AddRange(initializers);
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "phoenix-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        return model.ToByteArray();
    }
}
