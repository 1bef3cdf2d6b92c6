using System.Text;
using FsCheck.Xunit;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;

namespace Phoenix.Node.Tests.Consensus.Types;

public class ValidatorSetTests
{
    [Fact]
    public void IncrementProposerPriority_FooBarBaz_MatchesUpstreamSequencePrefix()
    {
        // Embedded from cometbft/cometbft types/validator_set_test.go TestProposerSelection1 (v0.38.25): first 20 of 99.
        var set = Raw(("foo", 1000), ("bar", 300), ("baz", 330));
        var expected = "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar".Split(' ');
        var actual = new List<string>();
        foreach (var _ in expected)
        {
            actual.Add(Encoding.ASCII.GetString(set.Proposer!.Address));
            set.IncrementProposerPriority(1);
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void AveragePriority_ExtremeValues_FloorsWithoutOverflow()
    {
        // Embedded from TestAvgProposerPriority.
        Assert.Equal(3074457345618258602, ValidatorSet.AveragePriority([long.MaxValue, 0, 0]));
        Assert.Equal(4611686018427387903, ValidatorSet.AveragePriority([long.MaxValue, 0]));
        Assert.Equal(long.MinValue, ValidatorSet.AveragePriority([long.MinValue, long.MinValue]));
        Assert.Equal(-1, ValidatorSet.AveragePriority([-1, 0]));
    }

    [Fact]
    public void AllVectors_SharedConformanceFile_Reproduced()
    {
        var doc = ConformanceVectors.Load("cometbft_proposer_priority.json");
        if (doc is null)
        {
            return;
        }

        var d = doc.Value;
        var s1 = d.GetProperty("proposer_selection_1");
        var set = ValidatorSet.CreateFromValidators(s1.GetProperty("validators").EnumerateArray()
            .Select(v => new Validator(v.GetProperty("address_hex").Hex(), v.GetProperty("power").GetInt64(), 0)));
        foreach (var expected in s1.GetProperty("expected_sequence_ascii").EnumerateArray())
        {
            Assert.Equal(expected.GetString(), Encoding.ASCII.GetString(set.Proposer!.Address));
            set.IncrementProposerPriority(1);
        }

        foreach (var c in d.GetProperty("proposer_selection_2").EnumerateArray())
        {
            var s = ValidatorSet.CreateFromValidators(c.GetProperty("validators").EnumerateArray()
                .Select(v => new Validator(v.GetProperty("address_hex").Hex(), v.GetProperty("power").GetInt64(), 0)));
            if (c.TryGetProperty("expected_sequence_last_byte", out var seq))
            {
                foreach (var b in seq.EnumerateArray())
                {
                    Assert.Equal(b.GetInt32(), s.Proposer!.Address[^1]);
                    s.IncrementProposerPriority(1);
                }
            }
            else
            {
                var counts = new Dictionary<int, int>();
                for (var i = 0; i < 120; i++)
                {
                    counts[s.Proposer!.Address[^1]] = counts.GetValueOrDefault(s.Proposer!.Address[^1]) + 1;
                    s.IncrementProposerPriority(1);
                }

                foreach (var kv in c.GetProperty("expected_counts_by_last_byte").EnumerateObject())
                {
                    Assert.Equal(kv.Value.GetInt32(), counts[int.Parse(kv.Name)]);
                }
            }
        }

        foreach (var c in d.GetProperty("avg_proposer_priority").GetProperty("cases").EnumerateArray())
        {
            Assert.Equal(c.GetProperty("expected").GetInt64(), ValidatorSet.AveragePriority(c.GetProperty("priorities").EnumerateArray().Select(p => p.GetInt64()).ToList()));
        }

        foreach (var c in d.GetProperty("averaging_in_increment").GetProperty("cases").EnumerateArray())
        {
            var addrs = c.GetProperty("addresses_ascii").EnumerateArray().Select(a => Encoding.ASCII.GetBytes(a.GetString()!)).ToList();
            var prios = c.GetProperty("priorities").EnumerateArray().Select(p => p.GetInt64()).ToList();
            var s = ValidatorSet.FromRaw(addrs.Select((a, i) => new Validator(a, 0, prios[i])));
            s.IncrementProposerPriority(c.GetProperty("times").GetInt32());
            Assert.Equal(c.GetProperty("expected_priorities").EnumerateArray().Select(p => p.GetInt64()), s.Validators.Select(v => v.ProposerPriority));
        }

        var wvp = d.GetProperty("averaging_with_voting_power");
        foreach (var c in wvp.GetProperty("cases").EnumerateArray())
        {
            var s = ValidatorSet.FromRaw(wvp.GetProperty("validators").EnumerateArray().Select(v => new Validator(v.GetProperty("address_hex").Hex(), v.GetProperty("power").GetInt64(), 0)));
            s.IncrementProposerPriority(c.GetProperty("times").GetInt32());
            Assert.Equal(c.GetProperty("expected_priorities").EnumerateArray().Select(p => p.GetInt64()), s.Validators.Select(v => v.ProposerPriority));
            Assert.Same(s.Validators[c.GetProperty("expected_proposer_index").GetInt32()], s.Proposer);
        }
    }

    [Property(MaxTest = 50)]
    public bool IncrementProposerPriority_OverOneCycle_EachValidatorProposesInProportionToPower(byte a, byte b, byte c)
    {
        var powers = new long[] { a % 20 + 1, b % 20 + 1, c % 20 + 1 };
        var set = ValidatorSet.Create(powers.Select((p, i) => new ValidatorUpdate(Key(i), p)));
        var total = set.TotalVotingPower;
        var counts = new Dictionary<string, long>();
        for (var i = 0; i < total; i++)
        {
            var addr = Convert.ToHexString(set.Proposer!.Address);
            counts[addr] = counts.GetValueOrDefault(addr) + 1;
            set.IncrementProposerPriority(1);
        }

        return set.Validators.All(v => counts.GetValueOrDefault(Convert.ToHexString(v.Address)) == v.VotingPower);
    }

    [Fact]
    public void UpdateWithChangeSet_AddRemoveAndDuplicate_AppliesOrRejects()
    {
        var set = ValidatorSet.Create([new ValidatorUpdate(Key(0), 10), new ValidatorUpdate(Key(1), 10)]);
        set.UpdateWithChangeSet([new ValidatorUpdate(Key(2), 30)]);
        Assert.Equal(50, set.TotalVotingPower);
        Assert.Equal(Validator.AddressOf(Key(2)), set.Validators[0].Address);
        // A newcomer starts behind everyone (-1.125 P before centring), so it cannot propose at once.
        Assert.Equal(set.Validators.Min(v => v.ProposerPriority), set.Validators[0].ProposerPriority);
        Assert.True(set.Validators[0].ProposerPriority < 0);

        set.UpdateWithChangeSet([new ValidatorUpdate(Key(0), 0)]);
        Assert.Equal(2, set.Count);
        Assert.Throws<ArgumentException>(() => set.UpdateWithChangeSet([new ValidatorUpdate(Key(5), 0)]));
        Assert.Throws<ArgumentException>(() => set.UpdateWithChangeSet([new ValidatorUpdate(Key(1), 1), new ValidatorUpdate(Key(1), 2)]));
        Assert.Throws<ArgumentException>(() => set.UpdateWithChangeSet([new ValidatorUpdate(Key(1), -1)]));
        Assert.Equal(2, set.Count);
    }

    internal static byte[] Key(int i)
    {
        var seed = new byte[32];
        seed[0] = (byte)(i + 1);
        return Ed25519.GetPublicKey(seed);
    }

    private static ValidatorSet Raw(params (string Name, long Power)[] vals)
        => ValidatorSet.CreateFromValidators(vals.Select(v => new Validator(Encoding.ASCII.GetBytes(v.Name), v.Power, 0)));
}
