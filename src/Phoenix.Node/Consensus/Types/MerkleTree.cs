using System.Security.Cryptography;

namespace Phoenix.Node.Consensus.Types;

/// <summary>
/// CometBFT's RFC 6962-style simple Merkle tree (<c>crypto/merkle</c>): SHA-256, leaf =
/// H(0x00 || item), inner = H(0x01 || left || right), empty tree = H(""), and the split point is
/// the largest power of two strictly below the item count.
/// </summary>
public static class MerkleTree
{
    /// <summary>The root of a list of items.</summary>
    /// <param name="items">The leaves' raw bytes, in order.</param>
    /// <returns>The 32-byte root.</returns>
    public static byte[] HashFromByteSlices(IReadOnlyList<byte[]> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return HashRange(items, 0, items.Count);
    }

    /// <summary>The hash of a leaf: SHA-256(0x00 || item).</summary>
    /// <param name="item">The leaf bytes.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] LeafHash(ReadOnlySpan<byte> item)
    {
        var buffer = new byte[item.Length + 1];
        item.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    /// <summary>The hash of an inner node: SHA-256(0x01 || left || right).</summary>
    /// <param name="left">Left child hash.</param>
    /// <param name="right">Right child hash.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] InnerHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var buffer = new byte[1 + left.Length + right.Length];
        buffer[0] = 1;
        left.CopyTo(buffer.AsSpan(1));
        right.CopyTo(buffer.AsSpan(1 + left.Length));
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two strictly less than <paramref name="length"/> (0 for 1).</summary>
    /// <param name="length">Item count, at least 1.</param>
    /// <returns>The split point.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is below 1.</exception>
    public static long GetSplitPoint(long length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var k = 1L << (int)(63 - long.LeadingZeroCount(length));
        return k == length ? k >> 1 : k;
    }

    private static byte[] HashRange(IReadOnlyList<byte[]> items, int start, int count)
    {
        switch (count)
        {
            case 0:
                return SHA256.HashData(ReadOnlySpan<byte>.Empty);
            case 1:
                return LeafHash(items[start]);
            default:
                var k = (int)GetSplitPoint(count);
                return InnerHash(HashRange(items, start, k), HashRange(items, start + k, count - k));
        }
    }
}
