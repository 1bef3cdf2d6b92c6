using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Modules.Staking;

/// <summary>One active validator's raw (stake-proportional) power, the input of <see cref="VotingPowerCaps.Apply"/>.</summary>
/// <param name="Operator">The operator address (the deterministic tie-breaker).</param>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 code.</param>
/// <param name="Power">Bonded stake in whole PHNX.</param>
public readonly record struct RawPower(Address Operator, string Jurisdiction, long Power);

/// <summary>
/// The deterministic voting-power capping of DESIGN §4: no validator above <c>validatorCap</c>
/// (10 %) of the total and every jurisdiction strictly below <c>jurisdictionCap</c> (1/3).
/// </summary>
/// <remarks>
/// <para>Algorithm (integers only; documented in docs/protocol.md):</para>
/// <list type="number">
/// <item>For a candidate total <c>Q</c>, each validator may keep <c>u_i = min(p_i, floor(Q × a_v / b_v))</c>
/// and each jurisdiction <c>g_j = min(Σ u_i, the largest x with x × b_j &lt; Q × a_j)</c>. Let
/// <c>T(Q) = Σ g_j</c>.</item>
/// <item>Binary-search the largest <c>Q</c> in <c>[1, Σ p_i]</c> with <c>T(Q) ≥ Q</c> (keeping the invariant that the lower
/// bound satisfies it). Because the final total <c>F = T(Q) ≥ Q</c> and every bound is relative to <c>Q</c>, both
/// caps then hold relative to <c>F</c>: <c>u_i ≤ Q a_v/b_v ≤ F a_v/b_v</c> and <c>g_j b_j &lt; Q a_j ≤ F a_j</c>.</item>
/// <item>Inside a jurisdiction whose allowance <c>g_j</c> is below <c>Σ u_i</c>, powers are scaled to
/// <c>floor(u_i × g_j / Σ u)</c> and the remainder is handed out one unit each by largest fractional
/// part, ties by operator address; no validator exceeds its <c>u_i</c>.</item>
/// <item>If no <c>Q ≥ 1</c> qualifies (fewer than 1/cap validators, too few jurisdictions or tiny powers),
/// the caps cannot be met: every validator gets power 1 (<see cref="CappedPowers.CapsMet"/> is false).</item>
/// </list>
/// </remarks>
public static class VotingPowerCaps
{
    /// <summary>Applies the caps.</summary>
    /// <param name="validators">The active set with raw powers (positive).</param>
    /// <param name="validatorCap">Maximum share of one validator (inclusive).</param>
    /// <param name="jurisdictionCap">Share a jurisdiction must stay strictly below.</param>
    /// <returns>The capped powers, in the input order.</returns>
    public static CappedPowers Apply(IReadOnlyList<RawPower> validators, Ratio validatorCap, Ratio jurisdictionCap)
    {
        ArgumentNullException.ThrowIfNull(validators);
        if (validators.Count == 0)
        {
            return new CappedPowers([], true);
        }

        UInt128 total = 0;
        foreach (var v in validators)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(v.Power);
            total += (UInt128)v.Power;
        }

        var groups = validators.Select((v, i) => (v.Jurisdiction, i))
            .GroupBy(x => x.Jurisdiction, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Select(x => x.i).ToArray())
            .ToArray();

        UInt128 lo = 0;
        var hi = total + 1;
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            if (Allowance(validators, groups, mid, validatorCap, jurisdictionCap, null) >= mid)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        if (lo == 0)
        {
            return new CappedPowers([.. validators.Select(_ => 1L)], false);
        }

        var powers = new long[validators.Count];
        _ = Allowance(validators, groups, lo, validatorCap, jurisdictionCap, powers);
        return new CappedPowers(powers, true);
    }

    /// <summary>Whether powers meet both caps exactly (for tests and invariants).</summary>
    /// <param name="jurisdictions">Each validator's jurisdiction.</param>
    /// <param name="powers">Each validator's power.</param>
    /// <param name="validatorCap">Validator cap (inclusive).</param>
    /// <param name="jurisdictionCap">Jurisdiction cap (strict).</param>
    /// <returns>Whether both hold.</returns>
    public static bool MeetsCaps(IReadOnlyList<string> jurisdictions, IReadOnlyList<long> powers, Ratio validatorCap, Ratio jurisdictionCap)
    {
        ArgumentNullException.ThrowIfNull(jurisdictions);
        ArgumentNullException.ThrowIfNull(powers);
        UInt128 total = 0;
        foreach (var p in powers)
        {
            total += (UInt128)p;
        }

        foreach (var p in powers)
        {
            if ((UInt128)p * validatorCap.Denominator > total * validatorCap.Numerator)
            {
                return false;
            }
        }

        foreach (var g in jurisdictions.Select((j, i) => (j, i)).GroupBy(x => x.j, StringComparer.Ordinal))
        {
            UInt128 sum = 0;
            foreach (var (_, i) in g)
            {
                sum += (UInt128)powers[i];
            }

            if (sum * jurisdictionCap.Denominator >= total * jurisdictionCap.Numerator)
            {
                return false;
            }
        }

        return true;
    }

    private static UInt128 Allowance(IReadOnlyList<RawPower> validators, int[][] groups, UInt128 q, Ratio validatorCap, Ratio jurisdictionCap, long[]? output)
    {
        var perValidator = q * validatorCap.Numerator / validatorCap.Denominator;
        var qa = q * jurisdictionCap.Numerator;
        var perGroup = qa == 0 ? UInt128.Zero : (qa - 1) / jurisdictionCap.Denominator;
        UInt128 sum = 0;
        foreach (var group in groups)
        {
            var u = new UInt128[group.Length];
            UInt128 groupSum = 0;
            for (var k = 0; k < group.Length; k++)
            {
                u[k] = UInt128.Min((UInt128)validators[group[k]].Power, perValidator);
                groupSum += u[k];
            }

            var g = UInt128.Min(groupSum, perGroup);
            sum += g;
            if (output is not null)
            {
                Distribute(validators, group, u, groupSum, g, output);
            }
        }

        return sum;
    }

    private static void Distribute(IReadOnlyList<RawPower> validators, int[] group, UInt128[] u, UInt128 groupSum, UInt128 g, long[] output)
    {
        if (g == groupSum)
        {
            for (var k = 0; k < group.Length; k++)
            {
                output[group[k]] = (long)u[k];
            }

            return;
        }

        var remainders = new (UInt128 Remainder, int K)[group.Length];
        UInt128 assigned = 0;
        for (var k = 0; k < group.Length; k++)
        {
            var scaled = (System.Numerics.BigInteger)u[k] * (System.Numerics.BigInteger)g;
            var share = (UInt128)(scaled / (System.Numerics.BigInteger)groupSum);
            output[group[k]] = (long)share;
            assigned += share;
            remainders[k] = ((UInt128)(scaled % (System.Numerics.BigInteger)groupSum), k);
        }

        var order = remainders
            .OrderByDescending(r => r.Remainder)
            .ThenBy(r => validators[group[r.K]].Operator)
            .ToArray();
        for (var r = 0; assigned < g; r++, assigned++)
        {
            output[group[order[r].K]]++;
        }
    }
}

/// <summary>The result of <see cref="VotingPowerCaps.Apply"/>.</summary>
/// <param name="Powers">Capped powers in input order (0 means the validator drops out of the consensus set).</param>
/// <param name="CapsMet">False when the set is too small or too concentrated for the caps (everyone got power 1).</param>
public sealed record CappedPowers(IReadOnlyList<long> Powers, bool CapsMet);
