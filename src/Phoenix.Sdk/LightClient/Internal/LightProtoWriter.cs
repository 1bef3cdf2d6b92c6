using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Phoenix.Sdk.LightClient.Internal;

/// <summary>
/// A minimal proto3 writer for the CometBFT encodings a light client hashes and verifies (header leaves,
/// validator leaves, canonical vote sign bytes). Zero scalars and empty bytes or strings are omitted, as
/// proto3 requires; <see cref="Message"/> always writes (gogoproto non-nullable). Independent of
/// Phoenix.Node by design (the SDK must not reference it); tests cross-check it against the node's types.
/// </summary>
internal sealed class LightProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(128);

    public LightProtoWriter Varint(int field, ulong value)
    {
        if (value != 0)
        {
            Tag(field, 0);
            WriteVarint(value);
        }

        return this;
    }

    public LightProtoWriter Int64(int field, long value) => Varint(field, unchecked((ulong)value));

    public LightProtoWriter SFixed64(int field, long value)
    {
        if (value != 0)
        {
            Tag(field, 1);
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
            _buffer.Advance(8);
        }

        return this;
    }

    public LightProtoWriter Bytes(int field, ReadOnlySpan<byte> value) => value.IsEmpty ? this : Message(field, value);

    public LightProtoWriter String(int field, string value) => value.Length == 0 ? this : Message(field, Encoding.UTF8.GetBytes(value));

    public LightProtoWriter Message(int field, ReadOnlySpan<byte> encoded)
    {
        Tag(field, 2);
        WriteVarint((ulong)encoded.Length);
        _buffer.Write(encoded);
        return this;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary><c>uvarint(len) || bytes</c> (Go's <c>protoio.MarshalDelimited</c>).</summary>
    public byte[] ToDelimitedArray()
    {
        var prefix = new LightProtoWriter();
        prefix.WriteVarint((ulong)_buffer.WrittenCount);
        return [.. prefix._buffer.WrittenSpan, .. _buffer.WrittenSpan];
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
