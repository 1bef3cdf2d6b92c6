using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Agents;

/// <summary>
/// Picks the units a validator re-executes (DESIGN §6), unpredictably before and reproducibly after the seed
/// block: unit <c>i</c> is selected when the first 8 bytes (little-endian) of
/// <c>SHA-256("phx-spot-v1" ‖ block hash ‖ u32 salt length ‖ salt ‖ u32 i)</c> are below <c>⌊r·2^64⌋</c>.
/// </summary>
/// <remarks>
/// <para>The same rule as <c>Phoenix.Compute.Verification.SpotCheckSampler</c> (whose rate formulas stay in
/// Phoenix.Compute), so a selection made by an agent can be recomputed by anyone, without the SDK referencing
/// Phoenix.Compute. Each unit is an independent Bernoulli(<c>r</c>) draw: a miner faking <c>m</c> units escapes
/// with probability <c>(1 − r)^m</c>.</para>
/// <para>The seed must be the hash of a block produced after the submission; the salt (validator address and
/// batch id) makes validators check different units. Immutable and thread-safe.</para>
/// </remarks>
public sealed class UnitSampler
{
    private readonly ulong _threshold;
    private readonly bool _all;

    /// <summary>Creates a sampler.</summary>
    /// <param name="rate">Per-unit probability, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1] or not a number.</exception>
    public UnitSampler(double rate)
    {
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "A sampling rate is in [0, 1].");
        }

        Rate = rate;
        _all = rate >= 1;
        _threshold = _all ? ulong.MaxValue : (ulong)Math.Floor(rate * 18446744073709551616.0);
    }

    /// <summary>The per-unit probability.</summary>
    public double Rate { get; }

    /// <summary>Whether unit <paramref name="unitIndex"/> is selected.</summary>
    /// <param name="seed">The seed block's hash.</param>
    /// <param name="salt">Validator- and batch-specific bytes.</param>
    /// <param name="unitIndex">The unit.</param>
    /// <returns><see langword="true"/> when the validator must re-execute it.</returns>
    public bool IsSelected(Hash32 seed, ReadOnlySpan<byte> salt, uint unitIndex)
        => SpotCheckSelection.IsSelected(_threshold, _all, seed, salt, unitIndex);

    /// <summary>The selected units among <c>first … first + count − 1</c>.</summary>
    /// <param name="seed">The seed block's hash.</param>
    /// <param name="salt">Validator- and batch-specific bytes.</param>
    /// <param name="first">The first unit index.</param>
    /// <param name="count">How many units.</param>
    /// <returns>The selected unit indices, ascending.</returns>
    public IReadOnlyList<uint> Select(Hash32 seed, ReadOnlySpan<byte> salt, uint first, uint count)
    {
        var selected = new List<uint>();
        for (var i = first; i - first < count; i++)
        {
            if (IsSelected(seed, salt, i))
            {
                selected.Add(i);
            }
        }

        return selected;
    }
}
