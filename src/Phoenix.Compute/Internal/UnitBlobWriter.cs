using System.Text;
using Phoenix.Compute.Onnx;

namespace Phoenix.Compute.Internal;

/// <summary>
/// Writes the canonical <see cref="OnnxUnitFormat"/> blob straight from tensor bytes (for example ONNX
/// Runtime's own output buffers), in one exactly sized array: no intermediate <c>TensorProto</c> or
/// <c>ByteString</c> copies.
/// </summary>
/// <remarks>
/// The bytes are those Google.Protobuf writes for <see cref="OnnxUnitFormat.Encode"/>: a <c>SequenceProto</c>
/// with <c>elem_type = 1</c> (field 2) and one <c>tensor_values</c> entry (field 3) per tensor, each a
/// <c>TensorProto</c> with unpacked <c>dims</c> (field 1, proto2), <c>data_type</c> (2), <c>name</c> (8) and
/// <c>raw_data</c> (9), in field-number order. Tests compare the two encoders byte for byte.
/// Usage: <see cref="Add"/> every tensor's header (sizes), <see cref="Allocate"/>, then <see cref="Write"/> each
/// tensor in the same order.
/// </remarks>
internal sealed class UnitBlobWriter
{
    private const byte ElemTypeTag = (2 << 3) | 0;
    private const byte TensorValuesTag = (3 << 3) | 2;
    private const byte DimsTag = (1 << 3) | 0;
    private const byte DataTypeTag = (2 << 3) | 0;
    private const byte NameTag = (8 << 3) | 2;
    private const byte RawDataTag = (9 << 3) | 2;
    private const int TensorElemType = 1;

    private readonly List<byte[]> _names = [];
    private readonly List<int> _tensorSizes = [];
    private byte[]? _blob;
    private int _position;
    private int _written;

    /// <summary>Registers one tensor, in blob order.</summary>
    public void Add(string name, OnnxElementType type, long[] dims, int rawLength)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        _names.Add(nameBytes);
        var size = 0;
        foreach (var d in dims)
        {
            size += 1 + VarintSize((ulong)d);
        }

        size += 1 + VarintSize((ulong)(long)(int)type) + 1 + VarintSize((ulong)nameBytes.Length) + nameBytes.Length + 1 + VarintSize((ulong)rawLength) + rawLength;
        _tensorSizes.Add(size);
    }

    /// <summary>Allocates the blob once every tensor is registered.</summary>
    public void Allocate()
    {
        long total = 2;
        foreach (var s in _tensorSizes)
        {
            total += 1 + VarintSize((ulong)s) + s;
        }

        _blob = new byte[checked((int)total)];
        _blob[0] = ElemTypeTag;
        _blob[1] = TensorElemType;
        _position = 2;
    }

    /// <summary>Writes the next tensor (same order as <see cref="Add"/>).</summary>
    public void Write(OnnxElementType type, long[] dims, ReadOnlySpan<byte> raw)
    {
        var blob = _blob ?? throw new InvalidOperationException("Allocate first.");
        var i = _written++;
        var expected = _tensorSizes[i];
        blob[_position++] = TensorValuesTag;
        WriteVarint(blob, (ulong)expected);
        var start = _position;
        foreach (var d in dims)
        {
            blob[_position++] = DimsTag;
            WriteVarint(blob, (ulong)d);
        }

        // data_type is an int32: Google.Protobuf writes it as a sign-extended varint.
        blob[_position++] = DataTypeTag;
        WriteVarint(blob, (ulong)(long)(int)type);
        blob[_position++] = NameTag;
        WriteVarint(blob, (ulong)_names[i].Length);
        _names[i].CopyTo(blob.AsSpan(_position));
        _position += _names[i].Length;
        blob[_position++] = RawDataTag;
        WriteVarint(blob, (ulong)raw.Length);
        raw.CopyTo(blob.AsSpan(_position));
        _position += raw.Length;
        if (_position - start != expected)
        {
            throw new InvalidOperationException("A tensor was written with other sizes than it was added with.");
        }
    }

    /// <summary>The finished blob.</summary>
    public byte[] ToArray()
    {
        var blob = _blob ?? throw new InvalidOperationException("Allocate first.");
        return _written == _tensorSizes.Count && _position == blob.Length
            ? blob
            : throw new InvalidOperationException("Not every tensor was written.");
    }

    private static int VarintSize(ulong v)
    {
        var n = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            n++;
        }

        return n;
    }

    private void WriteVarint(byte[] blob, ulong v)
    {
        while (v >= 0x80)
        {
            blob[_position++] = (byte)(v | 0x80);
            v >>= 7;
        }

        blob[_position++] = (byte)v;
    }
}
