using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Staking;

public sealed class VotingPowerCapsTests
{
    private static readonly Ratio TenPercent = Ratio.FromBasisPoints(1000);
    private static readonly Ratio OneThird = new(1, 3);
    private static readonly string[] Codes = ["DE", "FR", "US", "JP", "CH", "SG", "BR", "KE"];

    private static List<RawPower> Set(long[] powers, int jurisdictions, int skew)
        => [.. powers.Select((p, i) => new RawPower(TestKeys.Numbered(i).Address, Codes[(i * (skew + 1) % powers.Length) % jurisdictions], p))];

    [Fact]
    public void Apply_OneWhale_CapsItAtTenPercent()
    {
        long[] powers = [.. Enumerable.Repeat(100L, 10), 10_000];
        var set = powers.Select((p, i) => new RawPower(TestKeys.Numbered(i).Address, Codes[i % 4], p)).ToList();

        var result = VotingPowerCaps.Apply(set, TenPercent, OneThird);

        Assert.True(result.CapsMet);
        Assert.All(result.Powers.Take(10), p => Assert.Equal(100, p));
        var total = result.Powers.Sum();
        Assert.True(result.Powers[10] * 10 <= total, $"whale {result.Powers[10]} of {total}");
        Assert.True(result.Powers[10] >= 100, "the whale keeps at least what the others have");
    }

    [Fact]
    public void Apply_OneDominantJurisdiction_KeepsItBelowOneThird()
    {
        // 20 equal validators, 12 of them in DE (DE would hold 60 %); the rest 2 each in FR, US, JP, CH.
        var set = Enumerable.Range(0, 20).Select(i => new RawPower(TestKeys.Numbered(i).Address, i < 12 ? "DE" : Codes[1 + (i % 4)], 1_000)).ToList();

        var result = VotingPowerCaps.Apply(set, TenPercent, OneThird);

        Assert.True(result.CapsMet);
        var de = result.Powers.Take(12).Sum();
        Assert.True(de * 3 < result.Powers.Sum(), $"DE {de} of {result.Powers.Sum()}");
        Assert.True(de * 3 >= result.Powers.Sum() - 3, "DE keeps as much as the cap allows");
        Assert.All(result.Powers.Skip(12), p => Assert.Equal(1_000, p));
    }

    [Fact]
    public void Apply_TooFewValidators_ReportsCapsUnmetAndGivesEqualPower()
    {
        var set = Enumerable.Range(0, 3).Select(i => new RawPower(TestKeys.Numbered(i).Address, Codes[i], 100 * (i + 1))).ToList();
        var result = VotingPowerCaps.Apply(set, TenPercent, OneThird);
        Assert.False(result.CapsMet);
        Assert.All(result.Powers, p => Assert.Equal(1, p));
    }

    [Fact]
    public void Apply_AlreadyWithinCaps_LeavesPowersUnchanged()
    {
        var set = Enumerable.Range(0, 20).Select(i => new RawPower(TestKeys.Numbered(i).Address, Codes[i % 5], 1_000 + i)).ToList();
        var result = VotingPowerCaps.Apply(set, TenPercent, OneThird);
        Assert.True(result.CapsMet);
        Assert.Equal(set.Select(s => s.Power), result.Powers);
    }

    [Property(MaxTest = 300)]
    public bool Apply_AnySet_NeverRaisesAPowerAndMeetsBothCapsWhenItSaysSo(PositiveInt[] raw, byte jurisdictionCount, byte skew)
    {
        if (raw.Length == 0)
        {
            return true;
        }

        var powers = raw.Take(100).Select(p => (long)p.Get).ToArray();
        var set = Set(powers, 1 + (jurisdictionCount % Codes.Length), skew);
        var result = VotingPowerCaps.Apply(set, TenPercent, OneThird);

        var never = result.Powers.Zip(powers).All(x => x.First <= x.Second || !result.CapsMet);
        var caps = !result.CapsMet || VotingPowerCaps.MeetsCaps([.. set.Select(s => s.Jurisdiction)], result.Powers, TenPercent, OneThird);
        var deterministic = VotingPowerCaps.Apply(set, TenPercent, OneThird).Powers.SequenceEqual(result.Powers);
        return never && caps && deterministic && result.Powers.Count == powers.Length;
    }

    [Property(MaxTest = 200)]
    public bool Apply_FeasibleSets_AlwaysMeetsCaps(PositiveInt[] raw, int seed)
    {
        // 20-100 validators with powers 100..10^9, spread round-robin over 5 jurisdictions: caps are attainable.
        var n = 20 + (Math.Abs(seed % 81));
        var powers = Enumerable.Range(0, n).Select(i => 100L + (raw.Length == 0 ? i : raw[i % raw.Length].Get % 1_000_000_000)).ToArray();
        var set = powers.Select((p, i) => new RawPower(TestKeys.Numbered(i).Address, Codes[i % 5], p)).ToList();
        var result = VotingPowerCaps.Apply(set, TenPercent, OneThird);
        return result.CapsMet
            && VotingPowerCaps.MeetsCaps([.. set.Select(s => s.Jurisdiction)], result.Powers, TenPercent, OneThird)
            && result.Powers.Zip(powers).All(x => x.First <= x.Second);
    }

    [Fact]
    public void Apply_Empty_ReturnsEmpty()
    {
        Assert.Empty(VotingPowerCaps.Apply([], TenPercent, OneThird).Powers);
        _ = Address.ForModule("x");
    }
}
