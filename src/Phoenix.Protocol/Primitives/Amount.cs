using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Phoenix.Protocol.Primitives;

/// <summary>
/// A non-negative amount of one denomination in base units: an unsigned 128-bit integer with
/// checked arithmetic (DESIGN §3). Text form: <c>1500000uphnx</c>.
/// </summary>
/// <remarks>
/// <para><c>default</c> is zero <c>uphnx</c>.</para>
/// <para>
/// Arithmetic never wraps. <see cref="TryAdd"/> and <see cref="TrySubtract"/> report overflow and
/// underflow as <see langword="false"/> (the state machine turns that into a typed transaction
/// failure); the operators throw <see cref="OverflowException"/>, and mixing denominations throws
/// <see cref="ArgumentException"/> (a programming error).
/// </para>
/// </remarks>
public readonly struct Amount : IEquatable<Amount>, IComparable<Amount>, ISpanFormattable, ISpanParsable<Amount>
{
    /// <summary>Bytes of the fixed binary form written by <see cref="TryWriteBytes"/>: one denom code and 16 big-endian value bytes.</summary>
    public const int EncodedLength = 17;

    /// <summary>Creates an amount.</summary>
    /// <param name="value">Base units.</param>
    /// <param name="denom">The denomination.</param>
    public Amount(UInt128 value, Denom denom)
    {
        Value = value;
        Denom = denom;
    }

    /// <summary>Reads the 17-byte binary form (denom code then 16 big-endian value bytes).</summary>
    /// <param name="bytes">Exactly 17 bytes.</param>
    /// <exception cref="ArgumentException">Wrong length or unknown denomination code.</exception>
    public Amount(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != EncodedLength || !Denom.TryFromCode(bytes[0], out var denom))
        {
            throw new ArgumentException("An encoded amount is 17 bytes: a known denomination code and a 16-byte value.", nameof(bytes));
        }

        Denom = denom;
        Value = BinaryPrimitives.ReadUInt128BigEndian(bytes[1..]);
    }

    /// <summary>The value in base units.</summary>
    public UInt128 Value { get; }

    /// <summary>The denomination.</summary>
    public Denom Denom { get; }

    /// <summary>Whether the amount is zero.</summary>
    public bool IsZero => Value == UInt128.Zero;

    /// <summary>Zero of a denomination.</summary>
    /// <param name="denom">The denomination.</param>
    /// <returns>A zero amount.</returns>
    public static Amount Zero(Denom denom) => new(UInt128.Zero, denom);

    /// <summary>An amount in whole tokens (10^6 base units each).</summary>
    /// <param name="tokens">Whole tokens.</param>
    /// <param name="denom">The denomination.</param>
    /// <returns>The amount.</returns>
    public static Amount FromTokens(ulong tokens, Denom denom) => new((UInt128)tokens * Denom.UnitsPerToken, denom);

    /// <summary>Adds without overflow.</summary>
    /// <param name="other">Same denomination.</param>
    /// <param name="result">The sum when representable.</param>
    /// <returns><see langword="false"/> on overflow.</returns>
    /// <exception cref="ArgumentException">Different denominations.</exception>
    public bool TryAdd(Amount other, out Amount result)
    {
        RequireSameDenom(other);
        var sum = Value + other.Value;
        if (sum < Value)
        {
            result = this;
            return false;
        }

        result = new Amount(sum, Denom);
        return true;
    }

    /// <summary>Subtracts without underflow.</summary>
    /// <param name="other">Same denomination.</param>
    /// <param name="result">The difference when non-negative.</param>
    /// <returns><see langword="false"/> when <paramref name="other"/> is larger.</returns>
    /// <exception cref="ArgumentException">Different denominations.</exception>
    public bool TrySubtract(Amount other, out Amount result)
    {
        RequireSameDenom(other);
        if (other.Value > Value)
        {
            result = this;
            return false;
        }

        result = new Amount(Value - other.Value, Denom);
        return true;
    }

    /// <summary>Checked addition.</summary>
    /// <exception cref="OverflowException">The sum exceeds 2^128 - 1.</exception>
    /// <exception cref="ArgumentException">Different denominations.</exception>
    public static Amount operator +(Amount left, Amount right)
        => left.TryAdd(right, out var r) ? r : throw new OverflowException("Amount addition overflowed 128 bits.");

    /// <summary>Checked subtraction.</summary>
    /// <exception cref="OverflowException">The result would be negative.</exception>
    /// <exception cref="ArgumentException">Different denominations.</exception>
    public static Amount operator -(Amount left, Amount right)
        => left.TrySubtract(right, out var r) ? r : throw new OverflowException("Amount subtraction went below zero.");

    /// <summary>Writes the 17-byte binary form.</summary>
    /// <param name="destination">At least 17 bytes.</param>
    /// <returns><see langword="false"/> when the destination is too small.</returns>
    public bool TryWriteBytes(Span<byte> destination)
    {
        if (destination.Length < EncodedLength)
        {
            return false;
        }

        destination[0] = Denom.Code;
        BinaryPrimitives.WriteUInt128BigEndian(destination[1..], Value);
        return true;
    }

    private void RequireSameDenom(Amount other)
    {
        if (other.Denom != Denom)
        {
            throw new ArgumentException($"Cannot combine {Denom} with {other.Denom}.", nameof(other));
        }
    }

    /// <inheritdoc />
    public bool Equals(Amount other) => Value == other.Value && Denom == other.Denom;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Amount other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value, Denom);

    /// <summary>Orders by denomination, then value.</summary>
    /// <param name="other">The other amount.</param>
    /// <returns>The order.</returns>
    public int CompareTo(Amount other)
    {
        var c = Denom.CompareTo(other.Denom);
        return c != 0 ? c : Value.CompareTo(other.Value);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Amount left, Amount right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Amount left, Amount right) => !left.Equals(right);

    /// <summary>Order (denomination, then value).</summary>
    public static bool operator <(Amount left, Amount right) => left.CompareTo(right) < 0;

    /// <summary>Order (denomination, then value).</summary>
    public static bool operator >(Amount left, Amount right) => left.CompareTo(right) > 0;

    /// <summary>Order (denomination, then value).</summary>
    public static bool operator <=(Amount left, Amount right) => left.CompareTo(right) <= 0;

    /// <summary>Order (denomination, then value).</summary>
    public static bool operator >=(Amount left, Amount right) => left.CompareTo(right) >= 0;

    /// <summary>Text form: decimal base units followed by the denomination, such as <c>25uspark</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture) + Denom.Name;

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

    /// <summary>Parses the text form strictly: ASCII digits without sign, spaces or leading zeros, then a denomination.</summary>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <returns>The amount.</returns>
    /// <exception cref="FormatException">Not a canonical amount.</exception>
    public static Amount Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null)
        => TryParse(s, provider, out var a) ? a : throw new FormatException($"Not a canonical amount: '{s}'.");

    /// <inheritdoc />
    public static Amount Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Amount result)
    {
        result = default;
        var i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (!TryParseValue(s[..i], out var value) || !Denom.TryParse(s[i..], provider, out var denom))
        {
            return false;
        }

        result = new Amount(value, denom);
        return true;
    }

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Amount result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), provider, out result);
    }

    /// <summary>
    /// Parses a canonical unsigned decimal: one or more ASCII digits, no leading zero (except "0" itself),
    /// at most 2^128 - 1. This is the only accepted wire form of an amount value.
    /// </summary>
    /// <param name="s">The digits.</param>
    /// <param name="value">The value.</param>
    /// <returns>Whether <paramref name="s"/> is canonical and in range.</returns>
    public static bool TryParseValue(ReadOnlySpan<char> s, out UInt128 value)
    {
        value = UInt128.Zero;
        if (s.IsEmpty || s.Length > 39 || (s.Length > 1 && s[0] == '0'))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            var digit = (UInt128)(uint)(c - '0');
            if (value > (UInt128.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }
}
