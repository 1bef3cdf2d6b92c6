using System.Runtime.InteropServices;
using Google.Protobuf;
using Phoenix.Compute.Internal;
using Phoenix.Compute.Internal.OnnxProto;

namespace Phoenix.Compute.Onnx;

/// <summary>ONNX tensor element types (values are ONNX's <c>TensorProto.DataType</c> numbers).</summary>
public enum OnnxElementType
{
    /// <summary>IEEE-754 binary32.</summary>
    Float = 1,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,

    /// <summary>Boolean, one byte per element.</summary>
    Bool = 9,

    /// <summary>IEEE-754 binary16.</summary>
    Float16 = 10,

    /// <summary>IEEE-754 binary64.</summary>
    Double = 11,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,

    /// <summary>bfloat16.</summary>
    BFloat16 = 16,
}

/// <summary>
/// A named, dense tensor in ONNX's own format: element type, dimensions and the little-endian
/// element bytes exactly as ONNX <c>TensorProto.raw_data</c> holds them.
/// </summary>
/// <remarks>
/// <see cref="ToTensorProto"/> writes the canonical encoding Phoenix puts on chain: <c>dims</c>,
/// <c>data_type</c>, <c>name</c> and <c>raw_data</c>, nothing else. <see cref="FromTensorProto"/>
/// also accepts the typed fields (<c>float_data</c>, <c>int64_data</c>, ...) that other ONNX tools
/// write. String tensors and external data are not supported. Instances are immutable.
/// </remarks>
public sealed class OnnxTensor
{
    private readonly long[] _dimensions;

