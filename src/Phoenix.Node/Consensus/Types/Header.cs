using Phoenix.Node.Consensus.Internal;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Types;

/// <summary>A block header with CometBFT's field set and hash rule (<c>types/block.go Header.Hash</c>).</summary>
public sealed record Header
{
    /// <summary>Block protocol version (CometBFT: 11).</summary>
    public ulong VersionBlock { get; init; }

    /// <summary>Application protocol version (from <c>Info</c>).</summary>
    public ulong VersionApp { get; init; }

    /// <summary>Chain id.</summary>
    public required string ChainId { get; init; }

    /// <summary>Height.</summary>
    public long Height { get; init; }

    /// <summary>BFT time: the weighted median of the last commit's timestamps (genesis time for the first block).</summary>
    public Timestamp Time { get; init; }

    /// <summary>The previous block's id (nil for the first block).</summary>
    public BlockId LastBlockId { get; init; } = BlockId.Nil;

    /// <summary>Hash of the last commit.</summary>
    public byte[] LastCommitHash { get; init; } = [];

    /// <summary>Merkle root of the SHA-256 of each transaction.</summary>
    public byte[] DataHash { get; init; } = [];

    /// <summary>Hash of this height's validator set.</summary>
    public byte[] ValidatorsHash { get; init; } = [];

    /// <summary>Hash of the next height's validator set.</summary>
    public byte[] NextValidatorsHash { get; init; } = [];

    /// <summary>Hash of the consensus parameters.</summary>
    public byte[] ConsensusHash { get; init; } = [];

    /// <summary>The application hash after the previous block.</summary>
    public byte[] AppHash { get; init; } = [];

    /// <summary>Merkle root of the previous block's deterministic transaction results.</summary>
    public byte[] LastResultsHash { get; init; } = [];

    /// <summary>Merkle root of the evidence in this block.</summary>
    public byte[] EvidenceHash { get; init; } = [];

    /// <summary>The proposer's address.</summary>
    public byte[] ProposerAddress { get; init; } = [];

    /// <summary>proto(Consensus{block=1, app=2}), the header's first hashed field.</summary>
    /// <param name="block">Block protocol version.</param>
    /// <param name="app">Application version.</param>
    /// <returns>The encoding.</returns>
    public static byte[] EncodeVersion(ulong block, ulong app) => new ProtoWriter().Varint(1, block).Varint(2, app).ToArray();

    /// <summary>The header hash: Merkle root of the 14 field encodings; empty when <see cref="ValidatorsHash"/> is empty.</summary>
    /// <returns>32 bytes, or empty.</returns>
    public byte[] Hash()
    {
        if (ValidatorsHash.Length == 0)
        {
            return [];
        }

        static byte[] Wrap(byte[] b) => new ProtoWriter().Bytes(1, b).ToArray();
        return MerkleTree.HashFromByteSlices(
        [
            EncodeVersion(VersionBlock, VersionApp),
            new ProtoWriter().String(1, ChainId).ToArray(),
            new ProtoWriter().Int64(1, Height).ToArray(),
            CanonicalEncoding.TimestampProto(Time),
            LastBlockId.ToProto(),
            Wrap(LastCommitHash),
            Wrap(DataHash),
            Wrap(ValidatorsHash),
            Wrap(NextValidatorsHash),
            Wrap(ConsensusHash),
            Wrap(AppHash),
            Wrap(LastResultsHash),
            Wrap(EvidenceHash),
            Wrap(ProposerAddress),
        ]);
    }
}
