using System.Buffers.Binary;
using Google.Protobuf;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Wire.State;

namespace Phoenix.Protocol.Modules.Tasks.Internal;

/// <summary>Keys and record codecs of the task market's state (all under <c>tasks/</c>).</summary>
internal static class TaskStore
{
    public const string Prefix = "tasks/";

    // Unit record values: status byte + batch id (8 bytes). No record = open.
    public const byte UnitInBatch = 1;
    public const byte UnitDisputed = 2;
    public const byte UnitFinalized = 3;

    public const uint TaskAccepting = 0;
    public const uint TaskCancelled = 1;
    public const uint TaskExpired = 2;

    public const uint BatchClaimed = 1;
    public const uint BatchSubmitted = 2;
    public const uint BatchAttested = 3;
    public const uint BatchEnded = 4;

    public const uint PhaseBisect = 1;
    public const uint PhaseCommittee = 2;
    public const uint PhaseVote = 3;

    // Queues: q + kind + time(8, big-endian, offset) + id(8).
    public const byte QueueClaimExpiry = (byte)'c';
    public const byte QueueFinalize = (byte)'f';
    public const byte QueueDeadline = (byte)'d';
    public const byte QueueDispute = (byte)'x';
    public const byte QueueUnattested = (byte)'s';

    public static byte[] Key(string tag, params ulong[] ids)
    {
        var key = new byte[Prefix.Length + tag.Length + (8 * ids.Length)];
        System.Text.Encoding.ASCII.GetBytes(Prefix + tag, key);
        for (var i = 0; i < ids.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(Prefix.Length + tag.Length + (8 * i)), ids[i]);
        }

        return key;
    }

    public static byte[] AddressKey(string tag, Address address, ulong? id = null)
    {
        var key = new byte[Prefix.Length + tag.Length + Address.Length + (id is null ? 0 : 8)];
        System.Text.Encoding.ASCII.GetBytes(Prefix + tag, key);
        address.TryWriteBytes(key.AsSpan(Prefix.Length + tag.Length));
        if (id is { } v)
        {
            BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(key.Length - 8), v);
        }

        return key;
    }

    public static byte[] DisputeMemberKey(string tag, ulong dispute, Address member)
    {
        var key = Key(tag, dispute);
        var full = new byte[key.Length + Address.Length];
        key.CopyTo(full, 0);
        member.TryWriteBytes(full.AsSpan(key.Length));
        return full;
    }

    public static ulong TimeKey(long unixSeconds) => unchecked((ulong)unixSeconds ^ 0x8000_0000_0000_0000UL);

    public static long FromTimeKey(ulong key) => unchecked((long)(key ^ 0x8000_0000_0000_0000UL));

    public static byte[] QueueKey(byte kind, long time, ulong id) => Key("q" + (char)kind, TimeKey(time), id);

    public static byte[] QueuePrefix(byte kind) => System.Text.Encoding.ASCII.GetBytes(Prefix + "q" + (char)kind);

    /// <summary>Due queue entries (time ≤ now) in time order, as (time, id).</summary>
    public static List<(long Time, ulong Id, byte[] Key)> Due(StateCache state, byte kind, long now)
    {
        var prefix = QueuePrefix(kind);
        var due = new List<(long, ulong, byte[])>();
        foreach (var kv in state.Scan(prefix))
        {
            var time = FromTimeKey(BinaryPrimitives.ReadUInt64BigEndian(kv.Key.AsSpan(prefix.Length)));
            if (time > now)
            {
                break;
            }

            due.Add((time, BinaryPrimitives.ReadUInt64BigEndian(kv.Key.AsSpan(prefix.Length + 8)), kv.Key));
        }

        return due;
    }

    public static ulong NextId(StateCache state, string counter)
    {
        var key = Key("n" + counter);
        var bytes = state.Get(key);
        var next = bytes is null ? 1UL : BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var buffer = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(buffer, next + 1);
        state.Set(key, buffer);
        return next;
    }

    public static T? Read<T>(IStateReader state, byte[] key, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var bytes = state.Get(key);
        return bytes is null ? null : parser.ParseFrom(bytes);
    }

    public static void Write<T>(StateCache state, byte[] key, T record)
        where T : IMessage<T> => state.Set(key, record.ToByteArray());

    public static byte[] TaskKey(ulong id) => Key("t", id);

    public static byte[] BatchKey(ulong id) => Key("b", id);

    public static byte[] DisputeKey(ulong id) => Key("d", id);

    public static byte[] AskKey(ulong id) => Key("k", id);

    public static byte[] UnitKey(ulong task, uint unit) => Key("u", task, unit);

    public static byte[] CreditKey(Address address) => AddressKey("r", address);

    public static ByteString U128(UInt128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return ByteString.CopyFrom(bytes);
    }

    public static UInt128 U128(ByteString value) => value.Length == 0 ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(value.Span);

    public static ByteString Addr(Address address)
    {
        var bytes = new byte[Address.Length];
        address.TryWriteBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }

    public static Address Addr(ByteString value) => new(value.Span);

    public static ByteString Hash(Hash32 hash) => ByteString.CopyFrom(hash.ToArray());

    public static Hash32 Hash(ByteString value) => new(value.Span);

    public static UInt128 ReadU128(IStateReader state, byte[] key)
    {
        var bytes = state.Get(key);
        return bytes is null ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static void WriteU128(StateCache state, byte[] key, UInt128 value)
    {
        if (value == UInt128.Zero)
        {
            state.Delete(key);
            return;
        }

        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        state.Set(key, bytes);
    }

    public static bool TryParseAmount(string text, out UInt128 value) => Amount.TryParseValue(text, out value) && value != UInt128.Zero;
}
