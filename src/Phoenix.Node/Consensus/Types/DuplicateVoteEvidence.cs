using System.Security.Cryptography;
using Phoenix.Node.Consensus.Internal;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Types;

/// <summary>Proof that a validator signed two different votes for one height, round and type.</summary>
/// <param name="VoteA">The vote whose <see cref="BlockId.Key"/> sorts lower.</param>
/// <param name="VoteB">The other vote.</param>
/// <param name="TotalVotingPower">Total voting power of the set at that height.</param>
/// <param name="ValidatorPower">The offender's power at that height.</param>
/// <param name="Timestamp">The block time of the offence height.</param>
public sealed record DuplicateVoteEvidence(Vote VoteA, Vote VoteB, long TotalVotingPower, long ValidatorPower, Timestamp Timestamp)
{
    /// <summary>Orders two conflicting votes like CometBFT's <c>NewDuplicateVoteEvidence</c> (lower key first; on a tie the second argument first).</summary>
    /// <param name="vote1">First vote.</param>
    /// <param name="vote2">Second vote.</param>
    /// <param name="totalVotingPower">Total power at the height.</param>
    /// <param name="validatorPower">The offender's power.</param>
    /// <param name="blockTime">Block time of the height.</param>
    /// <returns>The evidence.</returns>
    public static DuplicateVoteEvidence Create(Vote vote1, Vote vote2, long totalVotingPower, long validatorPower, Timestamp blockTime)
    {
        ArgumentNullException.ThrowIfNull(vote1);
        ArgumentNullException.ThrowIfNull(vote2);
        return vote1.BlockId.Key().AsSpan().SequenceCompareTo(vote2.BlockId.Key()) < 0
            ? new DuplicateVoteEvidence(vote1, vote2, totalVotingPower, validatorPower, blockTime)
            : new DuplicateVoteEvidence(vote2, vote1, totalVotingPower, validatorPower, blockTime);
    }

    /// <summary>The offence height.</summary>
    public long Height => VoteA.Height;

    /// <summary>proto(DuplicateVoteEvidence{vote_a=1, vote_b=2, total_voting_power=3, validator_power=4, timestamp=5}).</summary>
    /// <returns>The encoding.</returns>
    public byte[] ToProto() => new ProtoWriter()
        .Message(1, VoteA.ToProto())
        .Message(2, VoteB.ToProto())
        .Int64(3, TotalVotingPower)
        .Int64(4, ValidatorPower)
        .Message(5, CanonicalEncoding.TimestampProto(Timestamp))
        .ToArray();

    /// <summary>SHA-256 of the encoding.</summary>
    /// <returns>32 bytes.</returns>
    public byte[] Hash() => SHA256.HashData(ToProto());

    /// <summary>
    /// Checks the evidence against the validator set of its height (CometBFT's <c>VerifyDuplicateVote</c>).
    /// </summary>
    /// <param name="chainId">Chain id.</param>
    /// <param name="validators">The set at <see cref="Height"/>.</param>
    /// <returns>null when valid, else the reason.</returns>
    public string? Validate(string chainId, ValidatorSet validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        if (VoteA.Height != VoteB.Height || VoteA.Round != VoteB.Round || VoteA.Type != VoteB.Type)
        {
            return "votes are for different height, round or type";
        }

        if (VoteA.Type is not (SignedMsgType.Prevote or SignedMsgType.Precommit))
        {
            return "votes have an invalid type";
        }

        if (!VoteA.ValidatorAddress.AsSpan().SequenceEqual(VoteB.ValidatorAddress))
        {
            return "votes are from different validators";
        }

        if (VoteA.BlockId.Equals(VoteB.BlockId))
        {
            return "votes are for the same block";
        }

        if (VoteA.BlockId.Key().AsSpan().SequenceCompareTo(VoteB.BlockId.Key()) >= 0)
        {
            return "votes are not in canonical order";
        }

        var validator = validators.GetByAddress(VoteA.ValidatorAddress, out _);
        if (validator is null)
        {
            return "the validator is not in the set";
        }

        if (validator.VotingPower != ValidatorPower || validators.TotalVotingPower != TotalVotingPower)
        {
            return "the voting power does not match the set";
        }

        if (!VoteA.Verify(chainId, validator.PublicKey) || !VoteB.Verify(chainId, validator.PublicKey))
        {
            return "a signature does not verify";
        }

        return null;
    }
}
