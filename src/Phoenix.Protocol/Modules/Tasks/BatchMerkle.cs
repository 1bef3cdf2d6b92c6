using System.Security.Cryptography;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Modules.Tasks;

/// <summary>
/// RFC 6962 (Certificate Transparency) Merkle trees over SHA-256: leaf hash = SHA-256(0x00 ‖ data),
/// inner hash = SHA-256(0x01 ‖ left ‖ right), split at the largest power of two below the size. Used for
/// batch results (leaf = output content id ‖ trace root) and, by the re-execution game, for execution
/// traces (leaf data = Phoenix.Compute's 32-byte <c>TraceNodeDigest</c> of one graph node's outputs, which the
/// game's moves carry, see <see cref="TaskMarketModule.VerifyTraceLeaf"/>). Byte-for-byte the same
/// hashing as <c>Phoenix.Compute.Commitments.MerkleTree</c>.
/// </summary>
public static class BatchMerkle
{
    /// <summary>The leaf hash of <paramref name="data"/>.</summary>
    /// <param name="data">The leaf data.</param>
    /// <returns>SHA-256(0x00 ‖ data).</returns>
    public static Hash32 LeafHash(ReadOnlySpan<byte> data)
    {
        var buffer = new byte[data.Length + 1];
        data.CopyTo(buffer.AsSpan(1));
        return Hash32.Sha256(buffer);
    }

    /// <summary>The leaf hash of a batch unit: SHA-256(0x00 ‖ output content id ‖ trace root).</summary>
    /// <param name="outputCid">The output blob's content id.</param>
    /// <param name="traceRoot">The execution-trace root.</param>
    /// <returns>The leaf hash.</returns>
    public static Hash32 UnitLeaf(Hash32 outputCid, Hash32 traceRoot)
    {
        Span<byte> data = stackalloc byte[64];
        outputCid.TryWriteBytes(data);
        traceRoot.TryWriteBytes(data[32..]);
        return LeafHash(data);
    }

    /// <summary>The inner node hash SHA-256(0x01 ‖ left ‖ right).</summary>
    /// <param name="left">Left child.</param>
    /// <param name="right">Right child.</param>
    /// <returns>The hash.</returns>
    public static Hash32 NodeHash(Hash32 left, Hash32 right)
    {
        Span<byte> data = stackalloc byte[65];
        data[0] = 1;
        left.TryWriteBytes(data[1..]);
        right.TryWriteBytes(data[33..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(data, digest);
        return new Hash32(digest);
    }

    /// <summary>The root over leaf hashes (RFC 6962 MTH); the empty tree's root is SHA-256 of nothing.</summary>
    /// <param name="leafHashes">The leaf hashes in order.</param>
    /// <returns>The root.</returns>
    public static Hash32 Root(IReadOnlyList<Hash32> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return leafHashes.Count == 0 ? Hash32.Sha256([]) : Subtree(leafHashes, 0, leafHashes.Count);
    }

    /// <summary>The audit path of leaf <paramref name="index"/> (leaf level first).</summary>
    /// <param name="leafHashes">The leaf hashes.</param>
    /// <param name="index">The leaf index.</param>
    /// <returns>The sibling hashes.</returns>
    public static IReadOnlyList<Hash32> Proof(IReadOnlyList<Hash32> leafHashes, int index)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leafHashes.Count);
        var path = new List<Hash32>();
        Path(leafHashes, index, 0, leafHashes.Count, path);
        return path;
    }

    /// <summary>Verifies an audit path (RFC 9162 §2.1.3.2). Never throws.</summary>
    /// <param name="index">The leaf index.</param>
    /// <param name="size">The tree size.</param>
    /// <param name="leafHash">The leaf hash.</param>
    /// <param name="proof">The audit path, leaf level first.</param>
    /// <param name="root">The expected root.</param>
    /// <returns>Whether the leaf is at <paramref name="index"/> in the tree with that root.</returns>
    public static bool VerifyInclusion(ulong index, ulong size, Hash32 leafHash, IReadOnlyList<Hash32> proof, Hash32 root)
    {
        if (proof is null || index >= size || proof.Count > 64)
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r == root;
    }

    private static Hash32 Subtree(IReadOnlyList<Hash32> leaves, int start, int count)
    {
        if (count == 1)
        {
            return leaves[start];
        }

        var k = SplitPoint(count);
        return NodeHash(Subtree(leaves, start, k), Subtree(leaves, start + k, count - k));
    }

    private static void Path(IReadOnlyList<Hash32> leaves, int index, int start, int count, List<Hash32> path)
    {
        if (count == 1)
        {
            return;
        }

        var k = SplitPoint(count);
        if (index < k)
        {
            Path(leaves, index, start, k, path);
            path.Add(Subtree(leaves, start + k, count - k));
        }
        else
        {
            Path(leaves, index - k, start + k, count - k, path);
            path.Add(Subtree(leaves, start, k));
        }
    }

    private static int SplitPoint(int n)
    {
        var k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }
}
