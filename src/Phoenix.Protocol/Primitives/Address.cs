using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Phoenix.Protocol.Internal;

namespace Phoenix.Protocol.Primitives;

/// <summary>
/// An account address: the first 20 bytes of SHA-256 of the account's Ed25519 public key (DESIGN §3),
/// shown as BIP-173 bech32 with the human-readable prefix <c>phx</c>.
/// </summary>
/// <remarks>
/// <c>default</c> is the all-zero address, which no key produces in practice; module accounts
/// (fee pool, community pool) use <see cref="ForModule"/>. Comparison is byte-wise.
/// </remarks>
public readonly struct Address : IEquatable<Address>, IComparable<Address>, ISpanFormattable, ISpanParsable<Address>
{
    /// <summary>The length of an address in bytes.</summary>
    public const int Length = 20;

    /// <summary>The bech32 human-readable prefix.</summary>
    public const string Prefix = "phx";

    private readonly ulong _a, _b;
    private readonly uint _c;

    /// <summary>Creates an address from exactly 20 bytes.</summary>
    /// <param name="bytes">The address bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 20 bytes long.</exception>
    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"An address is {Length} bytes; got {bytes.Length}.", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    /// <summary>Derives the address of a public key (first 20 bytes of its SHA-256).</summary>
    /// <param name="publicKey">The key.</param>
    /// <returns>The address.</returns>
    public static Address FromPublicKey(PublicKey publicKey)
    {
        Span<byte> key = stackalloc byte[PublicKey.Length];
        publicKey.TryWriteBytes(key);
        return FromPublicKeyBytes(key);
    }

    /// <summary>Derives the address of raw public key bytes (first 20 bytes of their SHA-256).</summary>
    /// <param name="publicKey">The key bytes (any length; Ed25519 keys are 32 bytes).</param>
    /// <returns>The address.</returns>
    public static Address FromPublicKeyBytes(ReadOnlySpan<byte> publicKey)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(publicKey, hash);
        return new Address(hash[..Length]);
    }

    /// <summary>The address of a module account: first 20 bytes of SHA-256("module:" + name). No key can sign for it.</summary>
    /// <param name="moduleName">The module account name, such as <c>fee_pool</c>.</param>
    /// <returns>The address.</returns>
    public static Address ForModule(string moduleName)
    {
        ArgumentNullException.ThrowIfNull(moduleName);
        var bytes = System.Text.Encoding.UTF8.GetBytes("module:" + moduleName);
        return FromPublicKeyBytes(bytes);
    }

    /// <summary>Whether this is the all-zero address.</summary>
    public bool IsZero => (_a | _b | _c) == 0;

    /// <summary>Writes the 20 bytes.</summary>
    /// <param name="destination">At least 20 bytes.</param>
    /// <returns><see langword="false"/> when the destination is too small.</returns>
    public bool TryWriteBytes(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
        return true;
    }

    /// <summary>The 20 bytes as a new array.</summary>
    /// <returns>A fresh array.</returns>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        TryWriteBytes(bytes);
        return bytes;
    }

    /// <inheritdoc />
    public bool Equals(Address other) => _a == other._a && _b == other._b && _c == other._c;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c);

    /// <inheritdoc />
    public int CompareTo(Address other)
    {
        var c = _a.CompareTo(other._a);
        if (c != 0) return c;
        c = _b.CompareTo(other._b);
        return c != 0 ? c : _c.CompareTo(other._c);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Address left, Address right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Address left, Address right) => !left.Equals(right);

    /// <summary>Byte-wise order.</summary>
    public static bool operator <(Address left, Address right) => left.CompareTo(right) < 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator >(Address left, Address right) => left.CompareTo(right) > 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator <=(Address left, Address right) => left.CompareTo(right) <= 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator >=(Address left, Address right) => left.CompareTo(right) >= 0;

    /// <summary>The bech32 form, such as <c>phx1...</c> (lower case).</summary>
    /// <returns>The bech32 string.</returns>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        TryWriteBytes(bytes);
        return Bech32.Encode(Prefix, bytes);
    }

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var s = ToString();
        if (s.Length > destination.Length)
        {
            charsWritten = 0;
            return false;
        }

        s.CopyTo(destination);
        charsWritten = s.Length;
        return true;
    }

    /// <summary>Parses a bech32 address with prefix <c>phx</c> (all lower or all upper case).</summary>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <returns>The address.</returns>
    /// <exception cref="FormatException">Not a valid <c>phx</c> bech32 address of 20 bytes.</exception>
    public static Address Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null)
        => TryParse(s, provider, out var result) ? result : throw new FormatException("Not a valid phx bech32 address.");

    /// <inheritdoc />
    public static Address Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Address result)
    {
        result = default;
        var decoded = Bech32.Decode(s);
        if (decoded is not { } d || !string.Equals(d.Hrp, Prefix, StringComparison.Ordinal) || d.Data.Length != Length)
        {
            return false;
        }

        result = new Address(d.Data);
        return true;
    }

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Address result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), provider, out result);
    }
}
