using Google.Protobuf;

namespace Phoenix.Protocol.Internal;

/// <summary>Strict protobuf decoding: bounded size, no unknown fields, canonical bytes only.</summary>
internal static class StrictProto
{
    public enum Outcome
    {
        Ok,
        TooLarge,
        Malformed,
        NotCanonical,
    }

    /// <summary>
    /// Parses <paramref name="bytes"/> discarding unknown fields, re-serializes, and requires identical bytes:
    /// this rejects unknown fields, duplicate or out-of-order fields, explicit default values and
    /// non-minimal varints, so only one byte string decodes to each message.
    /// </summary>
    public static Outcome TryParse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes, int maxBytes, out T? message)
        where T : IMessage<T>
    {
        message = default;
        if (bytes.Length > maxBytes)
        {
            return Outcome.TooLarge;
        }

        T parsed;
        try
        {
            parsed = parser.WithDiscardUnknownFields(true).ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return Outcome.Malformed;
        }

        if (parsed.CalculateSize() != bytes.Length || !bytes.SequenceEqual(parsed.ToByteArray()))
        {
            return Outcome.NotCanonical;
        }

        message = parsed;
        return Outcome.Ok;
    }
}
