using Phoenix.Node.Consensus.Internal;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Types;

/// <summary>One validator's signature in a commit.</summary>
/// <param name="Flag">Absent, commit (for the block) or nil.</param>
/// <param name="ValidatorAddress">The validator's address (empty when absent).</param>
/// <param name="Timestamp">The precommit's timestamp (Go zero time when absent).</param>
/// <param name="Signature">The precommit's signature (empty when absent).</param>
public sealed record CommitSig(BlockIdFlag Flag, byte[] ValidatorAddress, Timestamp Timestamp, byte[] Signature)
{
    /// <summary>An absent entry.</summary>
    public static CommitSig Absent { get; } = new(BlockIdFlag.Absent, [], CanonicalEncoding.GoZeroTime, []);

    /// <summary>proto(CommitSig{block_id_flag=1, validator_address=2, timestamp=3, signature=4}).</summary>
    /// <returns>The encoding.</returns>
    public byte[] ToProto() => new ProtoWriter()
        .Varint(1, (ulong)Flag)
        .Bytes(2, ValidatorAddress)
        .Message(3, CanonicalEncoding.TimestampProto(Timestamp))
        .Bytes(4, Signature)
        .ToArray();
}

/// <summary>The outcome of <see cref="Commit.Verify"/>.</summary>
public enum CommitVerification
{
    /// <summary>More than 2/3 of the voting power signed the block.</summary>
    Valid = 0,

    /// <summary>Height or block id differ from what was expected.</summary>
    WrongBlock,

    /// <summary>The number of signatures differs from the validator count.</summary>
    WrongSize,

    /// <summary>A signature's address does not match the validator at its index.</summary>
    WrongValidator,

    /// <summary>A signature does not verify.</summary>
    BadSignature,

    /// <summary>The signed power is 2/3 of the total or less.</summary>
    InsufficientPower,
}

/// <summary>
/// +2/3 precommits for a block (CometBFT's <c>Commit</c>): one <see cref="CommitSig"/> per validator of the height's
/// set, in set order.
/// </summary>
/// <param name="Height">Height.</param>
/// <param name="Round">The deciding round.</param>
/// <param name="BlockId">The committed block.</param>
/// <param name="Signatures">One entry per validator.</param>
public sealed record Commit(long Height, int Round, BlockId BlockId, IReadOnlyList<CommitSig> Signatures)
{
    /// <summary>The empty commit carried by the first block.</summary>
    public static Commit Empty { get; } = new(0, 0, BlockId.Nil, []);

    /// <summary>The last-commit hash: Merkle root over proto(CommitSig).</summary>
    /// <returns>32 bytes.</returns>
    public byte[] Hash() => MerkleTree.HashFromByteSlices(Signatures.Select(s => s.ToProto()).ToList());

    /// <summary>Rebuilds the precommit of entry <paramref name="index"/> (not for absent entries).</summary>
    /// <param name="index">Index in the validator set.</param>
    /// <returns>The vote.</returns>
    public Vote GetVote(int index)
    {
        var sig = Signatures[index];
        return new Vote(SignedMsgType.Precommit, Height, Round, sig.Flag == BlockIdFlag.Commit ? BlockId : BlockId.Nil, sig.Timestamp, sig.ValidatorAddress, index, sig.Signature);
    }

    /// <summary>
    /// CometBFT's <c>VerifyCommit</c>: every non-absent signature must verify (commit and nil entries), and the
    /// power of commit entries must exceed 2/3 of the total.
    /// </summary>
    /// <param name="chainId">Chain id.</param>
    /// <param name="validators">The validator set of <paramref name="height"/>.</param>
    /// <param name="blockId">The expected block.</param>
    /// <param name="height">The expected height.</param>
    /// <returns>The verdict.</returns>
    public CommitVerification Verify(string chainId, ValidatorSet validators, BlockId blockId, long height)
    {
        ArgumentNullException.ThrowIfNull(validators);
        if (height != Height || !BlockId.Equals(blockId))
        {
            return CommitVerification.WrongBlock;
        }

        if (Signatures.Count != validators.Count)
        {
            return CommitVerification.WrongSize;
        }

        long tallied = 0;
        for (var i = 0; i < Signatures.Count; i++)
        {
            var sig = Signatures[i];
            if (sig.Flag == BlockIdFlag.Absent)
            {
                continue;
            }

            if (sig.Flag is not (BlockIdFlag.Commit or BlockIdFlag.Nil))
            {
                return CommitVerification.BadSignature;
            }

            var validator = validators.Validators[i];
            if (!validator.Address.AsSpan().SequenceEqual(sig.ValidatorAddress))
            {
                return CommitVerification.WrongValidator;
            }

            if (!GetVote(i).Verify(chainId, validator.PublicKey))
            {
                return CommitVerification.BadSignature;
            }

            if (sig.Flag == BlockIdFlag.Commit)
            {
                tallied += validator.VotingPower;
            }
        }

        return tallied > validators.TotalVotingPower * 2 / 3 ? CommitVerification.Valid : CommitVerification.InsufficientPower;
    }

    /// <summary>
    /// BFT time: the voting-power-weighted median of the non-absent timestamps (CometBFT's <c>MedianTime</c>).
    /// </summary>
    /// <param name="validators">The validator set that signed this commit.</param>
    /// <returns>The median time.</returns>
    public Timestamp MedianTime(ValidatorSet validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        var weighted = new List<(Timestamp Time, long Weight)>();
        long total = 0;
        foreach (var sig in Signatures)
        {
            if (sig.Flag == BlockIdFlag.Absent)
            {
                continue;
            }

            var v = validators.GetByAddress(sig.ValidatorAddress, out _);
            if (v is not null)
            {
                total += v.VotingPower;
                weighted.Add((sig.Timestamp, v.VotingPower));
            }
        }

        return WeightedMedian(weighted, total);
    }

    /// <summary>CometBFT's <c>WeightedMedian</c>: sort by time, walk until the cumulative weight reaches total/2.</summary>
    internal static Timestamp WeightedMedian(List<(Timestamp Time, long Weight)> weighted, long total)
    {
        var median = total / 2;
        foreach (var (time, weight) in weighted.OrderBy(w => w.Time))
        {
            if (median <= weight)
            {
                return time;
            }

            median -= weight;
        }

        return default;
    }
}
