namespace Phoenix.Protocol.State;

/// <summary>A thread-safe in-memory <see cref="IKeyValueStore"/> (tests, simulations, devnets without persistence).</summary>
/// <remarks>
/// Entries live in one red-black tree ordered by key, so a point read or write costs O(log n) and a range
/// <see cref="Scan"/> O(log n + k) for k entries in range: the cost of a scan does not grow with the rest of the
/// store (the authenticated tree's nodes, every height's root, other modules' keys).
/// </remarks>
public sealed class InMemoryKeyValueStore : IKeyValueStore
{
    private readonly SortedSet<Entry> _data = new(EntryComparer.Instance);
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
        var probe = new Entry(key.ToArray(), null);
        lock (_lock)
        {
            return _data.TryGetValue(probe, out var found) ? found.Value : null;
        }
    }

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] start, byte[]? end)
    {
        ArgumentNullException.ThrowIfNull(start);
        var lower = new Entry(start, null);
        var upper = end is null ? Entry.Max : new Entry(end, null);
        var snapshot = new List<KeyValuePair<byte[], byte[]>>();
        lock (_lock)
        {
            if (EntryComparer.Instance.Compare(lower, upper) >= 0)
            {
                return snapshot;
            }

            // GetViewBetween includes both bounds; the upper bound is exclusive here.
            foreach (var entry in _data.GetViewBetween(lower, upper))
            {
                if (ReferenceEquals(upper, Entry.Max) || EntryComparer.Instance.Compare(entry, upper) < 0)
                {
                    snapshot.Add(new KeyValuePair<byte[], byte[]>(entry.Key, entry.Value!));
                }
            }
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
                var probe = new Entry(op.Key, op.Value);
                if (op.Value is null)
                {
                    _data.Remove(probe);
                }
                else if (_data.TryGetValue(probe, out var existing))
                {
                    existing.Value = op.Value;
                }
                else
                {
                    _data.Add(probe);
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>One key and its value; the value is replaced in place on overwrite (the key, and so the order, never changes).</summary>
    private sealed class Entry(byte[] key, byte[]? value)
    {
        /// <summary>Sorts after every key (an open upper bound).</summary>
        public static readonly Entry Max = new([], null);

        public byte[] Key { get; } = key;

        public byte[]? Value { get; set; } = value;
    }

    private sealed class EntryComparer : IComparer<Entry>
    {
        public static EntryComparer Instance { get; } = new();

        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (ReferenceEquals(x, Entry.Max))
            {
                return 1;
            }

            if (ReferenceEquals(y, Entry.Max))
            {
                return -1;
            }

            return ByteKeyComparer.Instance.Compare(x?.Key, y?.Key);
        }
    }
}
