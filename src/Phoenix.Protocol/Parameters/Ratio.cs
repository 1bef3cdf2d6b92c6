using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace Phoenix.Protocol.Parameters;

/// <summary>An exact non-negative fraction (no floating point in the protocol): <c>Numerator / Denominator</c>.</summary>
/// <param name="Numerator">The numerator.</param>
/// <param name="Denominator">The denominator (non-zero).</param>
public readonly record struct Ratio(ulong Numerator, ulong Denominator) : ISpanParsable<Ratio>
{
    /// <summary>A ratio in basis points (1/10,000).</summary>
    /// <param name="basisPoints">Basis points.</param>
    /// <returns>The ratio.</returns>
    public static Ratio FromBasisPoints(ulong basisPoints) => new(basisPoints, 10_000);

    /// <summary>floor(value × ratio), computed exactly.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The scaled value, rounded down.</returns>
    /// <exception cref="OverflowException">The result does not fit 128 bits (only for ratios above 1).</exception>
    /// <exception cref="InvalidOperationException">The denominator is zero.</exception>
    public UInt128 MultiplyFloor(UInt128 value)
    {
        if (Denominator == 0)
        {
            throw new InvalidOperationException("A ratio's denominator must be non-zero.");
        }

        return (UInt128)((BigInteger)value * Numerator / Denominator);
    }

    /// <summary>Whether <c>a / b</c> is at least this ratio (exact cross-multiplication).</summary>
    /// <param name="a">Numerator of the compared fraction.</param>
    /// <param name="b">Denominator of the compared fraction.</param>
    /// <returns>a × Denominator &gt;= Numerator × b.</returns>
    public bool IsReachedBy(UInt128 a, UInt128 b) => (BigInteger)a * Denominator >= (BigInteger)b * Numerator;

    /// <summary>Text form <c>n/d</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");

    /// <summary>Parses <c>n/d</c> (d non-zero).</summary>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <returns>The ratio.</returns>
    public static Ratio Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null)
        => TryParse(s, provider, out var r) ? r : throw new FormatException($"Not a ratio 'n/d': '{s}'.");

    /// <inheritdoc />
    public static Ratio Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Ratio result)
    {
        result = default;
        var slash = s.IndexOf('/');
        if (slash <= 0
            || !ulong.TryParse(s[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || !ulong.TryParse(s[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            || d == 0)
        {
            return false;
        }

        result = new Ratio(n, d);
        return true;
    }

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Ratio result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), provider, out result);
    }
}
