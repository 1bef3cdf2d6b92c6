using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Node.Diagnostics;
using Phoenix.Node.Internal;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Mempool;

/// <summary>
/// The node's mempool: admission through <see cref="IAbciApplication.CheckTx"/>, per-sender ordering by
/// sequence, priority-ordered proposals, limits on count and bytes with eviction of the lowest priority,
/// a bounded cache of seen hashes against duplicates and replays, re-check after every block, and a
/// gossip queue of admitted transactions.
/// </summary>
/// <remarks>
/// <para>Thread-safe: every operation takes one internal lock, so <c>CheckTx</c> calls are serialized here.
/// The caller guarantees that <c>CheckTx</c> does not run concurrently with <c>FinalizeBlock</c>/<c>Commit</c>
/// if the application requires it (for example by calling <see cref="Update(long, IReadOnlyList{ReadOnlyMemory{byte}})"/> from the commit path).</para>
/// <para>Memory is bounded by <see cref="MempoolOptions.MaxTxsBytes"/>, <see cref="MempoolOptions.MaxTxs"/>,
/// <see cref="MempoolOptions.CacheSize"/> hashes and <see cref="MempoolOptions.GossipQueueCapacity"/> entries,
/// whatever peers send.</para>
/// </remarks>
public sealed class TxMempool : ITxMempool
{
    private readonly IAbciApplication _app;
    private readonly MempoolOptions _options;
    private readonly NodeMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<Hash32, MempoolTx> _byHash = [];
    private readonly Dictionary<string, SortedList<ulong, MempoolTx>> _bySender = new(StringComparer.Ordinal);
    private readonly SortedSet<MempoolTx> _byPriority = new(EvictionOrder.Instance);
    private readonly BoundedHashCache _seen;
    private readonly Channel<MempoolTx> _gossip;
    private readonly Action<ReadOnlyMemory<byte>>? _precheck;
    private long _totalBytes;
    private long _arrival;
    private long _height;

    /// <summary>Creates the mempool.</summary>
    /// <param name="app">The application whose <c>CheckTx</c> admits transactions.</param>
    /// <param name="options">Limits; validated here.</param>
    /// <param name="metrics">Metrics to report the size to, or <see langword="null"/>.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <param name="precheck">
    /// Stateless work done on a new transaction before the mempool takes its lock, on the caller's thread, so that it
    /// runs in parallel with other admissions and with block execution; or <see langword="null"/>. The node verifies the
    /// signature there into the <see cref="CachingSignatureVerifier"/> its application's <c>CheckTx</c> consults. It must
    /// not throw and decides nothing: <c>CheckTx</c> still admits or refuses.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="options"/> break their documented limits.</exception>
    public TxMempool(IAbciApplication app, MempoolOptions options, NodeMetrics? metrics = null, ILogger<TxMempool>? logger = null, Action<ReadOnlyMemory<byte>>? precheck = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new MempoolOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException($"Invalid mempool options: {validation.FailureMessage}", nameof(options));
        }

