using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Phoenix.Node.Consensus.Internal;

/// <summary>
/// A tiny proto3 writer for the consensus-critical encodings that must match CometBFT byte for
/// byte (canonical sign bytes, header leaves, commit signatures). Zero scalars and empty bytes or
/// strings are omitted, as proto3 requires, unless a method says otherwise.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(128);

    public ProtoWriter Varint(int field, ulong value)
    {
        if (value != 0)
        {
            Tag(field, 0);
            WriteVarint(value);
        }

        return this;
    }

    public ProtoWriter Int64(int field, long value) => Varint(field, unchecked((ulong)value));

    public ProtoWriter SFixed64(int field, long value)
    {
        if (value != 0)
        {
            Tag(field, 1);
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
            _buffer.Advance(8);
        }

        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value) => value.IsEmpty ? this : Message(field, value);

    public ProtoWriter String(int field, string value)
        => value.Length == 0 ? this : Message(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes an embedded message, always (gogoproto non-nullable semantics), even when empty.</summary>
    public ProtoWriter Message(int field, ReadOnlySpan<byte> encoded)
    {
        Tag(field, 2);
        WriteVarint((ulong)encoded.Length);
        _buffer.Write(encoded);
        return this;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Returns <c>uvarint(len) || bytes</c> (Go's <c>protoio.MarshalDelimited</c>).</summary>
    public byte[] ToDelimitedArray()
    {
        var body = _buffer.WrittenSpan;
        var prefix = new ProtoWriter();
        prefix.WriteVarint((ulong)body.Length);
        var p = prefix._buffer.WrittenSpan;
        var result = new byte[p.Length + body.Length];
        p.CopyTo(result);
        body.CopyTo(result.AsSpan(p.Length));
        return result;
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
    }
}
