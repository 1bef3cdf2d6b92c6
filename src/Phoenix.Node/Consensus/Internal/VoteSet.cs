using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Consensus.Internal;

internal enum AddVoteResult
{
    Added,
    Duplicate,
    Conflict,
}

/// <summary>Votes of one type for one height and round, with power tallies per block id.</summary>
internal sealed class VoteSet
{
    private readonly ValidatorSet _validators;
    private readonly Vote?[] _votes;
    private readonly Dictionary<BlockId, long> _powerByBlock = [];
    private long _sum;

    public VoteSet(ValidatorSet validators)
    {
        _validators = validators;
        _votes = new Vote?[validators.Count];
    }

    /// <summary>The block id with more than 2/3 of the power, once reached (nil id for a nil polka).</summary>
    public BlockId? Maj23 { get; private set; }

    public bool HasTwoThirdsAny => _sum > _validators.TotalVotingPower * 2 / 3;

    public long Sum => _sum;

    public Vote? Get(int index) => _votes[index];

    public AddVoteResult Add(Vote vote, out Vote? conflicting)
    {
        conflicting = null;
        var existing = _votes[vote.ValidatorIndex];
        if (existing is not null)
        {
            if (existing.BlockId.Equals(vote.BlockId))
            {
                return AddVoteResult.Duplicate;
            }

            conflicting = existing;
            return AddVoteResult.Conflict;
        }

        _votes[vote.ValidatorIndex] = vote;
        var power = _validators.Validators[vote.ValidatorIndex].VotingPower;
        _sum += power;
        var blockPower = _powerByBlock.GetValueOrDefault(vote.BlockId) + power;
        _powerByBlock[vote.BlockId] = blockPower;
        if (Maj23 is null && blockPower > _validators.TotalVotingPower * 2 / 3)
        {
            Maj23 = vote.BlockId;
        }

        return AddVoteResult.Added;
    }

    /// <summary>Builds the commit for <paramref name="blockId"/>: commit entries for it, nil entries for nil votes, absent otherwise.</summary>
    public Commit MakeCommit(long height, int round, BlockId blockId)
    {
        var sigs = new CommitSig[_votes.Length];
        for (var i = 0; i < _votes.Length; i++)
        {
            var v = _votes[i];
            sigs[i] = v is null ? CommitSig.Absent
                : v.BlockId.Equals(blockId) ? new CommitSig(BlockIdFlag.Commit, v.ValidatorAddress, v.Timestamp, v.Signature)
                : v.BlockId.IsNil ? new CommitSig(BlockIdFlag.Nil, v.ValidatorAddress, v.Timestamp, v.Signature)
                : CommitSig.Absent;
        }

        return new Commit(height, round, blockId, sigs);
    }
}
