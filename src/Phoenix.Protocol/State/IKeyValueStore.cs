namespace Phoenix.Protocol.State;

/// <summary>
/// The ordered byte-key/byte-value store that application state and the authenticated tree are kept
/// in. Keys order byte-wise (unsigned lexicographic), the same on every implementation.
/// </summary>
/// <remarks>
/// <para>Phoenix.Protocol ships <see cref="InMemoryKeyValueStore"/>; Phoenix.Node ships the durable RocksDB one.</para>
/// <para>Reads may run concurrently with each other; writes (<see cref="Apply"/>) are serialized by the caller.
/// A batch is applied atomically: after a crash either all of it or none of it is visible.</para>
/// </remarks>
public interface IKeyValueStore : IDisposable
{
    /// <summary>Reads one key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    byte[]? Get(ReadOnlySpan<byte> key);

    /// <summary>Enumerates entries with <paramref name="start"/> &lt;= key &lt; <paramref name="end"/> in byte-wise order.</summary>
    /// <param name="start">Inclusive lower bound.</param>
    /// <param name="end">Exclusive upper bound, or <see langword="null"/> for no bound.</param>
    /// <returns>The entries in order. The enumeration sees a consistent snapshot.</returns>
    IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] start, byte[]? end);

    /// <summary>Applies a batch of writes atomically.</summary>
    /// <param name="batch">The writes, applied in order.</param>
    /// <param name="sync">Whether the batch must be durable (fsync) before returning.</param>
    void Apply(KeyValueBatch batch, bool sync = true);
}

/// <summary>An ordered list of puts and deletes applied atomically by <see cref="IKeyValueStore.Apply"/>.</summary>
public sealed class KeyValueBatch
{
    private readonly List<KeyValueOperation> _operations = [];

    /// <summary>The operations in order.</summary>
    public IReadOnlyList<KeyValueOperation> Operations => _operations;

    /// <summary>Number of operations.</summary>
    public int Count => _operations.Count;

    /// <summary>Adds a put.</summary>
    /// <param name="key">The key (copied).</param>
    /// <param name="value">The value (copied).</param>
    /// <returns>This batch.</returns>
    public KeyValueBatch Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        _operations.Add(new KeyValueOperation(key.ToArray(), value.ToArray()));
        return this;
    }

    /// <summary>Adds a delete.</summary>
    /// <param name="key">The key (copied).</param>
    /// <returns>This batch.</returns>
    public KeyValueBatch Delete(ReadOnlySpan<byte> key)
    {
        _operations.Add(new KeyValueOperation(key.ToArray(), null));
        return this;
    }
}

/// <summary>One write of a batch.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value, or <see langword="null"/> for a delete.</param>
public sealed record KeyValueOperation(byte[] Key, byte[]? Value)
{
    /// <summary>Whether this is a delete.</summary>
    public bool IsDelete => Value is null;
}

/// <summary>Byte-wise (unsigned lexicographic) key order, the one order used by every store.</summary>
public sealed class ByteKeyComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    /// <summary>The shared instance.</summary>
    public static ByteKeyComparer Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(byte[]? x, byte[]? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return x.AsSpan().SequenceCompareTo(y);
    }

    /// <inheritdoc />
    public bool Equals(byte[]? x, byte[]? y) => Compare(x, y) == 0;

    /// <inheritdoc />
    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
