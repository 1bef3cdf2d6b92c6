using Phoenix.Node.Consensus.Internal;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Consensus.Types;

/// <summary>A signed prevote or precommit (CometBFT's <c>Vote</c>, without vote extensions).</summary>
/// <param name="Type">Prevote or precommit.</param>
/// <param name="Height">Height.</param>
/// <param name="Round">Round.</param>
/// <param name="BlockId">The block voted for, or <see cref="BlockId.Nil"/>.</param>
/// <param name="Timestamp">The voter's timestamp (used for BFT time).</param>
/// <param name="ValidatorAddress">The voter's 20-byte address.</param>
/// <param name="ValidatorIndex">The voter's index in the height's validator set.</param>
/// <param name="Signature">Ed25519 signature over <see cref="SignBytes"/>.</param>
public sealed record Vote(
    SignedMsgType Type,
    long Height,
    int Round,
    BlockId BlockId,
    Timestamp Timestamp,
    byte[] ValidatorAddress,
    int ValidatorIndex,
    byte[] Signature)
{
    /// <summary>The canonical sign bytes for <paramref name="chainId"/>.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <returns>The bytes the validator signs.</returns>
    public byte[] SignBytes(string chainId) => CanonicalEncoding.VoteSignBytes(chainId, Type, Height, Round, BlockId, Timestamp);

    /// <summary>Checks the address against the key and the signature under the strict RFC 8032 rule.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="publicKey">The validator's public key.</param>
    /// <returns>Whether the vote is authentic.</returns>
    public bool Verify(string chainId, ReadOnlySpan<byte> publicKey)
        => ValidatorAddress.AsSpan().SequenceEqual(Validator.AddressOf(publicKey)) && VerifiedSignatureCache.Verify(publicKey, SignBytes(chainId), Signature);

    /// <summary>proto(Vote{type=1, height=2, round=3, block_id=4, timestamp=5, validator_address=6, validator_index=7, signature=8}).</summary>
    /// <returns>The encoding (as hashed inside duplicate-vote evidence).</returns>
    public byte[] ToProto() => new ProtoWriter()
        .Varint(1, (ulong)Type)
        .Int64(2, Height)
        .Int64(3, Round)
        .Message(4, BlockId.ToProto())
        .Message(5, CanonicalEncoding.TimestampProto(Timestamp))
        .Bytes(6, ValidatorAddress)
        .Int64(7, ValidatorIndex)
        .Bytes(8, Signature)
        .ToArray();

    /// <inheritdoc />
    public bool Equals(Vote? other) => other is not null && ToProto().AsSpan().SequenceEqual(other.ToProto());

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Height, Round, ValidatorIndex);
}

/// <summary>A signed block proposal (the block travels alongside it).</summary>
/// <param name="Height">Height.</param>
/// <param name="Round">Round.</param>
/// <param name="PolRound">The proof-of-lock round of a re-proposed valid block, or -1.</param>
/// <param name="BlockId">The proposed block.</param>
/// <param name="Timestamp">The proposer's timestamp.</param>
/// <param name="Signature">Ed25519 signature over <see cref="SignBytes"/>.</param>
public sealed record Proposal(long Height, int Round, int PolRound, BlockId BlockId, Timestamp Timestamp, byte[] Signature)
{
    /// <summary>The canonical sign bytes for <paramref name="chainId"/>.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <returns>The bytes the proposer signs.</returns>
    public byte[] SignBytes(string chainId) => CanonicalEncoding.ProposalSignBytes(chainId, Height, Round, PolRound, BlockId, Timestamp);
}
