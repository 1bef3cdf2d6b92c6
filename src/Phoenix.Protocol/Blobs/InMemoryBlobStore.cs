using System.Collections.Concurrent;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Blobs;

/// <summary>
/// A thread-safe in-memory <see cref="IBlobStore"/> for tests and embedded devnets.
/// </summary>
/// <param name="maxBlobBytes">Largest accepted blob.</param>
/// <param name="maxTotalBytes">Size budget that garbage collection restores.</param>
public sealed class InMemoryBlobStore(long maxBlobBytes = 256L * 1024 * 1024, long maxTotalBytes = long.MaxValue) : IBlobStore
{
    private readonly ConcurrentDictionary<Hash32, Entry> _blobs = new();
    private readonly ConcurrentDictionary<Hash32, int> _pins = new();
    private long _sequence;

    /// <summary>Total bytes held.</summary>
    public long TotalBytes => _blobs.Values.Sum(e => (long)e.Content.Length);

    /// <summary>Number of blobs held.</summary>
    public int Count => _blobs.Count;

    /// <inheritdoc />
    public ValueTask PutAsync(Hash32 id, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (content.Length > maxBlobBytes)
        {
            throw new BlobTooLargeException(id, content.Length, maxBlobBytes);
        }

        var actual = Hash32.Sha256(content.Span);
        if (actual != id)
        {
            throw new BlobIntegrityException(id, actual);
        }

        _blobs.TryAdd(id, new Entry(content.ToArray(), Interlocked.Increment(ref _sequence)));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> ContainsAsync(Hash32 id, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_blobs.ContainsKey(id));

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>?> TryGetAsync(Hash32 id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_blobs.TryGetValue(id, out var entry) ? (ReadOnlyMemory<byte>?)entry.Content : null);
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> ReadAsync(Hash32 id, CancellationToken cancellationToken = default)
        => await TryGetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new BlobNotFoundException(id);

    /// <inheritdoc />
    public void Pin(Hash32 id) => _pins.AddOrUpdate(id, 1, (_, n) => n + 1);

    /// <inheritdoc />
    public void Unpin(Hash32 id)
    {
        while (_pins.TryGetValue(id, out var n))
        {
            if (n <= 1 ? _pins.TryRemove(new KeyValuePair<Hash32, int>(id, n)) : _pins.TryUpdate(id, n - 1, n))
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<int> CollectGarbageAsync(CancellationToken cancellationToken = default)
    {
        var removed = 0;
        var total = TotalBytes;
        foreach (var (id, entry) in _blobs.OrderBy(kv => kv.Value.Sequence))
        {
            if (total <= maxTotalBytes)
            {
                break;
            }

            if (!_pins.ContainsKey(id) && _blobs.TryRemove(id, out _))
            {
                total -= entry.Content.Length;
                removed++;
            }
        }

        return ValueTask.FromResult(removed);
    }

    private sealed record Entry(byte[] Content, long Sequence);
}
