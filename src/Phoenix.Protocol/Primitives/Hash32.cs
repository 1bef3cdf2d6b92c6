using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Buffers;
using System.Security.Cryptography;

namespace Phoenix.Protocol.Primitives;

/// <summary>
/// A 32-byte hash value (SHA-256 output): block hashes, transaction hashes, content ids, app hashes.
/// </summary>
/// <remarks>
/// <c>default</c> is the all-zero hash, which is meaningful (it stands for "no hash").
/// Formatting and parsing use lower-case hexadecimal (64 characters). Comparison is byte-wise
/// (lexicographic), the order used everywhere in consensus.
/// </remarks>
public readonly struct Hash32 : IEquatable<Hash32>, IComparable<Hash32>, ISpanFormattable, ISpanParsable<Hash32>
{
    /// <summary>The length of a hash in bytes.</summary>
    public const int Length = 32;

    private readonly ulong _a, _b, _c, _d; // big-endian words, so numeric order = byte order

    /// <summary>Creates a hash from exactly 32 bytes.</summary>
    /// <param name="bytes">The hash bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A hash is {Length} bytes; got {bytes.Length}.", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>The all-zero hash.</summary>
    public static Hash32 Zero => default;

    /// <summary>Whether this is the all-zero hash.</summary>
    public bool IsZero => (_a | _b | _c | _d) == 0;

    /// <summary>Computes the SHA-256 hash of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes to hash.</param>
    /// <returns>The SHA-256 digest.</returns>
    public static Hash32 Sha256(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[Length];
        SHA256.HashData(data, buffer);
        return new Hash32(buffer);
    }

    /// <summary>Bit <paramref name="index"/> counting from the most significant bit of byte 0 (0..255).</summary>
    /// <param name="index">The bit index.</param>
    /// <returns>Whether the bit is set.</returns>
    internal bool GetBit(int index)
    {
        var word = (index >> 6) switch
        {
            0 => _a,
            1 => _b,
            2 => _c,
            _ => _d,
        };
        return ((word >> (63 - (index & 63))) & 1) != 0;
    }

    /// <summary>Writes the 32 bytes into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    /// <returns><see langword="false"/> when the destination is too small.</returns>
    public bool TryWriteBytes(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
        return true;
    }

    /// <summary>Returns the 32 bytes as a new array.</summary>
    /// <returns>A fresh array.</returns>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        TryWriteBytes(bytes);
        return bytes;
    }

    /// <inheritdoc />
    public bool Equals(Hash32 other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Hash32 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <inheritdoc />
    public int CompareTo(Hash32 other)
    {
        var c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        if (c != 0) return c;
        c = _c.CompareTo(other._c);
        return c != 0 ? c : _d.CompareTo(other._d);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Hash32 left, Hash32 right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Hash32 left, Hash32 right) => !left.Equals(right);

    /// <summary>Byte-wise order.</summary>
    public static bool operator <(Hash32 left, Hash32 right) => left.CompareTo(right) < 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator >(Hash32 left, Hash32 right) => left.CompareTo(right) > 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator <=(Hash32 left, Hash32 right) => left.CompareTo(right) <= 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator >=(Hash32 left, Hash32 right) => left.CompareTo(right) >= 0;

    /// <summary>Lower-case hex.</summary>
    /// <returns>64 hex characters.</returns>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        TryWriteBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        Span<byte> bytes = stackalloc byte[Length];
        TryWriteBytes(bytes);
        return Convert.TryToHexStringLower(bytes, destination, out charsWritten);
    }

    /// <summary>Parses 64 hex characters (either case).</summary>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <returns>The hash.</returns>
    /// <exception cref="FormatException">The text is not 64 hex characters.</exception>
    public static Hash32 Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null)
        => TryParse(s, provider, out var result) ? result : throw new FormatException("A hash is 64 hexadecimal characters.");

    /// <inheritdoc />
    public static Hash32 Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Hash32 result)
    {
        result = default;
        if (s.Length != Length * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Length];
        if (Convert.FromHexString(s, bytes, out _, out var written) != OperationStatus.Done || written != Length)
        {
            return false;
        }

        result = new Hash32(bytes);
        return true;
    }

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Hash32 result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), provider, out result);
    }
}
