using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Node.Storage;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Blobs;

/// <summary>
/// The node's durable <see cref="IBlobStore"/>: blobs in chunks in a key-value store (a RocksDB store named <c>blobs</c>
/// in the node's data directory, next to <c>blocks</c>, <c>state</c> and <c>txindex</c>), with the owners of pins
/// (<see cref="IBlobPinJournal"/>) kept in the same store so that pins survive a restart.
/// </summary>
/// <remarks>
/// <para>Layout: <c>0x10 id</c> holds a blob's size and arrival sequence, <c>0x11 id chunk</c> its bytes in chunks of
/// <see cref="ChunkBytes"/>, <c>0x12 owner</c> the ids an owner pins. A blob becomes visible only when its metadata
/// record is written, after all its chunks, in a synced write: a crash never leaves a partial blob under its id.</para>
/// <para>Integrity: every read re-hashes the whole blob (id = SHA-256). Bytes that do not match, a missing chunk or a
/// chunk that fails the store's own checksum raise <see cref="BlobIntegrityException"/>; the damaged blob is removed
/// at once (it is never served) so that a later <see cref="PutAsync"/> or a fetch from a peer can repair it. Damage to
/// the store's structure (its files, format record, blob metadata or pin owners) is found when it opens and raises
/// <see cref="StoreCorruptedException"/>: the node refuses to start on it. Opening reads the metadata only, not the
/// blob bytes, so it stays fast however much the store holds.</para>
/// <para>Pins taken through <see cref="Pin"/> are counted in memory (owners re-pin after a restart); pins owned through
/// <see cref="BlobPinTracker"/> are journalled and restored. Garbage collection removes unpinned blobs, oldest first,
/// until the store is within its size budget. Thread-safe.</para>
/// </remarks>
public sealed class KeyValueBlobStore : IBlobStore, IBlobPinJournal, IDisposable
{
    /// <summary>Size of the chunks blobs are stored in.</summary>
    public const int ChunkBytes = 1024 * 1024;

    private const byte MetaPrefix = 0x10;
    private const byte ChunkPrefix = 0x11;
    private const byte OwnerPrefix = 0x12;
    private const int WriteBatchBytes = 16 * ChunkBytes;
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IKeyValueStore _store;
    private readonly string _name;
    private readonly long _maxBlobBytes;
    private readonly long _maxTotalBytes;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Hash32, Entry> _index = new();
    private readonly ConcurrentDictionary<Hash32, int> _pins = new();
    private readonly Lock _writeLock = new();
    private long _sequence;
    private long _totalBytes;
    private int _disposed;

    /// <summary>Opens a blob store over <paramref name="store"/>, which it owns (disposes), indexing the blobs it holds.</summary>
    /// <param name="store">The key-value store, used by this blob store only.</param>
    /// <param name="maxBlobBytes">Largest blob accepted.</param>
    /// <param name="maxTotalBytes">The size budget <see cref="CollectGarbageAsync"/> restores.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <exception cref="StoreCorruptedException">A metadata or pin-owner record is damaged.</exception>
    public KeyValueBlobStore(IKeyValueStore store, long maxBlobBytes = 256L * 1024 * 1024, long maxTotalBytes = long.MaxValue, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBlobBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTotalBytes);
        _store = store;
        _name = store is RocksDbKeyValueStore rocks ? rocks.Path : "blobs";
        _maxBlobBytes = maxBlobBytes;
        _maxTotalBytes = maxTotalBytes;
        _logger = logger ?? NullLogger.Instance;
        foreach (var (key, value) in store.Scan([MetaPrefix], [MetaPrefix + 1]))
        {
            if (key.Length != 1 + Hash32.Length || value.Length != 16)
            {
                throw new StoreCorruptedException(_name, $"the blob metadata record {Convert.ToHexStringLower(key)} is malformed");
            }

            var size = BinaryPrimitives.ReadInt64BigEndian(value);
            var sequence = BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(8));
            if (size < 0)
            {
                throw new StoreCorruptedException(_name, $"the blob metadata record {Convert.ToHexStringLower(key)} has a negative size");
            }

