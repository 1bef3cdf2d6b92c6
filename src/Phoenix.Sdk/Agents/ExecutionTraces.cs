using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Agents;

/// <summary>
/// The commitment over a trace that the chain's re-execution game checks (Phoenix.Compute's format): an RFC 6962
/// tree whose leaves are <c>SHA-256(0x00 ‖ d_i)</c> over the per-node digests <c>d_i</c>. Bisection moves and
/// committee reports carry that leaf hash; the agents compute it from the digests an <see cref="IUnitTraceSource"/> returns.
/// </summary>
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

    /// <summary>The leaf hash <c>SHA-256(0x00 ‖ leaf)</c> the chain computes from a revealed node digest (<c>TaskMarketModule.VerifyTraceLeaf</c>); moves and committee reports carry the digest itself.</summary>
    internal static Hash32 LeafHashOf(Hash32 leaf) => BatchMerkle.LeafHash(leaf.ToArray());

    private static Hash32[] LeafHashes(IReadOnlyList<Hash32> leaves) => [.. leaves.Select(LeafHashOf)];
}
