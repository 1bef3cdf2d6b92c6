using System.Buffers;
using Google.Protobuf;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>Outcome of trying to read one frame from a buffer.</summary>
internal enum FrameReadStatus
{
    /// <summary>More bytes are needed.</summary>
    Incomplete,

    /// <summary>A whole frame was read.</summary>
    Complete,

    /// <summary>The declared length exceeds the maximum frame size.</summary>
    Oversized,

    /// <summary>The length prefix is not a valid unsigned varint (more than 10 bytes or overflow).</summary>
    Malformed,
}

/// <summary>
/// CometBFT's ABCI socket framing: every message is <c>uvarint(len(payload)) || payload</c>
/// (unsigned LEB128, Go <c>binary.PutUvarint</c>), the payload being a protobuf
/// <c>Request</c> or <c>Response</c>.
/// </summary>
internal static class AbciFraming
{
    /// <summary>Maximum bytes of a uvarint encoding of a 64-bit value.</summary>
    public const int MaxVarintBytes = 10;

    /// <summary>Reads one frame from the start of <paramref name="buffer"/>; on success slices it off.</summary>
    public static FrameReadStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, long maxFrameBytes, out ReadOnlySequence<byte> payload, out ulong declaredLength)
    {
        payload = default;
        declaredLength = 0;
        var reader = new SequenceReader<byte>(buffer);
        var shift = 0;
        for (var i = 0; ; i++)
        {
            if (!reader.TryRead(out var b))
            {
                return FrameReadStatus.Incomplete;
            }

            if (i == MaxVarintBytes - 1 && b > 1)
            {
                return FrameReadStatus.Malformed; // overflows 64 bits (Go: "varint overflows a 64-bit integer")
            }

            declaredLength |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }

            shift += 7;
        }

        if (declaredLength > (ulong)maxFrameBytes)
        {
            return FrameReadStatus.Oversized;
        }

        if (reader.Remaining < (long)declaredLength)
        {
            return FrameReadStatus.Incomplete;
        }

        payload = buffer.Slice(reader.Position, (long)declaredLength);
        buffer = buffer.Slice(payload.End);
        return FrameReadStatus.Complete;
    }

    /// <summary>Writes one length-prefixed message.</summary>
    public static void WriteFrame(IBufferWriter<byte> output, IMessage message)
    {
        WriteUvarint(output, (ulong)message.CalculateSize());
        message.WriteTo(output);
    }

    /// <summary>Encodes one length-prefixed message.</summary>
    public static byte[] Encode(IMessage message)
    {
        var w = new ArrayBufferWriter<byte>();
        WriteFrame(w, message);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Writes an unsigned LEB128 varint.</summary>
    public static void WriteUvarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(MaxVarintBytes);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }
}
