using System.Buffers.Binary;
using System.Numerics;

namespace Phoenix.Node.Internal;

/// <summary>
/// The on-disk value format of the RocksDB stores: a 4-byte little-endian CRC-32C over key and value,
/// then the value. Covering the key too detects a value that landed under the wrong key.
/// </summary>
internal static class ValueEnvelope
{
    public const int HeaderSize = 4;

    public static byte[] Wrap(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var result = new byte[HeaderSize + value.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(result, Checksum(key, value));
        value.CopyTo(result.AsSpan(HeaderSize));
        return result;
    }

    /// <summary>Unwraps a stored value; returns false when it is too short or its checksum does not match.</summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> key, byte[] stored, out byte[] value)
    {
        if (stored.Length < HeaderSize)
        {
            value = [];
            return false;
        }

        var expected = BinaryPrimitives.ReadUInt32LittleEndian(stored);
        var body = stored.AsSpan(HeaderSize);
        if (Checksum(key, body) != expected)
        {
            value = [];
            return false;
        }

        value = body.ToArray();
        return true;
    }

    public static uint Checksum(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var crc = Update(0xFFFFFFFFu, key);
        crc = Update(crc, value);
        return ~crc;
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
