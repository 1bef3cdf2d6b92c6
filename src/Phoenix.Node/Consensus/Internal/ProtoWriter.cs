using Google.Protobuf;

namespace Phoenix.Node.Consensus.Internal;

/// <summary>
/// A tiny proto3 writer for the consensus-critical encodings that must match CometBFT byte for
/// byte (canonical sign bytes, header leaves, commit signatures). Zero scalars and empty bytes or
/// strings are omitted, as proto3 requires, unless a method says otherwise.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Wraps a MemoryStream, which holds no unmanaged resources.")]
internal sealed class ProtoWriter
{
    private readonly MemoryStream _stream = new();
    private readonly CodedOutputStream _out;

    public ProtoWriter() => _out = new CodedOutputStream(_stream, leaveOpen: true);

    public ProtoWriter Varint(int field, ulong value)
    {
        if (value != 0)
        {
            _out.WriteTag(field, WireFormat.WireType.Varint);
            _out.WriteUInt64(value);
        }

        return this;
    }

    public ProtoWriter Int64(int field, long value)
    {
        if (value != 0)
        {
            _out.WriteTag(field, WireFormat.WireType.Varint);
            _out.WriteInt64(value);
        }

        return this;
    }

    public ProtoWriter SFixed64(int field, long value)
    {
        if (value != 0)
        {
            _out.WriteTag(field, WireFormat.WireType.Fixed64);
            _out.WriteSFixed64(value);
        }

        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty)
        {
            _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _out.WriteBytes(ByteString.CopyFrom(value));
        }

        return this;
    }

    public ProtoWriter String(int field, string value)
    {
        if (value.Length != 0)
        {
            _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _out.WriteString(value);
        }

        return this;
    }

    /// <summary>Writes an embedded message, always (gogoproto non-nullable semantics), even when empty.</summary>
    public ProtoWriter Message(int field, ReadOnlySpan<byte> encoded)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteBytes(ByteString.CopyFrom(encoded));
        return this;
    }

    public byte[] ToArray()
    {
        _out.Flush();
        return _stream.ToArray();
    }

    /// <summary>Returns <c>uvarint(len) || bytes</c> (Go's <c>protoio.MarshalDelimited</c>).</summary>
    public byte[] ToDelimitedArray()
    {
        var body = ToArray();
        var prefix = CodedOutputStream.ComputeLengthSize(body.Length);
        var result = new byte[prefix + body.Length];
        var o = new CodedOutputStream(result);
        o.WriteLength(body.Length);
        o.Flush();
        body.CopyTo(result.AsSpan(prefix));
        return result;
    }
}
