using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Agents;

/// <summary>The commitment over a trace that the chain's re-execution game checks: an RFC 6962 tree whose leaf data are the per-node output hashes.</summary>
public static class ExecutionTraces
{
    /// <summary>The trace root.</summary>
    /// <param name="leaves">Per-node output hashes, in order.</param>
    /// <returns>The RFC 6962 root over <c>LeafHash(leaf)</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leaves"/> is <see langword="null"/>.</exception>
    public static Hash32 Root(IReadOnlyList<Hash32> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        return BatchMerkle.Root(LeafHashes(leaves));
    }

    /// <summary>The audit path of one leaf (what a bisection move proves).</summary>
    /// <param name="leaves">Per-node output hashes, in order.</param>
    /// <param name="index">The leaf index.</param>
    /// <returns>The proof, leaf level first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leaves"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the trace.</exception>
    public static IReadOnlyList<Hash32> Proof(IReadOnlyList<Hash32> leaves, ulong index)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, (ulong)leaves.Count);
        return BatchMerkle.Proof(LeafHashes(leaves), (int)index);
    }

    private static Hash32[] LeafHashes(IReadOnlyList<Hash32> leaves) => [.. leaves.Select(l => BatchMerkle.LeafHash(l.ToArray()))];
}
