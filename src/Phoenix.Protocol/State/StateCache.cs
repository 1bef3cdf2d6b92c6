namespace Phoenix.Protocol.State;

/// <summary>Read access to application state (keys in byte-wise order).</summary>
public interface IStateReader
{
    /// <summary>Reads one key.</summary>
    /// <param name="key">The full key.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    byte[]? Get(ReadOnlySpan<byte> key);

    /// <summary>All entries whose key starts with <paramref name="prefix"/>, in byte-wise key order.</summary>
    /// <param name="prefix">The key prefix.</param>
    /// <returns>A materialized, ordered list (safe to modify state while iterating it).</returns>
    IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(ReadOnlySpan<byte> prefix);
}

/// <summary>
/// A write buffer over a parent <see cref="IStateReader"/>: reads see this buffer's writes first,
/// <see cref="Flush"/> pushes them to the parent, dropping the cache discards them. The application
/// stacks one per block (over committed state) and one per transaction (over the block's), which is
/// how a failed transaction rolls back.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class StateCache : IStateReader
{
    private readonly IStateReader _parent;

    // A hash map, looked up by span without copying the key; key order is only needed when the writes are
    // read out (Writes, Scan), so it is established then, once, instead of on every write.
    private readonly Dictionary<byte[], byte[]?> _writes = new(SpanKeyComparer.Instance);
    private readonly Dictionary<byte[], byte[]?>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    /// <summary>Creates a cache over <paramref name="parent"/>.</summary>
    /// <param name="parent">The state underneath.</param>
    public StateCache(IStateReader parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        _parent = parent;
        _lookup = _writes.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Buffered writes (null value = delete), in key order.</summary>
    /// <remarks>A snapshot sorted when read: later writes are not reflected in it.</remarks>
    public IReadOnlyDictionary<byte[], byte[]?> Writes => new SortedWrites(_writes);

    /// <inheritdoc />
    public byte[]? Get(ReadOnlySpan<byte> key)
        => _lookup.TryGetValue(key, out var v) ? v : _parent.Get(key);

    /// <summary>Writes a value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (copied).</param>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Put(key, value.ToArray());

    /// <summary>Deletes a key.</summary>
    /// <param name="key">The key.</param>
    public void Delete(ReadOnlySpan<byte> key) => Put(key, null);

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(ReadOnlySpan<byte> prefix)
    {
        var merged = new SortedDictionary<byte[], byte[]>(ByteKeyComparer.Instance);
        foreach (var kv in _parent.Scan(prefix))
        {
            merged[kv.Key] = kv.Value;
        }

        foreach (var (k, v) in _writes)
        {
            if (k.AsSpan().StartsWith(prefix))
            {
                if (v is null)
                {
                    merged.Remove(k);
                }
                else
                {
                    merged[k] = v;
                }
            }
        }

        return [.. merged];
    }

    /// <summary>Pushes the buffered writes into the parent cache and clears this one.</summary>
    /// <exception cref="InvalidOperationException">The parent is not a <see cref="StateCache"/>.</exception>
    public void Flush()
    {
        if (_parent is not StateCache parent)
        {
            throw new InvalidOperationException("Only a cache over another cache can flush; committed state is written by the application's Commit.");
        }

        // The key arrays are private copies that never change: the parent can take them over.
        foreach (var (k, v) in _writes)
        {
            parent._writes[k] = v;
        }

        _writes.Clear();
    }

    /// <summary>Drops all buffered writes.</summary>
    public void Discard() => _writes.Clear();

    private void Put(ReadOnlySpan<byte> key, byte[]? value)
        => System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_lookup, key, out _) = value;

    /// <summary>Byte-wise key equality for byte arrays and for spans, so that lookups need no key copy.</summary>
    private sealed class SpanKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static SpanKeyComparer Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> key)
        {
            // Only bucket placement depends on this; nothing observable does (no removals, so iteration is in
            // insertion order, and every ordered read-out sorts by key).
            var hash = new HashCode();
            hash.AddBytes(key);
            return hash.ToHashCode();
        }
    }

    /// <summary>The writes sorted by key once, as a read-only dictionary.</summary>
    private sealed class SortedWrites : IReadOnlyDictionary<byte[], byte[]?>
    {
        private readonly Dictionary<byte[], byte[]?> _map;
        private readonly KeyValuePair<byte[], byte[]?>[] _sorted;

        public SortedWrites(Dictionary<byte[], byte[]?> writes)
        {
            _map = new Dictionary<byte[], byte[]?>(writes, SpanKeyComparer.Instance);
            _sorted = [.. writes];
            Array.Sort(_sorted, static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        }

        public byte[]? this[byte[] key] => _map[key];

        public IEnumerable<byte[]> Keys => _sorted.Select(kv => kv.Key);

        public IEnumerable<byte[]?> Values => _sorted.Select(kv => kv.Value);

        public int Count => _sorted.Length;

        public bool ContainsKey(byte[] key) => _map.ContainsKey(key);

        public bool TryGetValue(byte[] key, out byte[]? value) => _map.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<byte[], byte[]?>> GetEnumerator() => ((IEnumerable<KeyValuePair<byte[], byte[]?>>)_sorted).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>A module's view of state: every key is prefixed with the module's store prefix.</summary>
public readonly struct ModuleStore
{
    private readonly StateCache _state;
    private readonly byte[] _prefix;

    /// <summary>Creates a prefixed view.</summary>
    /// <param name="state">The underlying state.</param>
    /// <param name="prefix">The module's prefix.</param>
    public ModuleStore(StateCache state, byte[] prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(prefix);
        _state = state;
        _prefix = prefix;
    }

    private byte[] Full(ReadOnlySpan<byte> key)
    {
        var full = new byte[_prefix.Length + key.Length];
        _prefix.CopyTo(full, 0);
        key.CopyTo(full.AsSpan(_prefix.Length));
        return full;
    }

    /// <summary>Reads a key of this module.</summary>
    /// <param name="key">The key without prefix.</param>
    /// <returns>The value or null.</returns>
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        var length = _prefix.Length + key.Length;
        if (length > 256)
        {
            return _state.Get(Full(key));
        }

        Span<byte> full = stackalloc byte[length];
        _prefix.CopyTo(full);
        key.CopyTo(full[_prefix.Length..]);
        return _state.Get(full);
    }

    /// <summary>Writes a key of this module.</summary>
    /// <param name="key">The key without prefix.</param>
    /// <param name="value">The value.</param>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _state.Set(Full(key), value);

    /// <summary>Deletes a key of this module.</summary>
    /// <param name="key">The key without prefix.</param>
    public void Delete(ReadOnlySpan<byte> key) => _state.Delete(Full(key));

    /// <summary>Entries under a sub-prefix, keys returned without the module prefix.</summary>
    /// <param name="prefix">The sub-prefix.</param>
    /// <returns>Ordered entries.</returns>
    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(ReadOnlySpan<byte> prefix)
    {
        var p = _prefix.Length;
        return [.. _state.Scan(Full(prefix)).Select(kv => new KeyValuePair<byte[], byte[]>(kv.Key[p..], kv.Value))];
    }
}
