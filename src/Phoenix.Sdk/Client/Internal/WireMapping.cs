using Google.Protobuf;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.Client.Internal;

/// <summary>Converts the node API's mutable wire DTOs into the SDK's immutable domain types.</summary>
internal static class WireMapping
{
    public static Hash32 Hash(ByteString bytes, string field) => bytes.Length == Hash32.Length
        ? new Hash32(bytes.Span)
        : throw new PhoenixProtocolViolationException($"{field} is {bytes.Length} bytes, expected {Hash32.Length}");

    public static Hash32 HashOrZero(ByteString bytes) => bytes.Length == Hash32.Length ? new Hash32(bytes.Span) : Hash32.Zero;

    public static Timestamp Time(Google.Protobuf.WellKnownTypes.Timestamp? t) => t is null ? Timestamp.Epoch : new Timestamp(t.Seconds, t.Nanos);

    public static ChainEventData Event(Wire.Event e) => new(e.Type, [.. e.Attributes.Select(a => new KeyValuePair<string, string>(a.Key, a.Value))]);

    public static TransactionResult Result(Wire.TxResult? r) => r is null
        ? new TransactionResult(0, string.Empty, string.Empty, 0, 0, [])
        : new TransactionResult(r.Code, r.Codespace, r.Log, r.GasWanted, r.GasUsed, [.. r.Events.Select(Event)]);

    public static BlockInfo Block(Wire.Block b) => new(
        b.Height,
        HashOrZero(b.Hash),
        Time(b.Time),
        b.ProposerAddress.ToByteArray(),
        b.AppHash.ToByteArray(),
        HashOrZero(b.LastBlockHash),
        [.. b.Txs.Select(t => (ReadOnlyMemory<byte>)t.ToByteArray())]);

    public static ChainEvent? Event(Wire.ChainEvent e) => e.KindCase switch
    {
        Wire.ChainEvent.KindOneofCase.NewBlock => new NewBlockEvent(e.NewBlock.Height, HashOrZero(e.NewBlock.Hash), Time(e.NewBlock.Time), e.NewBlock.TxCount, e.NewBlock.AppHash.ToByteArray()),
        Wire.ChainEvent.KindOneofCase.TxResult => new TransactionResultEvent(e.TxResult.Height, (int)e.TxResult.Index, Hash(e.TxResult.TxHash, "tx_hash"), Result(e.TxResult.Result)),
        Wire.ChainEvent.KindOneofCase.AppEvent => new ApplicationEvent(e.AppEvent.Height, e.AppEvent.TxHash.IsEmpty ? null : Hash(e.AppEvent.TxHash, "tx_hash"), Event(e.AppEvent.Event ?? new Wire.Event())),
        _ => null,
    };

    public static bool IsSequenceMismatch(uint code, string codespace) =>
        codespace == TxErrors.Codespace && code == TxErrors.SequenceMismatch.Code;

    public static TransactionRejectedException Rejected(uint code, string codespace, string log, Hash32 hash) =>
        new(code, codespace, log, IsSequenceMismatch(code, codespace), hash.ToString());
}
