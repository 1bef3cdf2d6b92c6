using FsCheck.Xunit;
using Phoenix.Compute.Commitments;
using Phoenix.Compute.Verification;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Verification;

public class BisectionGameTests
{
    private static Hash32[] Leaves(int n, int salt) => Enumerable.Range(0, n).Select(i => MerkleTree.HashLeaf(BitConverter.GetBytes((i * 7919) + salt))).ToArray();

    [Property(MaxTest = 150)]
    public bool Play_TracesDifferFromSomeNodeOn_FindsTheFirstDifferingNodeWithinLog2Rounds(ushort size, ushort first, bool divergeAfter)
    {
        var n = (size % 2000) + 1;
        var k = first % n;
        var honest = Leaves(n, 0);
        var other = (Hash32[])honest.Clone();
        other[k] = MerkleTree.HashLeaf([1, 2, 3]);
        if (divergeAfter)
        {
            // A cheater's later nodes differ too (they were computed from the perturbed value).
            for (var i = k + 1; i < n; i += 3)
            {
                other[i] = MerkleTree.HashLeaf(BitConverter.GetBytes(i + 1_000_000));
            }
        }

        var game = BisectionGame.Play(new MerkleTree(other), new MerkleTree(honest));

        return game.Forfeited is null && game.DisputedNode == k && game.Rounds <= BisectionGame.MaxRounds(n);
    }

    [Fact]
    public void Bisect_RevealThatDoesNotHashToCommitment_ForfeitsThatSide()
    {
        var honest = new MerkleTree(Leaves(64, 0));
        var other = new MerkleTree(Leaves(64, 1));
        var game = new BisectionGame(64, other.Root, honest.Root);

        game.Bisect(Hash32.Sha256([9]), Hash32.Sha256([8]), honest.SubtreeHash(0, 32), honest.SubtreeHash(32, 64));

        Assert.True(game.IsResolved);
        Assert.Equal(DisputeParty.Miner, game.Forfeited);
        Assert.Throws<InvalidOperationException>(() => game.DisputedNode);
    }

    [Fact]
    public void MaxRounds_PowersOfTwo_AreLog2()
    {
        Assert.Equal(0, BisectionGame.MaxRounds(1));
        Assert.Equal(10, BisectionGame.MaxRounds(1024));
        Assert.Equal(11, BisectionGame.MaxRounds(1025));
    }
}
