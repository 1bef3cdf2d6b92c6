using FsCheck.Xunit;
using Phoenix.Compute.Verification;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Verification;

public class SpotCheckTests
{
    private static Hash32 Block(int i) => Hash32.Sha256(BitConverter.GetBytes(i));

    [Property(MaxTest = 200)]
    public bool RequiredRate_AlwaysReachesTargetCatchProbability(byte target, byte fraction, ushort units)
    {
        var p = 0.5 + (target % 49 / 100.0);
        var f = (fraction % 100 + 1) / 100.0;
        var n = units % 20000 + 1;

        var rate = SpotCheck.RequiredRate(p, f, n);

        return rate >= SpotCheck.MinimumRate && rate <= 1 && SpotCheck.CatchProbability(rate, f, n) >= p - 1e-12;
    }

    [Fact]
    public void RequiredRate_OneCheatedUnit_EqualsTargetProbability()
    {
        // With m = 1 cheated unit the formula degenerates to r = P.
        Assert.Equal(0.9, SpotCheck.RequiredRate(0.9, 0.001, 1000), 12);
    }

    [Fact]
    public void RequiredRate_IsTheSmallestRateThatReachesTheTarget()
    {
        var rate = SpotCheck.RequiredRate(0.99, 0.05, 1000);

        Assert.True(SpotCheck.CatchProbability(rate * 0.99, 0.05, 1000) < 0.99);
        Assert.True(SpotCheck.CatchProbability(rate, 0.05, 1000) >= 0.99 - 1e-12);
    }

    [Fact]
    public void Select_SameSeed_SameUnitsAndDifferentBlockOrSalt_DifferentUnits()
    {
        var sampler = new SpotCheckSampler(0.1);

        var a = sampler.Select(Block(1), "validator-a"u8, 1000);
        var again = sampler.Select(Block(1), "validator-a"u8, 1000);
        var otherBlock = sampler.Select(Block(2), "validator-a"u8, 1000);
        var otherSalt = sampler.Select(Block(1), "validator-b"u8, 1000);

        Assert.Equal(a, again);
        Assert.NotEqual(a, otherBlock);
        Assert.NotEqual(a, otherSalt);
    }

    [Fact]
    public void Select_ManyUnits_FrequencyIsCloseToRate()
    {
        var sampler = new SpotCheckSampler(0.05);
        const int n = 40000;

        var picked = sampler.Select(Block(7), [], n).Count;

        // Binomial(n, 0.05): mean 2000, standard deviation about 43.6; allow 6 standard deviations.
        Assert.InRange(picked, 2000 - 262, 2000 + 262);
    }

    [Fact]
    public void Sampler_CheatingMinerOverManyBlocks_IsCaughtAtTheFormulasRate()
    {
        const int units = 200;
        const double fraction = 0.05;
        var rate = SpotCheck.RequiredRate(0.9, fraction, units);
        var sampler = new SpotCheckSampler(rate);
        var cheated = Enumerable.Range(0, (int)Math.Ceiling(fraction * units)).Select(i => (uint)(i * 19 % units)).ToHashSet();
        const int trials = 3000;

        var caught = Enumerable.Range(0, trials).Count(b => cheated.Any(u => sampler.IsSelected(Block(b), "task-1"u8, u)));

        // Expected 0.9 × 3000 = 2700; standard deviation about 16.4; allow 6 standard deviations.
        Assert.InRange(caught, 2700 - 99, 2700 + 99);
    }

    [Fact]
    public void Sampler_RateZeroAndOne_SelectNoneAndAll()
    {
        Assert.Empty(new SpotCheckSampler(0).Select(Block(1), [], 500));
        Assert.Equal(500, new SpotCheckSampler(1).Select(Block(1), [], 500).Count);
    }
}
