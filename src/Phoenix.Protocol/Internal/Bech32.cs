namespace Phoenix.Protocol.Internal;

/// <summary>BIP-173 bech32 (the original checksum constant 1, not bech32m) encoding and decoding.</summary>
internal static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private const int ChecksumLength = 6;

    /// <summary>BIP-173 limits a whole string to 90 characters.</summary>
    public const int MaxLength = 90;

    private static readonly sbyte[] CharsetRev = BuildReverse();

    private static sbyte[] BuildReverse()
    {
        var rev = new sbyte[128];
        Array.Fill(rev, (sbyte)-1);
        for (var i = 0; i < Charset.Length; i++)
        {
            rev[Charset[i]] = (sbyte)i;
        }

        return rev;
    }

    // GeneratorXor[t] is the XOR of the BIP-173 generators selected by the five bits of t, so each step of
    // the checksum is one table lookup instead of five conditional XORs.
    private static readonly uint[] GeneratorXor = BuildGeneratorXor();

    private static uint[] BuildGeneratorXor()
    {
        ReadOnlySpan<uint> gen = [0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu, 0x2a1462b3u];
        var table = new uint[32];
        for (var t = 0; t < 32; t++)
        {
            for (var i = 0; i < 5; i++)
            {
                if (((t >> i) & 1) != 0)
                {
                    table[t] ^= gen[i];
                }
            }
        }

        return table;
    }

    private static uint PolyMod(ReadOnlySpan<byte> values, uint chk)
    {
        var table = GeneratorXor;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v ^ table[top];
        }

        return chk;
    }

    private static uint HrpChecksumState(string hrp)
    {
        Span<byte> expanded = stackalloc byte[(hrp.Length * 2) + 1];
        for (var i = 0; i < hrp.Length; i++)
        {
            expanded[i] = (byte)(hrp[i] >> 5);
            expanded[i + hrp.Length + 1] = (byte)(hrp[i] & 31);
        }

        expanded[hrp.Length] = 0;
        return PolyMod(expanded, 1);
    }

    /// <summary>Encodes bytes (converted to 5-bit groups with padding) under a lower-case human-readable part.</summary>
    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        // Allocation-free apart from the result (addresses are encoded for every event attribute).
        Span<byte> five = stackalloc byte[((data.Length * 8) + 4) / 5];
        var n = 0;
        var acc = 0;
        var bits = 0;
        foreach (var b in data)
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                five[n++] = (byte)((acc >> bits) & 31);
            }
        }

        if (bits > 0)
        {
            five[n++] = (byte)((acc << (5 - bits)) & 31);
        }

        var chk = PolyMod(five, HrpChecksumState(hrp));
        chk = PolyMod([0, 0, 0, 0, 0, 0], chk) ^ 1;
        Span<char> chars = stackalloc char[hrp.Length + 1 + n + ChecksumLength];
        hrp.CopyTo(chars);
        chars[hrp.Length] = '1';
        var pos = hrp.Length + 1;
        foreach (var b in five)
        {
            chars[pos++] = Charset[b];
        }

        for (var i = 0; i < ChecksumLength; i++)
        {
            chars[pos++] = Charset[(int)((chk >> (5 * (5 - i))) & 31)];
        }

        return new string(chars);
    }

    /// <summary>Decodes a bech32 string. Rejects mixed case, bad characters, bad checksums and non-zero padding.</summary>
    /// <returns>The human-readable part (lower case) and data bytes, or null when invalid.</returns>
    public static (string Hrp, byte[] Data)? Decode(ReadOnlySpan<char> s)
    {
        if (s.Length < 8 || s.Length > MaxLength)
        {
            return null;
        }

        bool lower = false, upper = false;
        foreach (var c in s)
        {
            if (c < 33 || c > 126) return null;
            if (c is >= 'a' and <= 'z') lower = true;
            if (c is >= 'A' and <= 'Z') upper = true;
        }

        if (lower && upper)
        {
            return null;
        }

        var sep = s.LastIndexOf('1');
        if (sep < 1 || sep + 1 + ChecksumLength > s.Length)
        {
            return null;
        }

        var hrp = s[..sep].ToString().ToLowerInvariant();
        var dataPart = s[(sep + 1)..];
        var values = new byte[dataPart.Length];
        for (var i = 0; i < dataPart.Length; i++)
        {
            var c = char.ToLowerInvariant(dataPart[i]);
            if (c >= 128 || CharsetRev[c] < 0)
            {
                return null;
            }

            values[i] = (byte)CharsetRev[c];
        }

        if (PolyMod(values, HrpChecksumState(hrp)) != 1)
        {
            return null;
        }

        var bytes = ConvertBits(values.AsSpan(0, values.Length - ChecksumLength), 5, 8, pad: false);
        return bytes is null ? null : (hrp, bytes);
    }

    private static byte[]? ConvertBits(ReadOnlySpan<byte> data, int fromBits, int toBits, bool pad)
    {
        var acc = 0;
        var bits = 0;
        var maxv = (1 << toBits) - 1;
        var result = new List<byte>((data.Length * fromBits / toBits) + 1);
        foreach (var value in data)
        {
            if ((value >> fromBits) != 0)
            {
                return null;
            }

            acc = (acc << fromBits) | value;
            bits += fromBits;
            while (bits >= toBits)
            {
                bits -= toBits;
                result.Add((byte)((acc >> bits) & maxv));
            }
        }

        if (pad)
        {
            if (bits > 0)
            {
                result.Add((byte)((acc << (toBits - bits)) & maxv));
            }
        }
        else if (bits >= fromBits || ((acc << (toBits - bits)) & maxv) != 0)
        {
            return null;
        }

        return [.. result];
    }
}
