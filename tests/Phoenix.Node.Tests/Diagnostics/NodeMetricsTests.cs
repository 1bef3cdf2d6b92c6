using System.Diagnostics.Metrics;
using Phoenix.Node.Diagnostics;
using Phoenix.Node.Mempool;
using Phoenix.Node.Tests.Mempool;

namespace Phoenix.Node.Tests.Diagnostics;

public sealed class NodeMetricsTests : IDisposable
{
    private readonly NodeMetrics _metrics = new();
    private readonly MeterListener _listener = new();
    private readonly List<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

    public NodeMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, tags.ToArray()));
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public void BlockCommitted_RecordsHeightCommittedTxsAndInterval()
    {
        _metrics.BlockCommitted(5, 120, TimeSpan.FromMilliseconds(1500));

        Assert.Equal(NodeMetrics.MeterName, _metrics.Meter.Name);
        Assert.Contains(("phoenix.node.height", 5.0), _measurements.Select(m => (m.Name, m.Value)));
        Assert.Contains(("phoenix.node.committed_transactions", 120.0), _measurements.Select(m => (m.Name, m.Value)));
        Assert.Contains(("phoenix.node.block.interval", 1.5), _measurements.Select(m => (m.Name, m.Value)));
    }

    [Fact]
    public void Mempool_AddAndRefuse_ReportsSizeAndReasonTaggedRefusals()
    {
        var pool = new TxMempool(new FakeCheckTxApp(), new MempoolOptions(), _metrics);
        var tx = FakeCheckTxApp.Tx("alice", 0);

        pool.Add(tx);
        pool.Add(tx);

        Assert.Contains(("phoenix.node.mempool.size", 1.0), _measurements.Select(m => (m.Name, m.Value)));
        Assert.Contains(("phoenix.node.mempool.bytes", (double)tx.Length), _measurements.Select(m => (m.Name, m.Value)));
        var refusal = Assert.Single(_measurements, m => m.Name == "phoenix.node.mempool.rejected");
        Assert.Equal("duplicate", refusal.Tags.Single(t => t.Key == "reason").Value);
    }
}
