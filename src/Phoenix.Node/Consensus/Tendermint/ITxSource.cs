namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>Where the proposer takes transactions from (the mempool implements it).</summary>
public interface ITxSource
{
    /// <summary>Transactions for a new block, in priority order, within <paramref name="maxBytes"/>.</summary>
    /// <param name="maxBytes">Byte budget (sum of transaction sizes).</param>
    /// <returns>The candidates.</returns>
    IReadOnlyList<byte[]> ReapMaxBytes(long maxBytes);

    /// <summary>Called after a block is committed, with its transactions (remove them, re-check the rest).</summary>
    /// <param name="height">The committed height.</param>
    /// <param name="committedTxs">The block's transactions.</param>
    void Update(long height, IReadOnlyList<byte[]> committedTxs);

    /// <summary>
    /// Blocks new admissions from just before the application commits until <see cref="Update"/> has re-checked the
    /// held transactions (CometBFT's <c>Mempool.Lock</c> around <c>Commit</c>). Without it a transaction admitted
    /// between the two is checked against the freshly committed state while the same sender's earlier transaction is
    /// still held but not yet re-checked, and is refused with a sequence mismatch.
    /// </summary>
    /// <returns>Releases the lock when disposed (on the same thread).</returns>
    IDisposable EnterCommit() => NoCommitLock.Instance;
}

/// <summary>The no-op commit lock of sources that need none.</summary>
internal sealed class NoCommitLock : IDisposable
{
    public static readonly NoCommitLock Instance = new();

    public void Dispose()
    {
    }
}

/// <summary>A simple FIFO <see cref="ITxSource"/> (tests, devnets without a mempool). Thread-safe.</summary>
public sealed class QueueTxSource : ITxSource
{
    private readonly List<byte[]> _pending = [];
    private readonly Lock _lock = new();

    /// <summary>Number of transactions waiting.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Queues a transaction.</summary>
    /// <param name="tx">The raw transaction.</param>
    public void Add(byte[] tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        lock (_lock)
        {
            _pending.Add(tx);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<byte[]> ReapMaxBytes(long maxBytes)
    {
        lock (_lock)
        {
            var result = new List<byte[]>();
            long total = 0;
            foreach (var tx in _pending)
            {
                if (total + tx.Length > maxBytes)
                {
                    break;
                }

                total += tx.Length;
                result.Add(tx);
            }

            return result;
        }
    }

    /// <inheritdoc />
    public void Update(long height, IReadOnlyList<byte[]> committedTxs)
    {
        ArgumentNullException.ThrowIfNull(committedTxs);
        lock (_lock)
        {
            foreach (var tx in committedTxs)
            {
                var i = _pending.FindIndex(p => p.AsSpan().SequenceEqual(tx));
                if (i >= 0)
                {
                    _pending.RemoveAt(i);
                }
            }
        }
    }
}
