using Google.Protobuf;
using Domain = Phoenix.Protocol.Abci;
using WellKnown = Google.Protobuf.WellKnownTypes;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>Conversions shared by both CometBFT wire versions.</summary>
internal static class WireCommon
{
    /// <summary>The only consensus key type Phoenix accepts.</summary>
    public const string Ed25519KeyType = "ed25519";

    /// <summary>Length of an Ed25519 public key.</summary>
    public const int Ed25519KeyLength = 32;

    public static Protocol.Primitives.Timestamp Time(WellKnown.Timestamp? t) =>
        t is null ? Protocol.Primitives.Timestamp.Epoch : new Protocol.Primitives.Timestamp(t.Seconds, t.Nanos);

    public static WellKnown.Timestamp Time(Protocol.Primitives.Timestamp t) => new() { Seconds = t.Seconds, Nanos = t.Nanos };

    public static ByteString Bytes(ReadOnlyMemory<byte> value) => value.IsEmpty ? ByteString.Empty : ByteString.CopyFrom(value.Span);

    public static ReadOnlyMemory<byte> Bytes(ByteString value) => value.Memory;

    public static string Text(string? value) => value ?? string.Empty;

    public static IReadOnlyList<ReadOnlyMemory<byte>> Txs(IEnumerable<ByteString> txs) => txs.Select(t => t.Memory).ToArray();

    public static IEnumerable<ByteString> Txs(IReadOnlyList<ReadOnlyMemory<byte>>? txs) => (txs ?? []).Select(Bytes);

    public static ReadOnlyMemory<byte> Ed25519Key(ReadOnlySpan<byte> key, string context)
    {
        if (key.Length != Ed25519KeyLength)
        {
            throw new AbciMappingException($"{context}: an ed25519 public key must be {Ed25519KeyLength} bytes, got {key.Length}.");
        }

        return key.ToArray();
    }

    public static Domain.ValidatorParams? ValidatorParams(IEnumerable<string>? types) =>
        types is null ? null : new Domain.ValidatorParams(types.ToArray());

    public static TimeSpan ToTimeSpan(WellKnown.Duration? d) => d is null ? TimeSpan.Zero : d.ToTimeSpan();

    public static WellKnown.Duration ToDuration(TimeSpan t) => WellKnown.Duration.FromTimeSpan(t);
}
