using System.Buffers.Binary;
using System.Globalization;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Modules.Internal;

/// <summary>Small conversions shared by the staking, slashing, oracle, mint and governance modules.</summary>
internal static class ModuleWire
{
    public static bool TryPositive(string s, out UInt128 value) => Amount.TryParseValue(s, out value) && value != 0;

    public static string Dec(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    public static UInt128 U128(string s) => s.Length == 0 ? UInt128.Zero : UInt128.Parse(s, CultureInfo.InvariantCulture);

    public static byte[] Key(ReadOnlySpan<byte> tag, params ReadOnlySpan<Address> addresses)
    {
        var key = new byte[tag.Length + (addresses.Length * Address.Length)];
        tag.CopyTo(key);
        for (var i = 0; i < addresses.Length; i++)
        {
            addresses[i].TryWriteBytes(key.AsSpan(tag.Length + (i * Address.Length)));
        }

        return key;
    }

    public static byte[] U64(ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, v);
        return b;
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Bytes(Address a)
    {
        var b = new byte[Address.Length];
        a.TryWriteBytes(b);
        return b;
    }

    public static bool TryAddress(string s, out Address address) => Address.TryParse(s, null, out address);
}
