using Phoenix.Node.Consensus.Types;

namespace Phoenix.Node.Consensus.Transport;

/// <summary>A message between validators, in domain form (immutable once decoded).</summary>
public abstract record ConsensusMessage;

/// <summary>A signed proposal with the proposed block and the block's exact encoding.</summary>
/// <param name="Proposal">The signed proposal.</param>
/// <param name="Block">The decoded block.</param>
/// <param name="BlockBytes">The block's encoding as sent (its part set header is computed over these bytes).</param>
public sealed record ProposalMessage(Proposal Proposal, Block Block, byte[] BlockBytes) : ConsensusMessage;

/// <summary>A signed prevote or precommit.</summary>
/// <param name="Vote">The vote.</param>
public sealed record VoteMessage(Vote Vote) : ConsensusMessage;

/// <summary>Block sync: a request for the committed block at <paramref name="Height"/>.</summary>
/// <param name="Height">The height wanted.</param>
public sealed record BlockRequestMessage(long Height) : ConsensusMessage;

/// <summary>Block sync: a committed block with the commit that decided it.</summary>
/// <param name="Block">The block.</param>
/// <param name="BlockBytes">Its encoding.</param>
/// <param name="Commit">+2/3 precommits for it.</param>
public sealed record BlockResponseMessage(Block Block, byte[] BlockBytes, Commit Commit) : ConsensusMessage;
