namespace Phoenix.Protocol.State;

/// <summary>A thread-safe in-memory <see cref="IKeyValueStore"/> (tests, simulations, devnets without persistence).</summary>
public sealed class InMemoryKeyValueStore : IKeyValueStore
{
    private readonly SortedDictionary<byte[], byte[]> _data = new(ByteKeyComparer.Instance);
    private readonly Lock _lock = new();

    /// <summary>Number of keys held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _data.Count;
            }
        }
    }

    /// <inheritdoc />
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        var k = key.ToArray();
        lock (_lock)
        {
            return _data.TryGetValue(k, out var v) ? v : null;
        }
    }

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] start, byte[]? end)
    {
        ArgumentNullException.ThrowIfNull(start);
        List<KeyValuePair<byte[], byte[]>> snapshot;
        lock (_lock)
        {
            snapshot = _data
                .Where(kv => ByteKeyComparer.Instance.Compare(kv.Key, start) >= 0
                    && (end is null || ByteKeyComparer.Instance.Compare(kv.Key, end) < 0))
                .ToList();
        }

        return snapshot;
    }

    /// <inheritdoc />
    public void Apply(KeyValueBatch batch, bool sync = true)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            foreach (var op in batch.Operations)
            {
                if (op.Value is null)
                {
                    _data.Remove(op.Key);
                }
                else
                {
                    _data[op.Key] = op.Value;
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