        _app = app;
        _options = options;
        _metrics = metrics;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _precheck = precheck;
        _seen = new BoundedHashCache(options.CacheSize);
        _gossip = Channel.CreateBounded<MempoolTx>(
            new BoundedChannelOptions(options.GossipQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false, SingleWriter = true },
            dropped => Log.GossipDropped(_logger, dropped.Hash));
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byHash.Count;
            }
        }
    }

    /// <inheritdoc />
    public long TotalBytes
    {
        get
        {
            lock (_lock)
            {
                return _totalBytes;
            }
        }
    }

    /// <summary>Number of hashes in the seen cache (at most <see cref="MempoolOptions.CacheSize"/>).</summary>
    public int CachedHashes
    {
        get
        {
            lock (_lock)
            {
                return _seen.Count;
            }
        }
    }

    /// <inheritdoc />
    public ChannelReader<MempoolTx> NewTransactions => _gossip.Reader;

    /// <inheritdoc />
    public bool Contains(Hash32 txHash)
    {
        lock (_lock)
        {
            return _byHash.ContainsKey(txHash);
        }
    }

    /// <inheritdoc />
    public MempoolTx? Get(Hash32 txHash)
    {
        lock (_lock)
        {
            return _byHash.GetValueOrDefault(txHash);
        }
    }

    /// <inheritdoc />
    public MempoolAdmission Add(ReadOnlyMemory<byte> tx, string? sourcePeer = null) => AddChecked(tx, sourcePeer, prechecked: false);

    private MempoolAdmission AddChecked(ReadOnlyMemory<byte> tx, string? sourcePeer, bool prechecked)
    {
        var hash = Hash32.Sha256(tx.Span);
        if (tx.Length > _options.MaxTxBytes)
        {
            _metrics?.MempoolRefused("too_large");
            return new MempoolAdmission(MempoolAdmissionStatus.TooLarge, hash, 0, MempoolAdmission.MempoolCodespace, $"transaction is {tx.Length} bytes; the limit is {_options.MaxTxBytes}");
        }

        if (_precheck is not null && !prechecked)
        {
            lock (_lock)
            {
                if (IsKnownLocked(hash))
                {
                    return Duplicate(hash);
                }
            }

            _precheck(tx);
        }

        lock (_lock)
        {
            if (IsKnownLocked(hash))
            {
                return Duplicate(hash);
            }

            _seen.Add(hash);
            var owned = tx.ToArray();
            var check = _app.CheckTx(new CheckTxRequest(owned, CheckTxKind.New));
            if (!check.IsOk)
            {
                if (!_options.KeepInvalidTxsInCache)
                {
                    _seen.Remove(hash);
                }

                _metrics?.MempoolRefused("rejected");
                Log.Rejected(_logger, hash, check.Code, check.Codespace, check.Log);
                return new MempoolAdmission(MempoolAdmissionStatus.Rejected, hash, check.Code, check.Codespace, check.Log);
            }

            var senderKey = check.Sender.IsEmpty ? "tx:" + hash.ToString() : Convert.ToHexString(check.Sender.Span);
            if (_bySender.TryGetValue(senderKey, out var senderTxs) && senderTxs.ContainsKey(check.Sequence))
            {
                _seen.Remove(hash);
                _metrics?.MempoolRefused("rejected");
                return new MempoolAdmission(MempoolAdmissionStatus.Rejected, hash, 1, MempoolAdmission.MempoolCodespace, $"sequence {check.Sequence} of this sender is already in the mempool");
            }

            var entry = new MempoolTx(hash, owned, check.Sender.ToArray(), check.Sequence, check.Priority, check.GasWanted, _height, sourcePeer)
            {
                Arrival = ++_arrival,
                SenderKey = senderKey,
            };

            if (!MakeRoom(entry))
            {
                _seen.Remove(hash);
                _metrics?.MempoolRefused("full");
                Log.Full(_logger, _byHash.Count, _totalBytes, hash);
                return new MempoolAdmission(MempoolAdmissionStatus.Full, hash, 0, MempoolAdmission.MempoolCodespace, "mempool is full of transactions of equal or higher priority");
            }

            Insert(entry);
            _gossip.Writer.TryWrite(entry);
            Log.Accepted(_logger, hash, entry.Priority, _byHash.Count);
            ReportSize();
            return new MempoolAdmission(MempoolAdmissionStatus.Accepted, hash);
        }
    }

    /// <summary>
    /// Offers several transactions (a gossiped batch) in order, as <see cref="Add"/> does one by one, with the
    /// precheck of the new ones run first, outside the lock.
    /// </summary>
    /// <param name="txs">The raw transactions, in the order to admit them.</param>
    /// <param name="sourcePeer">The peer they came from, or <see langword="null"/> when submitted locally.</param>
    /// <returns>One admission per transaction, in order.</returns>
    public IReadOnlyList<MempoolAdmission> AddBatch(IReadOnlyList<ReadOnlyMemory<byte>> txs, string? sourcePeer = null)
    {
        ArgumentNullException.ThrowIfNull(txs);
        if (_precheck is { } precheck && txs.Count > 1)
        {
            var fresh = new List<ReadOnlyMemory<byte>>(txs.Count);
            lock (_lock)
            {
                foreach (var tx in txs)
                {
                    if (tx.Length <= _options.MaxTxBytes && !IsKnownLocked(Hash32.Sha256(tx.Span)))
                    {
                        fresh.Add(tx);
                    }
                }
            }

            foreach (var tx in fresh)
            {
                precheck(tx);
            }
        }

        var results = new MempoolAdmission[txs.Count];
        for (var i = 0; i < txs.Count; i++)
        {
            results[i] = AddChecked(txs[i], sourcePeer, prechecked: _precheck is not null && txs.Count > 1);
        }

        return results;
    }

    private bool IsKnownLocked(Hash32 hash) => _byHash.ContainsKey(hash) || _seen.Contains(hash);

    private MempoolAdmission Duplicate(Hash32 hash)
    {
        _metrics?.MempoolRefused("duplicate");
        return new MempoolAdmission(MempoolAdmissionStatus.AlreadyKnown, hash, Log: "transaction already seen");
    }

    /// <inheritdoc />
    public IReadOnlyList<MempoolTx> Reap(long maxBytes, long maxGas)
    {
        lock (_lock)
        {
            var result = new List<MempoolTx>();
            var heads = new PriorityQueue<(MempoolTx Tx, SortedList<ulong, MempoolTx> List, int Index), MempoolTx>(ProposalOrder.Instance);
            foreach (var list in _bySender.Values)
            {
                heads.Enqueue((list.Values[0], list, 0), list.Values[0]);
            }

            long bytes = 0;
            long gas = 0;
            while (heads.TryDequeue(out var head, out _))
            {
                var tx = head.Tx;
                if ((maxBytes >= 0 && bytes + tx.Tx.Length > maxBytes) || (maxGas >= 0 && gas + tx.GasWanted > maxGas))
                {
                    continue; // this sender's later sequences depend on this one: skip the sender
                }

                result.Add(tx);
                bytes += tx.Tx.Length;
                gas += tx.GasWanted;
                var next = head.Index + 1;
                if (next < head.List.Count)
                {
                    heads.Enqueue((head.List.Values[next], head.List, next), head.List.Values[next]);
                }
            }

            return result;
        }
    }

    /// <summary>Selects transactions for a proposal within a byte budget (the consensus engine's transaction source shape).</summary>
    /// <param name="maxBytes">Maximum total bytes.</param>
    /// <returns>The transactions' bytes in proposal order.</returns>
    public IReadOnlyList<byte[]> ReapMaxBytes(long maxBytes)
        => Reap(maxBytes, -1).Select(t => t.Tx.ToArray()).ToArray();

    /// <summary>Removes a committed block's transactions and re-checks the rest (the consensus engine's transaction source shape).</summary>
    /// <param name="height">The committed height.</param>
    /// <param name="committedTxs">The block's transactions.</param>
    public void Update(long height, IReadOnlyList<byte[]> committedTxs)
    {
        ArgumentNullException.ThrowIfNull(committedTxs);
        Update(height, committedTxs.Select(t => (ReadOnlyMemory<byte>)t).ToArray());
    }

    /// <summary>
    /// Takes the mempool's lock until the returned scope is disposed, on the same thread: the node holds it from just
    /// before the application's <c>Commit</c> until <see cref="Update(long, IReadOnlyList{ReadOnlyMemory{byte}})"/>
    /// has re-checked what is held, so no transaction is checked against a half-updated view (CometBFT's
    /// <c>Mempool.Lock</c>). The lock is re-entrant, so <c>Update</c> may run inside the scope.
    /// </summary>
    /// <returns>The scope; dispose it to release the lock.</returns>
    public IDisposable LockForCommit()
    {
        _lock.Enter();
        return new CommitScope(_lock);
    }

    /// <inheritdoc />
    public void Update(long height, IReadOnlyList<ReadOnlyMemory<byte>> committedTxs)
    {
        ArgumentNullException.ThrowIfNull(committedTxs);
        lock (_lock)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            _height = height;
            var committed = 0;
            foreach (var tx in committedTxs)
            {
                var hash = Hash32.Sha256(tx.Span);
                _seen.Add(hash);
                if (_byHash.TryGetValue(hash, out var entry))
                {
                    Remove(entry);
                    committed++;
                }
            }

            var removed = _options.Recheck ? RecheckLocked() : 0;
            Log.Rechecked(_logger, height, committed, removed, _byHash.Count);
            ReportSize();
            _metrics?.AbciCall("mempool_update", System.Diagnostics.Stopwatch.GetElapsedTime(start));
        }
    }

    /// <summary>Re-runs <c>CheckTx</c> (kind <see cref="CheckTxKind.Recheck"/>) on every held transaction, each sender's in sequence order, and drops those that now fail.</summary>
    /// <returns>The number removed.</returns>
    public int Recheck()
    {
        lock (_lock)
        {
            var removed = RecheckLocked();
            ReportSize();
            return removed;
        }
    }

    private int RecheckLocked()
    {
        var failed = new List<MempoolTx>();
        foreach (var list in _bySender.Values.OrderBy(l => l.Values[0].Arrival))
        {
            foreach (var tx in list.Values)
            {
                var check = _app.CheckTx(new CheckTxRequest(tx.Tx, CheckTxKind.Recheck));
                if (!check.IsOk)
                {
                    failed.Add(tx);
                }
            }
        }

        foreach (var tx in failed)
        {
            Remove(tx);
            if (!_options.KeepInvalidTxsInCache)
            {
                _seen.Remove(tx.Hash);
            }
        }

        return failed.Count;
    }

    /// <summary>Evicts lower-priority transactions until <paramref name="entry"/> fits; evicts nothing when it cannot fit.</summary>
    private bool MakeRoom(MempoolTx entry)
    {
        var count = _byHash.Count + 1;
        var bytes = _totalBytes + entry.Tx.Length;
        if (count <= _options.MaxTxs && bytes <= _options.MaxTxsBytes)
        {
            return true;
        }

        var victims = new List<MempoolTx>();
        var chosen = new HashSet<Hash32>();
        foreach (var candidate in _byPriority)
        {
            if (candidate.Priority >= entry.Priority)
            {
                break;
            }

            if (chosen.Contains(candidate.Hash) || candidate.SenderKey == entry.SenderKey)
            {
                continue;
            }

            // Evicting a transaction also evicts the sender's later sequences, which depend on it.
            foreach (var dependent in _bySender[candidate.SenderKey].Values.Where(t => t.Sequence >= candidate.Sequence))
            {
                if (chosen.Add(dependent.Hash))
                {
                    victims.Add(dependent);
                    count--;
                    bytes -= dependent.Tx.Length;
                }
            }

            if (count <= _options.MaxTxs && bytes <= _options.MaxTxsBytes)
            {
                foreach (var victim in victims)
                {
                    Remove(victim);
                    _seen.Remove(victim.Hash);
                    Log.Evicted(_logger, victim.Hash, victim.Priority);
                }

                return true;
            }
        }

        return false;
    }

    private void Insert(MempoolTx entry)
    {
        _byHash.Add(entry.Hash, entry);
        if (!_bySender.TryGetValue(entry.SenderKey, out var list))
        {
            list = [];
            _bySender.Add(entry.SenderKey, list);
        }

        list.Add(entry.Sequence, entry);
        _byPriority.Add(entry);
        _totalBytes += entry.Tx.Length;
    }

    private void Remove(MempoolTx entry)
    {
        if (!_byHash.Remove(entry.Hash))
        {
            return;
        }

        var list = _bySender[entry.SenderKey];
        list.Remove(entry.Sequence);
        if (list.Count == 0)
        {
            _bySender.Remove(entry.SenderKey);
        }

        _byPriority.Remove(entry);
        _totalBytes -= entry.Tx.Length;
    }

    private void ReportSize() => _metrics?.SetMempoolSize(_byHash.Count, _totalBytes);

    /// <summary>Lowest priority first; among equals the newest first (evicted before older ones).</summary>
    private sealed class CommitScope(Lock gate) : IDisposable
    {
        private Lock? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Exit();
    }

    private sealed class EvictionOrder : IComparer<MempoolTx>
    {
        public static readonly EvictionOrder Instance = new();

        public int Compare(MempoolTx? x, MempoolTx? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var c = x.Priority.CompareTo(y.Priority);
            return c != 0 ? c : y.Arrival.CompareTo(x.Arrival);
        }
    }

    /// <summary>Highest priority first; among equals the oldest first.</summary>
    private sealed class ProposalOrder : IComparer<MempoolTx>
    {
        public static readonly ProposalOrder Instance = new();

        public int Compare(MempoolTx? x, MempoolTx? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return 1;
            if (y is null) return -1;
            var c = y.Priority.CompareTo(x.Priority);
            return c != 0 ? c : x.Arrival.CompareTo(y.Arrival);
        }
    }
}
