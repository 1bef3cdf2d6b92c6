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
    private readonly SortedDictionary<byte[], byte[]?> _writes = new(ByteKeyComparer.Instance);

    /// <summary>Creates a cache over <paramref name="parent"/>.</summary>
    /// <param name="parent">The state underneath.</param>
    public StateCache(IStateReader parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        _parent = parent;
    }

    /// <summary>Buffered writes (null value = delete), in key order.</summary>
    public IReadOnlyDictionary<byte[], byte[]?> Writes => _writes;

    /// <inheritdoc />
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        var k = key.ToArray();
        return _writes.TryGetValue(k, out var v) ? v : _parent.Get(key);
    }

    /// <summary>Writes a value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (copied).</param>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _writes[key.ToArray()] = value.ToArray();

    /// <summary>Deletes a key.</summary>
    /// <param name="key">The key.</param>
    public void Delete(ReadOnlySpan<byte> key) => _writes[key.ToArray()] = null;

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

        foreach (var (k, v) in _writes)
        {
            parent._writes[k] = v;
        }

        _writes.Clear();
    }

    /// <summary>Drops all buffered writes.</summary>
    public void Discard() => _writes.Clear();
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
    public byte[]? Get(ReadOnlySpan<byte> key) => _state.Get(Full(key));

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
