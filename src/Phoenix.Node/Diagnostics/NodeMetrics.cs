using System.Diagnostics.Metrics;

namespace Phoenix.Node.Diagnostics;

/// <summary>
/// The node's metrics instruments, all on the <see cref="Meter"/> named <c>Phoenix.Node</c>
/// (<see cref="MeterName"/>). Consensus engines, the mempool and the API report through this one class.
/// </summary>
/// <remarks>
/// Thread-safe: instruments may be recorded from any thread. Export with any
/// <c>System.Diagnostics.Metrics</c> listener (OpenTelemetry, <c>dotnet-counters monitor -n Phoenix.Node</c>).
/// Committed transactions are a counter; "committed tx/s" is its rate.
/// </remarks>
public sealed class NodeMetrics : IDisposable
{
    /// <summary>The meter name, <c>Phoenix.Node</c>.</summary>
    public const string MeterName = "Phoenix.Node";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Gauge<long> _height;
    private readonly Gauge<int> _round;
    private readonly Histogram<double> _blockInterval;
    private readonly Gauge<int> _mempoolSize;
    private readonly Gauge<long> _mempoolBytes;
    private readonly Counter<long> _committedTxs;
    private readonly Gauge<int> _peers;
    private readonly Counter<long> _mempoolRejected;
    private readonly Histogram<double> _abciDuration;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on an own meter when it is null.</summary>
    /// <param name="meterFactory">The host's meter factory (dependency injection), or <see langword="null"/>.</param>
    public NodeMetrics(IMeterFactory? meterFactory = null)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(MeterName);
        }

        _height = _meter.CreateGauge<long>("phoenix.node.height", "{block}", "Height of the last committed block.");
        _round = _meter.CreateGauge<int>("phoenix.node.round", "{round}", "Consensus round at the current height.");
        _blockInterval = _meter.CreateHistogram<double>("phoenix.node.block.interval", "s", "Time between consecutive committed blocks.");
        _mempoolSize = _meter.CreateGauge<int>("phoenix.node.mempool.size", "{transaction}", "Transactions waiting in the mempool.");
        _mempoolBytes = _meter.CreateGauge<long>("phoenix.node.mempool.bytes", "By", "Bytes of the transactions waiting in the mempool.");
        _committedTxs = _meter.CreateCounter<long>("phoenix.node.committed_transactions", "{transaction}", "Transactions committed in blocks (rate = committed tx/s).");
        _peers = _meter.CreateGauge<int>("phoenix.node.peers", "{peer}", "Connected peers.");
        _mempoolRejected = _meter.CreateCounter<long>("phoenix.node.mempool.rejected", "{transaction}", "Transactions refused by the mempool, tagged by reason.");
        _abciDuration = _meter.CreateHistogram<double>("phoenix.node.abci.duration", "s", "Time the application spent in one call, tagged by method (check_tx, recheck_tx, finalize_block, commit, prepare_proposal, process_proposal; mempool_update: removing a block's transactions from the mempool and re-checking the rest).");
    }

    /// <summary>The underlying meter.</summary>
    public Meter Meter => _meter;

    /// <summary>Records a committed block: its height, its transaction count and the time since the previous block.</summary>
    /// <param name="height">The committed height.</param>
    /// <param name="txCount">Transactions in the block.</param>
    /// <param name="interval">Time since the previous block, or <see langword="null"/> for the first one seen.</param>
    public void BlockCommitted(long height, int txCount, TimeSpan? interval)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(txCount);
        _height.Record(height);
        if (txCount > 0)
        {
            _committedTxs.Add(txCount);
        }

        if (interval is { } i)
        {
            _blockInterval.Record(i.TotalSeconds);
        }
    }

    /// <summary>Records the current consensus round.</summary>
    /// <param name="round">The round.</param>
    public void SetRound(int round) => _round.Record(round);

    /// <summary>Records the mempool's size.</summary>
    /// <param name="count">Transactions held.</param>
    /// <param name="bytes">Bytes held.</param>
    public void SetMempoolSize(int count, long bytes)
    {
        _mempoolSize.Record(count);
        _mempoolBytes.Record(bytes);
    }

    /// <summary>Counts a transaction the mempool refused.</summary>
    /// <param name="reason">A short reason tag: <c>rejected</c>, <c>full</c>, <c>duplicate</c>, <c>too_large</c>.</param>
    public void MempoolRefused(string reason) => _mempoolRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Records how long one application call took (excluding the wait for the application lock).</summary>
    /// <param name="method">The method tag, such as <c>check_tx</c> or <c>finalize_block</c>.</param>
    /// <param name="elapsed">The duration.</param>
    public void AbciCall(string method, TimeSpan elapsed) => _abciDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("method", method));

    /// <summary>Records the number of connected peers.</summary>
    /// <param name="peers">The count.</param>
    public void SetPeers(int peers) => _peers.Record(peers);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