            _index[new Hash32(key.AsSpan(1))] = new Entry(size, sequence);
            _totalBytes += size;
            _sequence = Math.Max(_sequence, sequence);
        }

        // Validates the owner records now, so a damaged journal refuses the start rather than a later pin.
        _ = LoadPinOwners();
    }

    /// <summary>Opens (or creates) a RocksDB-backed blob store in <paramref name="path"/>.</summary>
    /// <param name="path">The store's directory.</param>
    /// <param name="maxBlobBytes">Largest blob accepted.</param>
    /// <param name="maxTotalBytes">The size budget <see cref="CollectGarbageAsync"/> restores.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="StoreCorruptedException">The store's files, format record, blob metadata or pin owners are damaged.</exception>
    /// <exception cref="IOException">The store is in use by another process.</exception>
    public static KeyValueBlobStore OpenRocksDb(string path, long maxBlobBytes = 256L * 1024 * 1024, long maxTotalBytes = long.MaxValue, ILogger? logger = null)
    {
        // Blob bytes are verified by their SHA-256 on every read; opening checks the structure, not every byte.
        var kv = RocksDbKeyValueStore.Open(path, new RocksDbStoreOptions { Kind = "blobs", VerifyOnOpen = false }, logger);
        try
        {
            return new KeyValueBlobStore(kv, maxBlobBytes, maxTotalBytes, logger);
        }
        catch
        {
            kv.Dispose();
            throw;
        }
    }

    /// <summary>Total bytes held.</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>Number of blobs held.</summary>
    public int Count => _index.Count;

    /// <inheritdoc />
    public ValueTask PutAsync(Hash32 id, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (content.Length > _maxBlobBytes)
        {
            throw new BlobTooLargeException(id, content.Length, _maxBlobBytes);
        }

        var actual = Hash32.Sha256(content.Span);
        if (actual != id)
        {
            throw new BlobIntegrityException(id, actual);
        }

        lock (_writeLock)
        {
            if (_index.ContainsKey(id))
            {
                return ValueTask.CompletedTask;
            }

            var batch = new KeyValueBatch();
            var pending = 0;
            var chunks = ChunkCount(content.Length);
            for (var i = 0; i < chunks; i++)
            {
                var offset = i * ChunkBytes;
                var part = content.Span.Slice(offset, Math.Min(ChunkBytes, content.Length - offset));
                batch.Put(ChunkKey(id, i), part);
                pending += part.Length;
                if (pending >= WriteBatchBytes)
                {
                    // Chunks without metadata are invisible; the synced metadata write below makes them all durable.
                    _store.Apply(batch, sync: false);
                    batch = new KeyValueBatch();
                    pending = 0;
                }
            }

            var sequence = ++_sequence;
            var meta = new byte[16];
            BinaryPrimitives.WriteInt64BigEndian(meta, content.Length);
            BinaryPrimitives.WriteInt64BigEndian(meta.AsSpan(8), sequence);
            batch.Put(MetaKey(id), meta);
            _store.Apply(batch, sync: true);
            _index[id] = new Entry(content.Length, sequence);
            Interlocked.Add(ref _totalBytes, content.Length);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> ContainsAsync(Hash32 id, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_index.ContainsKey(id));

    /// <inheritdoc />
    /// <exception cref="BlobIntegrityException">The stored bytes are damaged; the blob has been removed.</exception>
    public ValueTask<ReadOnlyMemory<byte>?> TryGetAsync(Hash32 id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_index.TryGetValue(id, out var entry))
        {
            return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null);
        }

        var bytes = new byte[entry.Size];
        var chunks = ChunkCount(entry.Size);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < chunks; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[]? part;
            try
            {
                part = _store.Get(ChunkKey(id, i));
            }
            catch (StoreCorruptedException ex)
            {
                throw Damaged(id, new BlobIntegrityException(id, $"chunk {i} fails the store's checksum ({ex.Detail})", ex));
            }

            var offset = (long)i * ChunkBytes;
            var expected = (int)Math.Min(ChunkBytes, entry.Size - offset);
            if (part is null && (!_index.TryGetValue(id, out var now) || !ReferenceEquals(now, entry)))
            {
                return ValueTask.FromResult<ReadOnlyMemory<byte>?>(null); // removed (garbage collected) while being read
            }

            if (part is null || part.Length != expected)
            {
                throw Damaged(id, new BlobIntegrityException(id, part is null ? $"chunk {i} is missing" : $"chunk {i} is {part.Length} bytes, expected {expected}", null));
            }

            part.CopyTo(bytes.AsSpan((int)offset));
            hash.AppendData(part);
        }

        var actual = new Hash32(hash.GetHashAndReset());
        if (actual != id)
        {
            throw Damaged(id, new BlobIntegrityException(id, actual));
        }

        return ValueTask.FromResult<ReadOnlyMemory<byte>?>(bytes);
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

    /// <summary>How many pins a blob holds.</summary>
    /// <param name="id">The content id.</param>
    /// <returns>The pin count.</returns>
    public int PinCount(Hash32 id) => _pins.TryGetValue(id, out var n) ? n : 0;

    /// <inheritdoc />
    public ValueTask<int> CollectGarbageAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var removed = 0;
        foreach (var (id, _) in _index.OrderBy(kv => kv.Value.Sequence).ToArray())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TotalBytes <= _maxTotalBytes)
            {
                break;
            }

            if (_pins.ContainsKey(id))
            {
                continue;
            }

            if (Remove(id))
            {
                removed++;
            }
        }

        return ValueTask.FromResult(removed);
    }

    /// <inheritdoc />
    /// <exception cref="StoreCorruptedException">An owner record is damaged.</exception>
    public IReadOnlyDictionary<string, IReadOnlyList<Hash32>> LoadPinOwners()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var owners = new Dictionary<string, IReadOnlyList<Hash32>>(StringComparer.Ordinal);
        foreach (var (key, value) in _store.Scan([OwnerPrefix], [OwnerPrefix + 1]))
        {
            if (key.Length < 2 || value.Length % Hash32.Length != 0)
            {
                throw new StoreCorruptedException(_name, $"the pin owner record {Convert.ToHexStringLower(key)} is malformed");
            }

            string owner;
            try
            {
                owner = Strict.GetString(key, 1, key.Length - 1);
            }
            catch (DecoderFallbackException ex)
            {
                throw new StoreCorruptedException(_name, $"the pin owner record {Convert.ToHexStringLower(key)} does not name an owner", ex);
            }

            var ids = new Hash32[value.Length / Hash32.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = new Hash32(value.AsSpan(i * Hash32.Length, Hash32.Length));
            }

            owners[owner] = ids;
        }

        return owners;
    }

    /// <inheritdoc />
    public void SavePinOwner(string owner, IReadOnlyCollection<Hash32> ids)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(ids);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var key = OwnerKey(owner);
        var batch = new KeyValueBatch();
        if (ids.Count == 0)
        {
            batch.Delete(key);
        }
        else
        {
            var value = new byte[ids.Count * Hash32.Length];
            var i = 0;
            foreach (var id in ids)
            {
                id.TryWriteBytes(value.AsSpan(i++ * Hash32.Length));
            }

            batch.Put(key, value);
        }

        lock (_writeLock)
        {
            _store.Apply(batch, sync: true);
        }
    }

    /// <summary>Closes the underlying store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _store.Dispose();
        }
    }

    private BlobIntegrityException Damaged(Hash32 id, BlobIntegrityException error)
    {
        Log.StoredBlobDamaged(_logger, id, _name, error.Message);
        Remove(id);
        return error;
    }

    private bool Remove(Hash32 id)
    {
        lock (_writeLock)
        {
            if (!_index.TryRemove(id, out var entry))
            {
                return false;
            }

            var batch = new KeyValueBatch().Delete(MetaKey(id));
            var chunks = ChunkCount(entry.Size);
            for (var i = 0; i < chunks; i++)
            {
                batch.Delete(ChunkKey(id, i));
            }

            _store.Apply(batch, sync: true);
            Interlocked.Add(ref _totalBytes, -entry.Size);
            return true;
        }
    }

    private static int ChunkCount(long size) => (int)((size + ChunkBytes - 1) / ChunkBytes);

    private static byte[] MetaKey(Hash32 id)
    {
        var key = new byte[1 + Hash32.Length];
        key[0] = MetaPrefix;
        id.TryWriteBytes(key.AsSpan(1));
        return key;
    }

    private static byte[] ChunkKey(Hash32 id, int chunk)
    {
        var key = new byte[1 + Hash32.Length + 4];
        key[0] = ChunkPrefix;
        id.TryWriteBytes(key.AsSpan(1));
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(1 + Hash32.Length), chunk);
        return key;
    }

    private static byte[] OwnerKey(string owner)
    {
        var key = new byte[1 + Strict.GetByteCount(owner)];
        key[0] = OwnerPrefix;
        Strict.GetBytes(owner, key.AsSpan(1));
        return key;
    }

    private sealed record Entry(long Size, long Sequence);
}
