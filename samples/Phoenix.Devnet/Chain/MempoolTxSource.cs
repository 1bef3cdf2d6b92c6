using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Mempool;

namespace Phoenix.Devnet.Chain;

/// <summary>Lets the engine's proposer reap from a node's <see cref="TxMempool"/> (the node host does this wiring in a real node).</summary>
internal sealed class MempoolTxSource(TxMempool mempool) : ITxSource
{
    public IReadOnlyList<byte[]> ReapMaxBytes(long maxBytes) => mempool.ReapMaxBytes(maxBytes);

    public void Update(long height, IReadOnlyList<byte[]> committedTxs) => mempool.Update(height, committedTxs);

    public IDisposable EnterCommit() => mempool.LockForCommit();
}
