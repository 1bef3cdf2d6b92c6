using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Verification;

/// <summary>
/// Spot-check rates. A validator re-executes each unit independently with probability <c>r</c>; a
/// miner who cheats on a fraction <c>f</c> of a task's <c>n</c> units (<c>m = ⌈f·n⌉</c> units) escapes
/// only if none of them is drawn, so <c>P(catch) = 1 − (1 − r)^m</c> and the rate that reaches a target
/// <c>P</c> is <c>r = 1 − (1 − P)^(1/m)</c>.
/// </summary>
public static class SpotCheck
{
    /// <summary>Default target probability of catching a cheating miner: 0.99.</summary>
    public const double DefaultCatchProbability = 0.99;

    /// <summary>Default fraction of units a cheater is assumed to fake: 5 %.</summary>
    public const double DefaultCheatFraction = 0.05;

    /// <summary>Floor on the rate, so every task sees some checking: 1 %.</summary>
    public const double MinimumRate = 0.01;

    /// <summary>The probability that a miner cheating on <paramref name="cheatFraction"/> of <paramref name="units"/> units is caught at <paramref name="rate"/>.</summary>
    /// <param name="rate">Per-unit check probability, in [0, 1].</param>
    /// <param name="cheatFraction">Fraction of units faked, in (0, 1].</param>
    /// <param name="units">Units in the task.</param>
    /// <returns><c>1 − (1 − r)^⌈f·n⌉</c>.</returns>
    public static double CatchProbability(double rate, double cheatFraction, int units)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1);
        return 1 - Math.Pow(1 - rate, CheatedUnits(cheatFraction, units));
    }

    /// <summary>The smallest per-unit rate that catches a miner cheating on <paramref name="cheatFraction"/> of <paramref name="units"/> units with probability at least <paramref name="catchProbability"/>.</summary>
    /// <param name="catchProbability">Target, in (0, 1).</param>
    /// <param name="cheatFraction">Fraction of units faked, in (0, 1].</param>
    /// <param name="units">Units in the task.</param>
    /// <returns><c>max(MinimumRate, 1 − (1 − P)^(1/⌈f·n⌉))</c>, at most 1.</returns>
    public static double RequiredRate(double catchProbability = DefaultCatchProbability, double cheatFraction = DefaultCheatFraction, int units = 1000)
    {
        if (catchProbability is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(catchProbability), catchProbability, "Must be in (0, 1).");
        }

        var m = CheatedUnits(cheatFraction, units);
        return Math.Clamp(1 - Math.Pow(1 - catchProbability, 1.0 / m), MinimumRate, 1);
    }

    private static long CheatedUnits(double cheatFraction, int units)
    {
        if (cheatFraction is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(cheatFraction), cheatFraction, "Must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        return (long)Math.Ceiling(cheatFraction * units);
    }
}

/// <summary>
/// Picks which units a validator re-executes, unpredictably before and reproducibly after the block:
/// unit <c>i</c> is selected when the first 8 bytes (little-endian) of
/// <c>SHA-256("phx-spot-v1" ‖ block hash ‖ u32 len ‖ salt ‖ u32 i)</c> are below <c>⌊r·2^64⌋</c>.
/// </summary>
/// <remarks>
/// Each unit is an independent Bernoulli(<c>r</c>) draw, which is what <see cref="SpotCheck"/>'s formula
/// assumes. The block hash must be one produced after the miner's submission. The salt (for example
/// the validator's address and the task id) makes validators check different units. No
/// <see cref="System.Random"/>: anyone can recompute a selection. Immutable and thread-safe.
/// </remarks>
public sealed class SpotCheckSampler
{
    private readonly ulong _threshold;
    private readonly bool _all;

    /// <summary>Creates a sampler.</summary>
    /// <param name="rate">Per-unit probability, in [0, 1].</param>
    public SpotCheckSampler(double rate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1);
        Rate = rate;
        _all = rate >= 1;
        _threshold = _all ? ulong.MaxValue : (ulong)Math.Floor(rate * 18446744073709551616.0);
    }

    /// <summary>The per-unit probability.</summary>
    public double Rate { get; }

    /// <summary>Whether unit <paramref name="unitIndex"/> is selected.</summary>
    /// <param name="blockHash">The seed block's hash.</param>
    /// <param name="salt">Validator- and task-specific bytes.</param>
    /// <param name="unitIndex">The unit.</param>
    /// <returns><see langword="true"/> when the validator must re-execute it.</returns>
    public bool IsSelected(Hash32 blockHash, ReadOnlySpan<byte> salt, uint unitIndex)
        => SpotCheckSelection.IsSelected(_threshold, _all, blockHash, salt, unitIndex);

    /// <summary>The selected units among <c>0 … unitCount − 1</c>.</summary>
    /// <param name="blockHash">The seed block's hash.</param>
    /// <param name="salt">Validator- and task-specific bytes.</param>
    /// <param name="unitCount">Units in the task.</param>
    /// <returns>The selected unit indices, ascending.</returns>
    public IReadOnlyList<uint> Select(Hash32 blockHash, ReadOnlySpan<byte> salt, uint unitCount)
    {
        var selected = new List<uint>();
        for (uint i = 0; i < unitCount; i++)
        {
            if (IsSelected(blockHash, salt, i))
            {
                selected.Add(i);
            }
        }

        return selected;
    }
}
