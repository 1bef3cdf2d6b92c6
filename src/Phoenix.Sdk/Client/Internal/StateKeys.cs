using System.Buffers.Binary;
using System.Text;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Client.Internal;

/// <summary>
/// State keys of the staking, governance, oracle and chain-settings records the typed reads fetch (the layouts
/// documented on <c>StakingModule</c>, <c>GovernanceModule</c>, <c>OracleModule</c> and <c>PhoenixApplication</c>).
/// </summary>
/// <remarks>The SDK's tests compare every typed read with the module's own accessors on the node's committed state, so a layout change fails a test.</remarks>
internal static class StateKeys
{
    public static readonly byte[] Parameters = "params/chain"u8.ToArray();
    public static readonly byte[] BlockTime = "params/block_time"u8.ToArray();
    public static readonly byte[] Validators = "staking/v"u8.ToArray();
    public static readonly byte[] Powers = "staking/p"u8.ToArray();
    public static readonly byte[] Unbondings = "staking/u"u8.ToArray();
    public static readonly byte[] Proposals = "gov/p"u8.ToArray();

    public static byte[] Validator(Address op) => Concat("staking/v"u8, op);

    public static byte[] Delegation(Address validator, Address delegator) => Concat("staking/d"u8, validator, delegator);

    public static byte[] DelegationsOf(Address delegator) => Concat("staking/r"u8, delegator);

    public static byte[] OracleReport(Address op) => Concat("oracle/r"u8, op);

    public static byte[] Proposal(ulong id) => WithId("gov/p"u8, id);

    public static byte[] Votes(ulong id) => WithId("gov/v"u8, id);

    /// <summary>The address at the end of a key (a reverse-index or vote key).</summary>
    public static Address TrailingAddress(byte[] key) => new(key.AsSpan(key.Length - Address.Length));

    public static string Describe(byte[] key)
    {
        var printable = key.TakeWhile(b => b is >= 0x21 and < 0x7f).Count();
        return Encoding.ASCII.GetString(key, 0, printable) + (printable < key.Length ? "…" : string.Empty);
    }

    private static byte[] Concat(ReadOnlySpan<byte> tag, params ReadOnlySpan<Address> addresses)
    {
        var key = new byte[tag.Length + (addresses.Length * Address.Length)];
        tag.CopyTo(key);
        for (var i = 0; i < addresses.Length; i++)
        {
            addresses[i].TryWriteBytes(key.AsSpan(tag.Length + (i * Address.Length)));
        }

        return key;
    }

    private static byte[] WithId(ReadOnlySpan<byte> tag, ulong id)
    {
        var key = new byte[tag.Length + 8];
        tag.CopyTo(key);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(tag.Length), id);
        return key;
    }
}
