using Phoenix.Compute.Commitments;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Verification;

/// <summary>A side of a dispute.</summary>
public enum DisputeParty
{
    /// <summary>The miner who submitted the result.</summary>
    Miner = 0,

    /// <summary>The party challenging it.</summary>
    Challenger = 1,
}

/// <summary>
/// The bisection game over two execution-trace commitments (RFC 6962 trees over the same number of
/// node leaves): each round both sides reveal the two child hashes of the subtree still in dispute,
/// and the game descends into the left child if the sides disagree there, otherwise into the right.
/// After at most ⌈log2(nodes)⌉ rounds it stops at the first node whose outputs differ; every node
/// before it is then agreed, so referees need only re-execute that one node on agreed inputs.
/// </summary>
/// <remarks>
/// Pure and deterministic (SHA-256 only), so a chain can run it move by move. A reveal whose two
/// children do not hash to what that side committed before forfeits the game for that side. Not
/// thread-safe: one game is driven by one caller.
/// </remarks>
public sealed class BisectionGame
{
    /// <summary>Starts a game.</summary>
    /// <param name="leafCount">The number of trace leaves (graph nodes); both sides ran the same model.</param>
    /// <param name="minerRoot">The miner's trace root.</param>
    /// <param name="challengerRoot">The challenger's trace root.</param>
    /// <exception cref="ArgumentException">The roots are equal: there is nothing to dispute.</exception>
    public BisectionGame(int leafCount, Hash32 minerRoot, Hash32 challengerRoot)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leafCount, 1);
        if (minerRoot == challengerRoot)
        {
            throw new ArgumentException("Equal trace roots: there is nothing to dispute.", nameof(challengerRoot));
        }

        LeafCount = leafCount;
        High = leafCount;
        MinerClaim = minerRoot;
        ChallengerClaim = challengerRoot;
    }

    /// <summary>The number of trace leaves.</summary>
    public int LeafCount { get; }

    /// <summary>First leaf of the subtree in dispute (inclusive).</summary>
    public int Low { get; private set; }

    /// <summary>Last leaf of the subtree in dispute (exclusive).</summary>
    public int High { get; private set; }

    /// <summary>The miner's hash of the subtree in dispute.</summary>
    public Hash32 MinerClaim { get; private set; }

    /// <summary>The challenger's hash of the subtree in dispute.</summary>
    public Hash32 ChallengerClaim { get; private set; }

    /// <summary>Rounds played.</summary>
    public int Rounds { get; private set; }

    /// <summary>The side that forfeited by an inconsistent reveal, if any.</summary>
    public DisputeParty? Forfeited { get; private set; }

    /// <summary>Whether the game has narrowed to one node (or a side forfeited).</summary>
    public bool IsResolved => Forfeited is not null || High - Low == 1;

    /// <summary>The first differing node, once <see cref="IsResolved"/> without forfeit.</summary>
    public int DisputedNode => High - Low == 1 ? Low : throw new InvalidOperationException("The game has not narrowed to one node.");

    /// <summary>The most rounds a game over <paramref name="leafCount"/> leaves can take: ⌈log2(leafCount)⌉.</summary>
    /// <param name="leafCount">The number of leaves.</param>
    /// <returns>The bound.</returns>
    public static int MaxRounds(int leafCount)
    {
        var rounds = 0;
        for (var n = 1L; n < leafCount; n *= 2)
        {
            rounds++;
        }

        return rounds;
    }

    /// <summary>Plays one round: both sides reveal the two children of the subtree in dispute.</summary>
    /// <param name="minerLeft">The miner's left child hash.</param>
    /// <param name="minerRight">The miner's right child hash.</param>
    /// <param name="challengerLeft">The challenger's left child hash.</param>
    /// <param name="challengerRight">The challenger's right child hash.</param>
    /// <exception cref="InvalidOperationException">The game is already resolved.</exception>
    public void Bisect(Hash32 minerLeft, Hash32 minerRight, Hash32 challengerLeft, Hash32 challengerRight)
    {
        if (IsResolved)
        {
            throw new InvalidOperationException("The game is resolved.");
        }

        Rounds++;
        if (MerkleTree.HashInner(minerLeft, minerRight) != MinerClaim)
        {
            Forfeited = DisputeParty.Miner;
            return;
        }

        if (MerkleTree.HashInner(challengerLeft, challengerRight) != ChallengerClaim)
        {
            Forfeited = DisputeParty.Challenger;
            return;
        }

        var mid = MerkleTree.Split(Low, High);
        if (minerLeft != challengerLeft)
        {
            High = mid;
            (MinerClaim, ChallengerClaim) = (minerLeft, challengerLeft);
        }
        else
        {
            Low = mid;
            (MinerClaim, ChallengerClaim) = (minerRight, challengerRight);
        }
    }

    /// <summary>Plays a whole game between two honest-to-their-own-tree parties (each answers from its tree).</summary>
    /// <param name="miner">The miner's trace tree.</param>
    /// <param name="challenger">The challenger's trace tree.</param>
    /// <returns>The resolved game.</returns>
    public static BisectionGame Play(MerkleTree miner, MerkleTree challenger)
    {
        ArgumentNullException.ThrowIfNull(miner);
        ArgumentNullException.ThrowIfNull(challenger);
        if (miner.LeafCount != challenger.LeafCount)
        {
            throw new ArgumentException("Both traces must have the same number of nodes.", nameof(challenger));
        }

        var game = new BisectionGame(miner.LeafCount, miner.Root, challenger.Root);
        while (!game.IsResolved)
        {
            var mid = MerkleTree.Split(game.Low, game.High);
            game.Bisect(
                miner.SubtreeHash(game.Low, mid), miner.SubtreeHash(mid, game.High),
                challenger.SubtreeHash(game.Low, mid), challenger.SubtreeHash(mid, game.High));
        }

        return game;
    }
}
