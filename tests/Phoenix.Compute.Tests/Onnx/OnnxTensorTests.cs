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
    public void Constructor_ElementCountOverflows_ThrowsInvalidTensorNotOverflow()
    {
        var overflow = Assert.Throws<WorkloadException>(() => new OnnxTensor("big", OnnxElementType.Float, [1L << 62, 4], new byte[4]));
        var wrapsToZeroBytes = Assert.Throws<WorkloadException>(() => new OnnxTensor("big", OnnxElementType.Float, [1L << 62], ReadOnlyMemory<byte>.Empty));

        Assert.Equal(WorkloadErrorCode.InvalidTensor, overflow.Code);
        Assert.Equal(WorkloadErrorCode.InvalidTensor, wrapsToZeroBytes.Code);
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

    [Fact]
    public void DecodeShared_CanonicalBlob_GivesDecodesTensorsOverTheBlobsOwnBytes()
    {
        var blob = OnnxUnitFormat.Encode([
            OnnxTensor.FromInt64s("input_ids", [1, 3], [101, 7592, 102]),
            OnnxTensor.FromFloats("scale", [], [0.5f]),
            OnnxTensor.FromFloats("empty", [2, 0], []),
            OnnxTensor.FromFloats("image", [1, 3, 200, 200], Enumerable.Range(0, 120_000).Select(i => i * 0.25f).ToArray()),
        ]);

        var shared = OnnxUnitFormat.DecodeShared(blob);
        var copied = OnnxUnitFormat.Decode(blob);

        Assert.Equal(copied.Select(t => (t.Name, t.ElementType, string.Join(",", t.Dimensions))), shared.Select(t => (t.Name, t.ElementType, string.Join(",", t.Dimensions))));
        for (var i = 0; i < copied.Count; i++)
        {
            Assert.True(copied[i].RawData.Span.SequenceEqual(shared[i].RawData.Span));
        }

        // No copy: the large tensor's bytes are the blob's own, so writing the blob shows through.
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(shared[3].RawData, out var segment));
        Assert.Same(blob, segment.Array);
        blob[segment.Offset] ^= 0xFF;
        Assert.NotEqual(copied[3].RawData.Span[0], shared[3].RawData.Span[0]);
    }

    [Fact]
    public void DecodeShared_TypedFields_FallBackToTheFullDecoder()
    {
        var typed = new TensorProto { DataType = 1, Name = "f" };
        typed.Dims.Add(3);
        typed.FloatData.AddRange([1.5f, float.NaN, float.NegativeInfinity]);
        var sequence = new SequenceProto { ElemType = 1 };
        sequence.TensorValues.Add(typed);
        var blob = sequence.ToByteArray();

        var shared = Assert.Single(OnnxUnitFormat.DecodeShared(blob));

        Assert.Equal(OnnxUnitFormat.Decode(blob)[0].RawData.ToArray(), shared.RawData.ToArray());
        Assert.Equal([1.5f, float.NaN, float.NegativeInfinity], shared.ToFloats());
    }

    [Theory]
    [InlineData("1a05")]                                  // tensor_values whose length runs past the end
    [InlineData("20ff")]                                  // unknown top-level field
    [InlineData("1001")]                                  // elem_type only: an empty unit
    [InlineData("10011a0d080110014201784a040000803f")]    // one canonical tensor
    [InlineData("1002")]                                  // elem_type other than TENSOR
    [InlineData("10011a0708021001420178")]                // a tensor with shape [2] of float but no raw_data
    [InlineData("10011a0d080210014201784a0400000000")]   // shape [2] of float with 4 data bytes
    [InlineData("10011a0c0801100142004a0400000000")]     // an unnamed tensor
    [InlineData("10011a0d0801100142017a4a04000000001a0d0801100142017a4a0400000000")] // two tensors named 'z'
    [InlineData("10011a0d080110634201784a0400000000")]   // data_type 99
    [InlineData("10011a0d080110014201c34a0400000000")]    // a name that is not UTF-8
    [InlineData("10011a1708808080808080808040080410014201784a0400000000")] // shape [2^62, 4]: the element count overflows
    public void DecodeShared_AnyBlob_AcceptsAndRejectsExactlyAsDecode(string hex)
    {
        var blob = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

        var expected = Record.Exception(() => OnnxUnitFormat.Decode(blob));
        var actual = Record.Exception(() => OnnxUnitFormat.DecodeShared(blob));

        if (expected is null)
        {
            Assert.Null(actual);
            Assert.Equal(OnnxUnitFormat.Decode(blob).Select(t => t.Name), OnnxUnitFormat.DecodeShared(blob).Select(t => t.Name));
        }
        else
        {
            var e = Assert.IsType<WorkloadException>(expected);
            var a = Assert.IsType<WorkloadException>(actual);
            Assert.Equal(e.Code, a.Code);
            Assert.Equal(e.Message, a.Message);
        }
    }
}
