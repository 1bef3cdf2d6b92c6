using System.Threading.Channels;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Mempool;

/// <summary>The transaction pool between clients and peers on one side and block proposals on the other.</summary>
/// <remarks>Implementations are thread-safe. Expected refusals are <see cref="MempoolAdmission"/> values, never exceptions.</remarks>
public interface ITxMempool
{
    /// <summary>Number of transactions held.</summary>
    int Count { get; }

    /// <summary>Total bytes of the transactions held.</summary>
    long TotalBytes { get; }

    /// <summary>
    /// Newly admitted transactions, for the transport to gossip to peers (skipping <see cref="MempoolTx.SourcePeer"/>).
    /// Bounded: when the reader falls behind the oldest entries are dropped.
    /// </summary>
    ChannelReader<MempoolTx> NewTransactions { get; }

    /// <summary>Offers a transaction: size check, duplicate check, <c>CheckTx</c>, then capacity (with eviction of lower priorities).</summary>
    /// <param name="tx">The raw transaction bytes.</param>
    /// <param name="sourcePeer">The peer it came from, or <see langword="null"/> when submitted locally.</param>
    /// <returns>What happened.</returns>
    MempoolAdmission Add(ReadOnlyMemory<byte> tx, string? sourcePeer = null);

    /// <summary>Whether a transaction is held.</summary>
    /// <param name="txHash">The transaction hash.</param>
    /// <returns><see langword="true"/> when held.</returns>
    bool Contains(Hash32 txHash);

    /// <summary>Selects transactions for a proposal: highest priority first, each sender's in sequence order, within the limits. Does not remove them.</summary>
    /// <param name="maxBytes">Maximum total bytes (-1: no limit).</param>
    /// <param name="maxGas">Maximum total gas wanted (-1: no limit).</param>
    /// <returns>The transactions in proposal order.</returns>
    IReadOnlyList<MempoolTx> Reap(long maxBytes, long maxGas);

    /// <summary>Removes the transactions committed in a block and, when enabled, re-checks the rest against the new state.</summary>
    /// <param name="height">The committed height.</param>
    /// <param name="committedTxs">The block's transactions (valid or not: all are spent).</param>
    /// <remarks>Call after the application's <c>Commit</c>, before the next <see cref="Reap"/>.</remarks>
    void Update(long height, IReadOnlyList<ReadOnlyMemory<byte>> committedTxs);
}
