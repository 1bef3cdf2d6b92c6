using FsCheck.Xunit;
using Google.Protobuf;
using Phoenix.Compute.Internal.OnnxProto;
using Phoenix.Compute.Onnx;

namespace Phoenix.Compute.Tests.Onnx;

public class OnnxTensorTests
{
    [Fact]
    public void ToTensorProto_SmallFloatTensor_MatchesProtobufGoldenBytes()
    {
        // dims=[2] (field 1 varint), data_type=FLOAT (field 2), name="x" (field 8), raw_data (field 9):
        // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0, little-endian.
        var tensor = OnnxTensor.FromFloats("x", [2], [1.0f, -2.0f]);

        var bytes = tensor.ToTensorProto();

        Assert.Equal("080210014201784a080000803f000000c0", Convert.ToHexString(bytes).ToLowerInvariant());
    }

    [Property(MaxTest = 100)]
    public bool FromTensorProto_RoundTrip_PreservesEveryBit(float[] values, bool twoDims)
    {
        long[] dims = twoDims && values.Length % 2 == 0 && values.Length > 0 ? [2, values.Length / 2] : [values.Length];
        var tensor = OnnxTensor.FromFloats("t", dims, values);

        var back = OnnxTensor.FromTensorProto(tensor.ToTensorProto());

        return back.Name == "t" && back.Dimensions.SequenceEqual(dims)
            && back.RawData.Span.SequenceEqual(tensor.RawData.Span);
    }

    [Fact]
    public void FromTensorProto_TypedFloatData_EqualsRawEncoding()
    {
        var proto = new TensorProto { DataType = 1, Name = "f" };
        proto.Dims.Add(3);
        proto.FloatData.AddRange([1.5f, float.NaN, float.NegativeInfinity]);

        var tensor = OnnxTensor.FromTensorProto(proto.ToByteArray());

        Assert.Equal(OnnxTensor.FromFloats("f", [3], [1.5f, float.NaN, float.NegativeInfinity]).RawData.ToArray(), tensor.RawData.ToArray());
    }

    [Fact]
    public void FromTensorProto_TypedInt32DataForFloat16_NarrowsToBitPatterns()
    {
        var proto = new TensorProto { DataType = 10, Name = "h" };
        proto.Dims.Add(2);
        proto.Int32Data.AddRange([BitConverter.HalfToUInt16Bits((Half)1.0f), BitConverter.HalfToUInt16Bits((Half)(-0.5f))]);

        var tensor = OnnxTensor.FromTensorProto(proto.ToByteArray());

        Assert.Equal(OnnxElementType.Float16, tensor.ElementType);
        Assert.Equal((Half)1.0f, BitConverter.ToHalf(tensor.RawData.Span[..2]));
        Assert.Equal((Half)(-0.5f), BitConverter.ToHalf(tensor.RawData.Span[2..4]));
    }

    [Fact]
    public void FromTensorProto_Garbage_ThrowsInvalidTensor()
    {
        var ex = Assert.Throws<WorkloadException>(() => OnnxTensor.FromTensorProto([0xff, 0xff, 0xff, 0xff, 0x0f]));
        Assert.Equal(WorkloadErrorCode.InvalidTensor, ex.Code);
    }

    [Fact]
    public void FromTensorProto_StringTensor_ThrowsInvalidTensor()
    {
        var proto = new TensorProto { DataType = 8, Name = "s" };
        proto.Dims.Add(1);
        proto.StringData.Add(ByteString.CopyFromUtf8("hello"));

        var ex = Assert.Throws<WorkloadException>(() => OnnxTensor.FromTensorProto(proto.ToByteArray()));
        Assert.Equal(WorkloadErrorCode.InvalidTensor, ex.Code);
    }

    [Fact]
    public void Constructor_ByteCountDoesNotMatchShape_ThrowsInvalidTensor()
    {
        var ex = Assert.Throws<WorkloadException>(() => new OnnxTensor("x", OnnxElementType.Float, [2, 2], new byte[12]));
        Assert.Equal(WorkloadErrorCode.InvalidTensor, ex.Code);
    }
}

public class OnnxUnitFormatTests
{
    [Fact]
    public void Decode_EncodedTensors_ReturnsThemInOrder()
    {
        var a = OnnxTensor.FromInt64s("input_ids", [1, 3], [101, 7592, 102]);
        var b = OnnxTensor.FromFloats("scale", [], [0.5f]);

        var back = OnnxUnitFormat.Decode(OnnxUnitFormat.Encode([a, b]));

        Assert.Equal(["input_ids", "scale"], back.Select(t => t.Name));
        Assert.Equal(new long[] { 101, 7592, 102 }, back[0].ToInt64s());
        Assert.Empty(back[1].Dimensions);
        Assert.Equal([0.5f], back[1].ToFloats());
    }

    [Fact]
    public void Encode_DuplicateNames_ThrowsInvalidTensor()
    {
        var a = OnnxTensor.FromFloats("x", [1], [1f]);

        var ex = Assert.Throws<WorkloadException>(() => OnnxUnitFormat.Encode([a, a]));
        Assert.Equal(WorkloadErrorCode.InvalidTensor, ex.Code);
    }

    [Fact]
    public void Decode_TensorProtoInsteadOfSequence_ThrowsInvalidTensor()
    {
        var notASequence = OnnxTensor.FromFloats("x", [1], [1f]).ToTensorProto();

        var ex = Assert.Throws<WorkloadException>(() => OnnxUnitFormat.Decode(notASequence));
        Assert.Equal(WorkloadErrorCode.InvalidTensor, ex.Code);
    }

    [Theory]
    [InlineData("1a05")]             // tensor_values whose length runs past the end
    [InlineData("1a")]               // tag without its length
    [InlineData("10")]               // elem_type tag without its varint
    [InlineData("20ff")]             // unknown field 4
    [InlineData("1201")]             // elem_type with the length-delimited wire type
    [InlineData("0801")]             // field 1 (name) with the varint wire type
    [InlineData("10ffffffffffffffffffff01")] // a varint longer than ten bytes
    public void Decode_MalformedTopLevelFields_ThrowsInvalidTensor(string hex)
    {
        var ex = Assert.Throws<WorkloadException>(() => OnnxUnitFormat.Decode(Convert.FromHexString(hex)));
        Assert.Equal(WorkloadErrorCode.InvalidTensor, ex.Code);
    }

    [Fact]
    public void Decode_BlobOverwrittenAfterwards_DecodedTensorsKeepTheirValues()
    {
        var blob = OnnxUnitFormat.Encode([OnnxTensor.FromFloats("x", [3], [1f, 2f, 3f])]);

        var decoded = OnnxUnitFormat.Decode(blob);
        Array.Fill(blob, (byte)0xAB);

        Assert.Equal([1f, 2f, 3f], decoded[0].ToFloats());
    }
}
