using System.Globalization;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Devnet.Agents;

/// <summary>Formatting of amounts for people.</summary>
public static class Fmt
{
    /// <summary>Base units (10^-6) as tokens with up to 6 decimals.</summary>
    /// <param name="baseUnits">The amount in base units.</param>
    /// <returns>For example <c>12.5</c>.</returns>
    public static string Tokens(UInt128 baseUnits)
    {
        var whole = baseUnits / Denom.UnitsPerToken;
        var frac = (ulong)(baseUnits % Denom.UnitsPerToken);
        return frac == 0
            ? whole.ToString("N0", CultureInfo.InvariantCulture)
            : whole.ToString("N0", CultureInfo.InvariantCulture) + "." + frac.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    /// <summary>The base-unit number of an event amount such as <c>123uphnx</c>.</summary>
    /// <param name="amount">The amount text.</param>
    /// <returns>The number, or zero when the text has none.</returns>
    public static UInt128 Value(string amount)
    {
        ArgumentNullException.ThrowIfNull(amount);
        var digits = amount.TakeWhile(char.IsAsciiDigit).ToArray();
        return digits.Length == 0 ? UInt128.Zero : UInt128.Parse(digits, CultureInfo.InvariantCulture);
    }

    /// <summary>An event amount such as <c>2500000uphnx</c> as <c>2.5 PHNX</c>.</summary>
    /// <param name="amount">The amount text.</param>
    /// <returns>The readable form, or the text itself when it does not parse.</returns>
    public static string Amount(string amount)
        => Phoenix.Protocol.Primitives.Amount.TryParse(amount, CultureInfo.InvariantCulture, out var a) ? $"{Tokens(a.Value)} {a.Denom.Symbol}" : amount;
}
