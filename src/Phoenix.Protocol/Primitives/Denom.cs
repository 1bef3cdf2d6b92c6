using System.Diagnostics.CodeAnalysis;

namespace Phoenix.Protocol.Primitives;

/// <summary>
/// One of the three Phoenix denominations, always in its base unit (10^-6 of a token, DESIGN §3):
/// <c>uphnx</c> (PHNX), <c>uspark</c> (SPARK) and <c>ubtask</c> (bTASK).
/// </summary>
/// <remarks><c>default</c> is <see cref="Phnx"/>. Text form is the base-unit name.</remarks>
public readonly struct Denom : IEquatable<Denom>, IComparable<Denom>, ISpanFormattable, ISpanParsable<Denom>
{
    private readonly byte _id;

    private Denom(byte id) => _id = id;

    /// <summary>PHNX in micro-units (<c>uphnx</c>): governance, staking, attestation and challenge stakes.</summary>
    public static Denom Phnx => new(0);

    /// <summary>SPARK in micro-units (<c>uspark</c>): the stable payment credit, minted only by burning PHNX.</summary>
    public static Denom Spark => new(1);

    /// <summary>bTASK in micro-units (<c>ubtask</c>): the non-transferable work voucher.</summary>
    public static Denom BTask => new(2);

    /// <summary>All denominations, in order.</summary>
    public static IReadOnlyList<Denom> All { get; } = [Phnx, Spark, BTask];

    /// <summary>Base units per whole token (10^6).</summary>
    public const ulong UnitsPerToken = 1_000_000;

    /// <summary>The base-unit name (<c>uphnx</c>, <c>uspark</c>, <c>ubtask</c>).</summary>
    public string Name => _id switch
    {
        0 => "uphnx",
        1 => "uspark",
        _ => "ubtask",
    };

    /// <summary>The token symbol (<c>PHNX</c>, <c>SPARK</c>, <c>bTASK</c>).</summary>
    public string Symbol => _id switch
    {
        0 => "PHNX",
        1 => "SPARK",
        _ => "bTASK",
    };

    /// <summary>Whether holders may transfer this denomination (bTASK may not).</summary>
    public bool IsTransferable => _id != 2;

    /// <summary>A stable one-byte code used in state keys (0, 1, 2).</summary>
    public byte Code => _id;

    /// <summary>The denomination of a state-key code.</summary>
    /// <param name="code">0, 1 or 2.</param>
    /// <param name="denom">The denomination.</param>
    /// <returns>Whether the code is known.</returns>
    public static bool TryFromCode(byte code, out Denom denom)
    {
        denom = new Denom(code);
        return code <= 2;
    }

    /// <inheritdoc />
    public bool Equals(Denom other) => _id == other._id;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Denom other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _id;

    /// <inheritdoc />
    public int CompareTo(Denom other) => _id.CompareTo(other._id);

    /// <summary>Equality.</summary>
    public static bool operator ==(Denom left, Denom right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Denom left, Denom right) => !left.Equals(right);

    /// <summary>Order.</summary>
    public static bool operator <(Denom left, Denom right) => left.CompareTo(right) < 0;

    /// <summary>Order.</summary>
    public static bool operator >(Denom left, Denom right) => left.CompareTo(right) > 0;

    /// <summary>Order.</summary>
    public static bool operator <=(Denom left, Denom right) => left.CompareTo(right) <= 0;

    /// <summary>Order.</summary>
    public static bool operator >=(Denom left, Denom right) => left.CompareTo(right) >= 0;

    /// <summary>The base-unit name.</summary>
    /// <returns><see cref="Name"/>.</returns>
    public override string ToString() => Name;

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => Name;

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var name = Name;
        if (name.Length > destination.Length)
        {
            charsWritten = 0;
            return false;
        }

        name.CopyTo(destination);
        charsWritten = name.Length;
        return true;
    }

    /// <summary>Parses a base-unit name (exact, case-sensitive: <c>uphnx</c>, <c>uspark</c>, <c>ubtask</c>).</summary>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <returns>The denomination.</returns>
    /// <exception cref="FormatException">Unknown denomination.</exception>
    public static Denom Parse(ReadOnlySpan<char> s, IFormatProvider? provider = null)
        => TryParse(s, provider, out var d) ? d : throw new FormatException($"Unknown denomination '{s}'.");

    /// <inheritdoc />
    public static Denom Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Denom result)
    {
        result = default;
        if (s.SequenceEqual("uphnx")) { result = Phnx; return true; }
        if (s.SequenceEqual("uspark")) { result = Spark; return true; }
        if (s.SequenceEqual("ubtask")) { result = BTask; return true; }
        return false;
    }

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Denom result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), provider, out result);
    }
}
