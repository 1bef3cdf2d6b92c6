using System.Diagnostics.CodeAnalysis;

namespace Phoenix.Protocol.Primitives;

/// <summary>A 32-byte Ed25519 public key (the only key type in Phoenix, DESIGN §3).</summary>
/// <remarks>
/// Construction checks only the length: whether the bytes are a valid, canonical curve point is
/// decided by <see cref="Crypto.Ed25519.Verify"/>, which rejects signatures under invalid keys.
/// Text form: 64 lower-case hex characters. <c>default</c> is the all-zero key (never valid for signing).
/// </remarks>
public readonly struct PublicKey : IEquatable<PublicKey>, IComparable<PublicKey>, ISpanFormattable, ISpanParsable<PublicKey>
{
    /// <summary>The length of a public key in bytes.</summary>
    public const int Length = 32;

    private readonly Hash32 _value; // same 32-byte layout, byte-wise order and hex form as a hash

    /// <summary>Creates a key from exactly 32 bytes.</summary>
    /// <param name="bytes">The key bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public PublicKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A public key is {Length} bytes; got {bytes.Length}.", nameof(bytes));
        }

        _value = new Hash32(bytes);
    }

    private PublicKey(Hash32 value) => _value = value;

    /// <summary>Derives the public key of a 32-byte Ed25519 seed.</summary>
    /// <param name="seed">The private key seed.</param>
    /// <returns>The public key.</returns>
    public static PublicKey FromSeed(ReadOnlySpan<byte> seed) => new(Crypto.Ed25519.GetPublicKey(seed));

    /// <summary>The account address of this key.</summary>
    public Address Address => Address.FromPublicKey(this);

    /// <summary>Verifies a signature by this key under the one Phoenix rule (<see cref="Crypto.Ed25519.Verify"/>).</summary>
    /// <param name="message">The signed bytes.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns>Whether the signature is valid.</returns>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        Span<byte> key = stackalloc byte[Length];
        TryWriteBytes(key);
        return Crypto.Ed25519.Verify(key, message, signature);
    }

    /// <summary>Writes the 32 bytes.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    /// <returns><see langword="false"/> when the destination is too small.</returns>
    public bool TryWriteBytes(Span<byte> destination) => _value.TryWriteBytes(destination);

    /// <summary>The 32 bytes as a new array.</summary>
    /// <returns>A fresh array.</returns>
    public byte[] ToArray() => _value.ToArray();

    /// <inheritdoc />
    public bool Equals(PublicKey other) => _value.Equals(other._value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PublicKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _value.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(PublicKey other) => _value.CompareTo(other._value);

    /// <summary>Equality.</summary>
    public static bool operator ==(PublicKey left, PublicKey right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PublicKey left, PublicKey right) => !left.Equals(right);

    /// <summary>Byte-wise order.</summary>
    public static bool operator <(PublicKey left, PublicKey right) => left.CompareTo(right) < 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator >(PublicKey left, PublicKey right) => left.CompareTo(right) > 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator <=(PublicKey left, PublicKey right) => left.CompareTo(right) <= 0;

    /// <summary>Byte-wise order.</summary>
    public static bool operator >=(PublicKey left, PublicKey right) => left.CompareTo(right) >= 0;

    /// <summary>Lower-case hex.</summary>
    /// <returns>64 hex characters.</returns>
    public override string ToString() => _value.ToString();

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => _value.TryFormat(destination, out charsWritten, format, provider);

    /// <summary>Parses 64 hex characters.</summary>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <returns>The key.</returns>
    /// <exception cref="FormatException">Not 64 hex characters.</exception>
    public static PublicKey Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null)
        => TryParse(s, provider, out var result) ? result : throw new FormatException("A public key is 64 hexadecimal characters.");

    /// <inheritdoc />
    public static PublicKey Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out PublicKey result)
    {
        var ok = Hash32.TryParse(s, provider, out var value);
        result = ok ? new PublicKey(value) : default;
        return ok;
    }

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out PublicKey result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), provider, out result);
    }
}
