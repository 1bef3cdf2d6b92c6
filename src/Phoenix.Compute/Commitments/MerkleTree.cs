using System.Security.Cryptography;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Commitments;

/// <summary>
/// An RFC 6962 (Certificate Transparency) Merkle tree over SHA-256: leaf hash
/// <c>SHA-256(0x00 ‖ data)</c>, inner hash <c>SHA-256(0x01 ‖ left ‖ right)</c>, and the left subtree of
/// <c>n</c> leaves holding the largest power of two smaller than <c>n</c>. The same hashing CometBFT uses.
/// </summary>
/// <remarks>Immutable and thread-safe once built.</remarks>
public sealed class MerkleTree
{
    private readonly Hash32[] _leafHashes;

    /// <summary>Builds a tree over already-hashed leaves (each the output of <see cref="HashLeaf"/>).</summary>
    /// <param name="leafHashes">The leaf hashes, in order.</param>
    public MerkleTree(IEnumerable<Hash32> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        _leafHashes = leafHashes.ToArray();
        Root = SubtreeHash(0, _leafHashes.Length);
    }

    /// <summary>The number of leaves.</summary>
    public int LeafCount => _leafHashes.Length;

    /// <summary>The root hash (<c>SHA-256("")</c> for an empty tree).</summary>
    public Hash32 Root { get; }

    /// <summary>The leaf hash at <paramref name="index"/>.</summary>
    /// <param name="index">The leaf index.</param>
    /// <returns>The leaf hash.</returns>
    public Hash32 LeafHash(int index) => _leafHashes[index];

    /// <summary>Hashes leaf data: <c>SHA-256(0x00 ‖ data)</c>.</summary>
    /// <param name="data">The leaf data.</param>
    /// <returns>The leaf hash.</returns>
    public static Hash32 HashLeaf(ReadOnlySpan<byte> data)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData([0x00]);
        h.AppendData(data);
        return new Hash32(h.GetHashAndReset());
    }

    /// <summary>Hashes two children: <c>SHA-256(0x01 ‖ left ‖ right)</c>.</summary>
    /// <param name="left">The left child.</param>
    /// <param name="right">The right child.</param>
    /// <returns>The parent hash.</returns>
    public static Hash32 HashInner(Hash32 left, Hash32 right)
    {
        Span<byte> buffer = stackalloc byte[65];
        buffer[0] = 0x01;
        left.TryWriteBytes(buffer.Slice(1, 32));
        right.TryWriteBytes(buffer.Slice(33, 32));
        return Hash32.Sha256(buffer);
    }

    /// <summary>Where an RFC 6962 subtree over leaves <c>[lo, hi)</c> splits: <c>lo + k</c>, k the largest power of two below <c>hi - lo</c>.</summary>
    /// <param name="lo">First leaf (inclusive).</param>
    /// <param name="hi">Last leaf (exclusive); <c>hi - lo</c> must be at least 2.</param>
    /// <returns>The first leaf of the right subtree.</returns>
    public static int Split(int lo, int hi)
    {
        var n = hi - lo;
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return lo + k;
    }

    /// <summary>The hash of the subtree over leaves <c>[lo, hi)</c> as RFC 6962 shapes it.</summary>
    /// <param name="lo">First leaf (inclusive).</param>
    /// <param name="hi">Last leaf (exclusive).</param>
    /// <returns>The subtree hash.</returns>
    public Hash32 SubtreeHash(int lo, int hi)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lo);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hi, _leafHashes.Length);
        if (hi <= lo)
        {
            return Hash32.Sha256([]);
        }

        if (hi - lo == 1)
        {
            return _leafHashes[lo];
        }

        var mid = Split(lo, hi);
        return HashInner(SubtreeHash(lo, mid), SubtreeHash(mid, hi));
    }

    /// <summary>The RFC 6962 audit path of one leaf, bottom-up.</summary>
    /// <param name="index">The leaf index.</param>
    /// <returns>The sibling hashes from the leaf up to the root.</returns>
    public IReadOnlyList<Hash32> InclusionProof(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _leafHashes.Length);
        var path = new List<Hash32>();
        Collect(index, 0, _leafHashes.Length, path);
        return path;
    }

    /// <summary>Checks an RFC 6962 / RFC 9162 inclusion proof.</summary>
    /// <param name="root">The tree root.</param>
    /// <param name="leafCount">The tree size.</param>
    /// <param name="index">The leaf index.</param>
    /// <param name="leafHash">The leaf hash.</param>
    /// <param name="proof">The audit path from <see cref="InclusionProof"/>.</param>
    /// <returns><see langword="true"/> when the proof holds; never throws on bad input.</returns>
    public static bool VerifyInclusion(Hash32 root, int leafCount, int index, Hash32 leafHash, IReadOnlyList<Hash32> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= leafCount)
        {
            return false;
        }

        long fn = index;
        long sn = leafCount - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = HashInner(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = HashInner(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r == root;
    }

    private void Collect(int index, int lo, int hi, List<Hash32> path)
    {
        if (hi - lo <= 1)
        {
            return;
        }

        var mid = Split(lo, hi);
        if (index < mid)
        {
            Collect(index, lo, mid, path);
            path.Add(SubtreeHash(mid, hi));
        }
        else
        {
            Collect(index, mid, hi, path);
            path.Add(SubtreeHash(lo, mid));
        }
    }
}
