using Phoenix.Node.Consensus.Internal;

namespace Phoenix.Node.Consensus.Types;

/// <summary>The header of a block's part set: how many parts and their Merkle root.</summary>
/// <param name="Total">Number of parts.</param>
/// <param name="Hash">Merkle root of the parts (32 bytes, or empty for the zero header).</param>
public sealed record PartSetHeader(uint Total, byte[] Hash)
{
    /// <summary>The zero part set header.</summary>
    public static PartSetHeader Empty { get; } = new(0, []);

    /// <summary>Whether this is the zero header.</summary>
    public bool IsZero => Total == 0 && Hash.Length == 0;

    /// <summary>proto(PartSetHeader{total=1, hash=2}).</summary>
    /// <returns>The encoding.</returns>
    public byte[] ToProto() => new ProtoWriter().Varint(1, Total).Bytes(2, Hash).ToArray();

    /// <inheritdoc />
    public bool Equals(PartSetHeader? other) => other is not null && Total == other.Total && Hash.AsSpan().SequenceEqual(other.Hash);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Total, Hash.Length > 0 ? BitConverter.ToInt32(Hash, 0) : 0);
}

/// <summary>A block identifier: the header hash plus the part set header.</summary>
/// <param name="Hash">The block (header) hash, 32 bytes, or empty for the zero id (a nil vote).</param>
/// <param name="PartSetHeader">The part set header.</param>
public sealed record BlockId(byte[] Hash, PartSetHeader PartSetHeader)
{
    /// <summary>The zero block id (what a nil vote carries).</summary>
    public static BlockId Nil { get; } = new([], PartSetHeader.Empty);

    /// <summary>Whether this is the zero id.</summary>
    public bool IsNil => Hash.Length == 0 && PartSetHeader.IsZero;

    /// <summary>proto(BlockID{hash=1, part_set_header=2}); the part set header is always written (non-nullable).</summary>
    /// <returns>The encoding.</returns>
    public byte[] ToProto() => new ProtoWriter().Bytes(1, Hash).Message(2, PartSetHeader.ToProto()).ToArray();

    /// <summary>proto(CanonicalBlockID{hash=1, part_set_header=2}), the form used inside sign bytes.</summary>
    /// <returns>The encoding.</returns>
    public byte[] ToCanonicalProto() => ToProto();

    /// <summary>CometBFT's <c>BlockID.Key()</c>: hash || proto(PartSetHeader), used to order duplicate votes.</summary>
    /// <returns>The key bytes.</returns>
    public byte[] Key() => [.. Hash, .. PartSetHeader.ToProto()];

    /// <summary>Lower-case hex of the hash (empty for nil), for logs and dictionary keys.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsNil ? "nil" : Convert.ToHexStringLower(Hash);

    /// <inheritdoc />
    public bool Equals(BlockId? other) => other is not null && Hash.AsSpan().SequenceEqual(other.Hash) && PartSetHeader.Equals(other.PartSetHeader);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Hash.Length >= 4 ? BitConverter.ToInt32(Hash, 0) : 0, PartSetHeader);
}
