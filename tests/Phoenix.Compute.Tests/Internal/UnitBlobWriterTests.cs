using Phoenix.Compute.Internal;
using Phoenix.Compute.Onnx;

namespace Phoenix.Compute.Tests.Internal;

public class UnitBlobWriterTests
{
    private static byte[] Write(IReadOnlyList<OnnxTensor> tensors)
    {
        var writer = new UnitBlobWriter();
        foreach (var t in tensors)
        {
            writer.Add(t.Name, t.ElementType, [.. t.Dimensions], t.RawData.Length);
        }

        writer.Allocate();
        foreach (var t in tensors)
        {
            writer.Write(t.ElementType, [.. t.Dimensions], t.RawData.Span);
        }

        return writer.ToArray();
    }

    public static TheoryData<string> Cases() => ["scalar", "empty", "wide", "unicode", "many", "float16", "bool", "large"];

    private static OnnxTensor[] Tensors(string kind)
    {
        var seed = kind.Length * 7919;
        byte[] Bytes(int n)
        {
            var b = new byte[n];
            for (var i = 0; i < n; i++)
            {
                b[i] = (byte)((i * 31) + seed++);
            }

            return b;
        }

        return kind switch
        {
            "scalar" => [new OnnxTensor("y", OnnxElementType.Float, [], Bytes(4))],
            "empty" => [new OnnxTensor("nothing", OnnxElementType.Int64, [3, 0, 2], Array.Empty<byte>())],

            // Dimensions whose varints take 1, 2 and 3 bytes.
            "wide" => [new OnnxTensor("w", OnnxElementType.UInt8, [1, 130, 20000], Bytes(130 * 20000))],
            "unicode" => [new OnnxTensor("ausgabe_ü_出力", OnnxElementType.Int32, [2, 2], Bytes(16))],
            "many" => [.. Enumerable.Range(0, 40).Select(i => new OnnxTensor($"out{i}", OnnxElementType.Double, [1, i % 5], Bytes(8 * (i % 5))))],
            "float16" => [new OnnxTensor("h", OnnxElementType.Float16, [4, 4], Bytes(32)), new OnnxTensor("b", OnnxElementType.BFloat16, [3], Bytes(6))],
            "bool" => [new OnnxTensor("mask", OnnxElementType.Bool, [7], Bytes(7)), new OnnxTensor("u64", OnnxElementType.UInt64, [2], Bytes(16))],

            // A raw_data length prefix of four varint bytes (over 2 MiB).
            "large" => [new OnnxTensor("big", OnnxElementType.Float, [1, 600_000], Bytes(2_400_000))],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_AnyTensors_IsByteIdenticalToOnnxUnitFormatEncode(string kind)
    {
        var tensors = Tensors(kind);

        var fast = Write(tensors);

        Assert.Equal(OnnxUnitFormat.Encode(tensors), fast);
        var decoded = OnnxUnitFormat.Decode(fast);
        Assert.Equal(tensors.Select(t => t.Name), decoded.Select(t => t.Name));
        Assert.All(tensors.Zip(decoded), p => Assert.True(p.First.RawData.Span.SequenceEqual(p.Second.RawData.Span)));
    }

    [Fact]
    public void Write_BytesOfAnotherLengthThanAdded_Throws()
    {
        var writer = new UnitBlobWriter();
        writer.Add("x", OnnxElementType.Float, [2], 8);
        writer.Allocate();

        Assert.Throws<InvalidOperationException>(() => writer.Write(OnnxElementType.Float, [2], new byte[4]));
    }

    [Fact]
    public void ToArray_BeforeEveryTensorIsWritten_Throws()
    {
        var writer = new UnitBlobWriter();
        writer.Add("x", OnnxElementType.Float, [1], 4);
        writer.Add("y", OnnxElementType.Float, [1], 4);
        writer.Allocate();
        writer.Write(OnnxElementType.Float, [1], new byte[4]);

        Assert.Throws<InvalidOperationException>(() => writer.ToArray());
    }
}