    /// <summary>Creates a tensor from raw little-endian element bytes.</summary>
    /// <param name="name">The tensor's name (the graph input or output it binds to).</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="dimensions">The shape; empty for a scalar.</param>
    /// <param name="rawData">Little-endian element bytes; its length must match the shape.</param>
    /// <exception cref="WorkloadException">The byte length does not match the shape (<see cref="WorkloadErrorCode.InvalidTensor"/>).</exception>
    public OnnxTensor(string name, OnnxElementType elementType, ReadOnlySpan<long> dimensions, ReadOnlyMemory<byte> rawData)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        ElementType = elementType;
        _dimensions = dimensions.ToArray();
        RawData = rawData;
        var size = ElementSize(elementType);
        var count = ElementCountOf(_dimensions, name);
        if (count > int.MaxValue || count * size != rawData.Length)
        {
            throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.TensorSizeMismatch(name, count, size, rawData.Length));
        }
    }

    /// <summary>The tensor's name.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>The shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Dimensions => _dimensions;

    /// <summary>The little-endian element bytes.</summary>
    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>The number of elements.</summary>
    public long ElementCount => RawData.Length / ElementSize(ElementType);

    internal long[] DimensionsArray => _dimensions;

    /// <summary>Creates a float tensor.</summary>
    /// <param name="name">The name.</param>
    /// <param name="dimensions">The shape.</param>
    /// <param name="values">The elements, row-major.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromFloats(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<float> values)
        => new(name, OnnxElementType.Float, dimensions, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Creates a 64-bit integer tensor.</summary>
    /// <param name="name">The name.</param>
    /// <param name="dimensions">The shape.</param>
    /// <param name="values">The elements, row-major.</param>
    /// <returns>The tensor.</returns>
    public static OnnxTensor FromInt64s(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<long> values)
        => new(name, OnnxElementType.Int64, dimensions, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>The elements of a float tensor.</summary>
    /// <returns>A copy of the elements.</returns>
    /// <exception cref="InvalidOperationException">The tensor is not <see cref="OnnxElementType.Float"/>.</exception>
    public float[] ToFloats() => ElementType == OnnxElementType.Float
        ? MemoryMarshal.Cast<byte, float>(RawData.Span).ToArray()
        : throw new InvalidOperationException(ExceptionMessages.WrongElementType(Name, OnnxElementType.Float, ElementType));

    /// <summary>The elements of a 64-bit integer tensor.</summary>
    /// <returns>A copy of the elements.</returns>
    /// <exception cref="InvalidOperationException">The tensor is not <see cref="OnnxElementType.Int64"/>.</exception>
    public long[] ToInt64s() => ElementType == OnnxElementType.Int64
        ? MemoryMarshal.Cast<byte, long>(RawData.Span).ToArray()
        : throw new InvalidOperationException(ExceptionMessages.WrongElementType(Name, OnnxElementType.Int64, ElementType));

    /// <summary>Returns a copy of this tensor under another name.</summary>
    /// <param name="name">The new name.</param>
    /// <returns>The renamed tensor (the bytes are shared).</returns>
    public OnnxTensor WithName(string name) => new(name, ElementType, _dimensions, RawData);

    /// <summary>Writes the canonical ONNX <c>TensorProto</c> encoding.</summary>
    /// <returns>The serialized <c>TensorProto</c>.</returns>
    public byte[] ToTensorProto() => ToProto().ToByteArray();

    /// <summary>Reads an ONNX <c>TensorProto</c>.</summary>
    /// <param name="tensorProto">The serialized <c>TensorProto</c>.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="WorkloadException">The bytes are not a supported dense tensor (<see cref="WorkloadErrorCode.InvalidTensor"/>).</exception>
    public static OnnxTensor FromTensorProto(ReadOnlySpan<byte> tensorProto)
    {
        TensorProto proto;
        try
        {
            proto = TensorProto.Parser.ParseFrom(tensorProto);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.NotATensorProto, ex);
        }

        return FromProto(proto);
    }

    internal TensorProto ToProto()
    {
        var proto = new TensorProto { DataType = (int)ElementType, Name = Name, RawData = ByteString.CopyFrom(RawData.Span) };
        proto.Dims.AddRange(_dimensions);
        return proto;
    }

    internal static OnnxTensor FromProto(TensorProto proto)
    {
        var name = proto.HasName ? proto.Name : string.Empty;
        if (!Enum.IsDefined((OnnxElementType)proto.DataType))
        {
            throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.UnsupportedElementType(name, proto.DataType));
        }

        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
        {
            throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.ExternalData(name));
        }

        var type = (OnnxElementType)proto.DataType;
        var dims = proto.Dims.ToArray();
        if (proto.HasRawData)
        {
            // A parsed ByteString owns a fresh array and never changes: share it rather than copy it.
            return new OnnxTensor(name, type, dims, proto.RawData.Memory);
        }

        return new OnnxTensor(name, type, dims, TypedFieldsToRaw(proto, type, name));
    }

    internal static int ElementSize(OnnxElementType type) => type switch
    {
        OnnxElementType.UInt8 or OnnxElementType.Int8 or OnnxElementType.Bool => 1,
        OnnxElementType.UInt16 or OnnxElementType.Int16 or OnnxElementType.Float16 or OnnxElementType.BFloat16 => 2,
        OnnxElementType.Float or OnnxElementType.Int32 or OnnxElementType.UInt32 => 4,
        OnnxElementType.Int64 or OnnxElementType.Double or OnnxElementType.UInt64 => 8,
        _ => throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.UnsupportedElementType(string.Empty, (int)type)),
    };

    private static long ElementCountOf(long[] dims, string name)
    {
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0)
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.NegativeDimension(name));
            }

            if (d != 0 && count > long.MaxValue / d)
            {
                throw new WorkloadException(WorkloadErrorCode.InvalidTensor, ExceptionMessages.TensorTooLarge(name));
            }

            count *= d;
        }

        return count;
    }

    private static byte[] TypedFieldsToRaw(TensorProto proto, OnnxElementType type, string name)
    {
        switch (type)
        {
            case OnnxElementType.Float:
                return MemoryMarshal.AsBytes(proto.FloatData.ToArray().AsSpan()).ToArray();
            case OnnxElementType.Double:
                return MemoryMarshal.AsBytes(proto.DoubleData.ToArray().AsSpan()).ToArray();
            case OnnxElementType.Int64:
                return MemoryMarshal.AsBytes(proto.Int64Data.ToArray().AsSpan()).ToArray();
            case OnnxElementType.UInt64:
                return MemoryMarshal.AsBytes(proto.Uint64Data.ToArray().AsSpan()).ToArray();
            case OnnxElementType.UInt32:
                return MemoryMarshal.AsBytes(proto.Uint64Data.Select(v => checked((uint)v)).ToArray().AsSpan()).ToArray();
            case OnnxElementType.Int32:
                return MemoryMarshal.AsBytes(proto.Int32Data.ToArray().AsSpan()).ToArray();
            default:
                // INT8, UINT8, BOOL, INT16, UINT16, FLOAT16, BFLOAT16: one int32_data entry per element,
                // holding the value (or the 16-bit pattern), narrowed to the element width.
                var size = ElementSize(type);
                var raw = new byte[proto.Int32Data.Count * size];
                for (var i = 0; i < proto.Int32Data.Count; i++)
                {
                    var v = proto.Int32Data[i];
                    raw[i * size] = (byte)v;
                    if (size == 2)
                    {
                        raw[(i * size) + 1] = (byte)(v >> 8);
                    }
                }

                _ = name;
                return raw;
        }
    }
}
