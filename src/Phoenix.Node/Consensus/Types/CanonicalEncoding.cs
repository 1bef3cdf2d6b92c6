using Phoenix.Node.Consensus.Internal;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Types;

/// <summary>
/// CometBFT's canonical sign bytes (<c>types/canonical.go</c>): <c>uvarint(len) || proto(Canonical…)</c>,
/// hand-encoded so that they match CometBFT byte for byte (see <c>docs/consensus.md</c>).
/// </summary>
public static class CanonicalEncoding
{
    /// <summary>Go's zero <c>time.Time</c> (0001-01-01T00:00:00Z), which CometBFT writes for an absent timestamp.</summary>
    public static Timestamp GoZeroTime { get; } = new(-62135596800, 0);

    /// <summary>proto(google.protobuf.Timestamp).</summary>
    /// <param name="time">The timestamp.</param>
    /// <returns>The encoding (empty for the Unix epoch).</returns>
    public static byte[] TimestampProto(Timestamp time)
        => new ProtoWriter().Int64(1, time.Seconds).Int64(2, time.Nanos).ToArray();

    /// <summary>The sign bytes of a vote: CanonicalVote{type, height, round, block_id (omitted when nil), timestamp, chain_id}.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="type">Prevote or precommit.</param>
    /// <param name="height">Height.</param>
    /// <param name="round">Round.</param>
    /// <param name="blockId">The voted block, or <see cref="BlockId.Nil"/>.</param>
    /// <param name="timestamp">The vote's timestamp.</param>
    /// <returns>The length-prefixed sign bytes.</returns>
    public static byte[] VoteSignBytes(string chainId, SignedMsgType type, long height, int round, BlockId blockId, Timestamp timestamp)
    {
        ArgumentNullException.ThrowIfNull(chainId);
        ArgumentNullException.ThrowIfNull(blockId);
        var w = new ProtoWriter().Varint(1, (ulong)type).SFixed64(2, height).SFixed64(3, round);
        if (!blockId.IsNil)
        {
            w.Message(4, blockId.ToCanonicalProto());
        }

        return w.Message(5, TimestampProto(timestamp)).String(6, chainId).ToDelimitedArray();
    }

    /// <summary>The sign bytes of a proposal: CanonicalProposal{type=32, height, round, pol_round, block_id, timestamp, chain_id}.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="height">Height.</param>
    /// <param name="round">Round.</param>
    /// <param name="polRound">Proof-of-lock round, or -1.</param>
    /// <param name="blockId">The proposed block.</param>
    /// <param name="timestamp">The proposal's timestamp.</param>
    /// <returns>The length-prefixed sign bytes.</returns>
    public static byte[] ProposalSignBytes(string chainId, long height, int round, int polRound, BlockId blockId, Timestamp timestamp)
    {
        ArgumentNullException.ThrowIfNull(chainId);
        ArgumentNullException.ThrowIfNull(blockId);
        var w = new ProtoWriter().Varint(1, (ulong)SignedMsgType.Proposal).SFixed64(2, height).SFixed64(3, round).Int64(4, polRound);
        if (!blockId.IsNil)
        {
            w.Message(5, blockId.ToCanonicalProto());
        }

        return w.Message(6, TimestampProto(timestamp)).String(7, chainId).ToDelimitedArray();
    }

    /// <summary>The sign bytes of a vote extension: CanonicalVoteExtension{extension, height, round, chain_id}.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="height">Height.</param>
    /// <param name="round">Round.</param>
    /// <param name="extension">The extension bytes.</param>
    /// <returns>The length-prefixed sign bytes.</returns>
    public static byte[] VoteExtensionSignBytes(string chainId, long height, int round, ReadOnlySpan<byte> extension)
    {
        ArgumentNullException.ThrowIfNull(chainId);
        return new ProtoWriter().Bytes(1, extension).SFixed64(2, height).SFixed64(3, round).String(4, chainId).ToDelimitedArray();
    }
}
