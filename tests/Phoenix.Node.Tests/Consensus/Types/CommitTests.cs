using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Tests.Consensus.Types;

public class CommitTests
{
    private const string Chain = "commit-test";
    private static readonly BlockId Block = new(Enumerable.Repeat((byte)7, 32).ToArray(), new PartSetHeader(1, Enumerable.Repeat((byte)8, 32).ToArray()));

    private static (ValidatorSet Set, Dictionary<string, byte[]> Seeds) MakeSet(params long[] powers)
    {
        var seeds = powers.Select((_, i) => Tendermint.SimulationHarness.Seed(i + 10)).ToList();
        var set = ValidatorSet.Create(seeds.Select((s, i) => new ValidatorUpdate(Ed25519.GetPublicKey(s), powers[i])));
        return (set, seeds.ToDictionary(s => Convert.ToHexString(Validator.AddressOf(Ed25519.GetPublicKey(s))), s => s));
    }

    private static Commit MakeCommit(ValidatorSet set, Dictionary<string, byte[]> seeds, Func<int, BlockIdFlag> flag)
    {
        var sigs = set.Validators.Select((v, i) =>
        {
            var f = flag(i);
            if (f == BlockIdFlag.Absent)
            {
                return CommitSig.Absent;
            }

            var vote = new Vote(SignedMsgType.Precommit, 9, 1, f == BlockIdFlag.Commit ? Block : BlockId.Nil, new Timestamp(1000 + i, 0), v.Address, i, []);
            return new CommitSig(f, v.Address, vote.Timestamp, Ed25519.Sign(seeds[Convert.ToHexString(v.Address)], vote.SignBytes(Chain)));
        }).ToList();
        return new Commit(9, 1, Block, sigs);
    }

    [Fact]
    public void Verify_ThreeOfFourEqualPower_Valid()
    {
        var (set, seeds) = MakeSet(10, 10, 10, 10);
        var commit = MakeCommit(set, seeds, i => i == 3 ? BlockIdFlag.Absent : BlockIdFlag.Commit);
        Assert.Equal(CommitVerification.Valid, commit.Verify(Chain, set, Block, 9));
        Assert.Equal(CommitVerification.WrongBlock, commit.Verify(Chain, set, Block, 10));
    }

    [Fact]
    public void Verify_ExactlyTwoThirds_InsufficientAndNilDoesNotCount()
    {
        var (set, seeds) = MakeSet(10, 10, 10);
        Assert.Equal(CommitVerification.InsufficientPower, MakeCommit(set, seeds, i => i == 2 ? BlockIdFlag.Absent : BlockIdFlag.Commit).Verify(Chain, set, Block, 9));
        Assert.Equal(CommitVerification.InsufficientPower, MakeCommit(set, seeds, i => i == 2 ? BlockIdFlag.Nil : BlockIdFlag.Commit).Verify(Chain, set, Block, 9));
    }

    [Fact]
    public void Verify_TamperedSignatureOrForeignChain_Rejected()
    {
        var (set, seeds) = MakeSet(10, 10, 10, 10);
        var commit = MakeCommit(set, seeds, _ => BlockIdFlag.Commit);
        Assert.Equal(CommitVerification.BadSignature, commit.Verify("other", set, Block, 9));
        var sigs = commit.Signatures.ToList();
        sigs[1] = sigs[1] with { Timestamp = sigs[1].Timestamp.AddSeconds(1) };
        Assert.Equal(CommitVerification.BadSignature, (commit with { Signatures = sigs }).Verify(Chain, set, Block, 9));
        Assert.Equal(CommitVerification.WrongSize, (commit with { Signatures = sigs.Take(3).ToList() }).Verify(Chain, set, Block, 9));
    }

    [Fact]
    public void MedianTime_HeavyValidator_DominatesWeightedMedian()
    {
        var (set, seeds) = MakeSet(70, 10, 10, 10);
        var commit = MakeCommit(set, seeds, _ => BlockIdFlag.Commit);
        var heavy = set.Validators[0];
        var heavyIndex = commit.Signatures.ToList().FindIndex(s => s.ValidatorAddress.AsSpan().SequenceEqual(heavy.Address));
        Assert.Equal(commit.Signatures[heavyIndex].Timestamp, commit.MedianTime(set));
    }

    [FsCheck.Xunit.Property(MaxTest = 100)]
    public bool WeightedMedian_AnyWeights_HalfOfPowerAtOrBefore(byte[] weights)
    {
        var list = (weights ?? []).Select((w, i) => (Time: new Timestamp(1000 + (i * 7 % 13), 0), Weight: (long)w + 1)).ToList();
        if (list.Count == 0)
        {
            return true;
        }

        var total = list.Sum(w => w.Weight);
        var median = Commit.WeightedMedian(list, total);
        var atOrBefore = list.Where(w => w.Time <= median).Sum(w => w.Weight);
        var before = list.Where(w => w.Time < median).Sum(w => w.Weight);
        return atOrBefore >= total / 2 && before <= total / 2;
    }
}
