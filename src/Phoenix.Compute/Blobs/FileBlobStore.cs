using System.Collections.Concurrent;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Blobs;

/// <summary>Options of <see cref="FileBlobStore"/>.</summary>
public sealed class FileBlobStoreOptions
{
    /// <summary>The directory the store owns.</summary>
    public string RootPath { get; set; } = string.Empty;

    /// <summary>Largest accepted blob.</summary>
    /// <value>Default 1 GiB.</value>
    public long MaxBlobBytes { get; set; } = 1L << 30;

    /// <summary>The size budget <see cref="FileBlobStore.CollectGarbageAsync"/> restores.</summary>
    /// <value>Default 20 GiB.</value>
    public long MaxTotalBytes { get; set; } = 20L << 30;
}

/// <summary>
/// The durable, file-backed <see cref="IBlobStore"/> that miners and validator agents use as their local
/// cache: one file per blob, named by its content id (<c>root/ab/abcd….blob</c>). A node keeps its own blobs
/// in its data directory instead (Phoenix.Node's <c>KeyValueBlobStore</c>; docs/decisions.md D5).
/// </summary>
/// <remarks>
/// <para>Writes are atomic: bytes go to a temporary file, are flushed to disk, then renamed into place,
/// so a crash never leaves a partial blob under its id. Every read re-hashes the file; a file whose
/// bytes no longer match its id (disk corruption, tampering) is moved to <c>root/corrupt/</c> and
/// <see cref="BlobIntegrityException"/> is thrown, so bad bytes are never served and a later
/// <see cref="PutAsync"/> can repair the blob.</para>
/// <para>Pins are counted and held in memory: after a restart, owners pin again what they still need.
/// Garbage collection removes unpinned blobs, oldest first (by file write time), until the store is within
/// <see cref="FileBlobStoreOptions.MaxTotalBytes"/>. Thread-safe.</para>
/// </remarks>
public sealed class FileBlobStore : IBlobStore
{
    private const string Extension = ".blob";
    private readonly FileBlobStoreOptions _options;
    private readonly string _tempPath;
    private readonly string _corruptPath;
    private readonly ConcurrentDictionary<Hash32, Entry> _index = new();
    private readonly ConcurrentDictionary<Hash32, int> _pins = new();
    private long _sequence;
    private long _totalBytes;

    /// <summary>Opens (or creates) a store, indexing the blobs already on disk.</summary>
    /// <param name="options">The options; <see cref="FileBlobStoreOptions.RootPath"/> is required.</param>
    public FileBlobStore(FileBlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.RootPath);
        _options = options;
        Directory.CreateDirectory(options.RootPath);
        _tempPath = Path.Combine(options.RootPath, "tmp");
        _corruptPath = Path.Combine(options.RootPath, "corrupt");
        Directory.CreateDirectory(_tempPath);
        foreach (var stale in Directory.EnumerateFiles(_tempPath))
        {
            File.Delete(stale);
        }

        var existing = Directory.EnumerateFiles(options.RootPath, "*" + Extension, SearchOption.AllDirectories)
            .Select(p => new FileInfo(p))
            .OrderBy(f => f.LastWriteTimeUtc);
        foreach (var file in existing)
        {
            if (Hash32.TryParse(Path.GetFileNameWithoutExtension(file.Name), null, out var id))
            {
                _index[id] = new Entry(file.Length, ++_sequence);
                _totalBytes += file.Length;
            }
        }
    }

    /// <summary>Total bytes held.</summary>
    public long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>Number of blobs held.</summary>
    public int Count => _index.Count;

    /// <inheritdoc />
    public async ValueTask PutAsync(Hash32 id, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (content.Length > _options.MaxBlobBytes)
        {
            throw new BlobTooLargeException(id, content.Length, _options.MaxBlobBytes);
        }

        var actual = Hash32.Sha256(content.Span);
        if (actual != id)
        {
            throw new BlobIntegrityException(id, actual);
        }

        if (_index.ContainsKey(id))
        {
            return;
        }

        var path = PathOf(id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = Path.Combine(_tempPath, $"{id}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        if (_index.TryAdd(id, new Entry(content.Length, Interlocked.Increment(ref _sequence))))
        {
            Interlocked.Add(ref _totalBytes, content.Length);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ContainsAsync(Hash32 id, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(_index.ContainsKey(id));

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> TryGetAsync(Hash32 id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_index.ContainsKey(id))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(PathOf(id), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            Forget(id);
            return null;
        }

        var actual = Hash32.Sha256(bytes);
        if (actual != id)
        {
            Quarantine(id);
            throw new BlobIntegrityException(id, actual);
        }

        return bytes;
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
        var removed = 0;
        foreach (var (id, _) in _index.OrderBy(kv => kv.Value.Sequence).ToArray())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TotalBytes <= _options.MaxTotalBytes)
            {
                break;
            }

            if (_pins.ContainsKey(id))
            {
                continue;
            }

            try
            {
                File.Delete(PathOf(id));
            }
            catch (IOException)
            {
                continue;
            }

            Forget(id);
            removed++;
        }

        return ValueTask.FromResult(removed);
    }

    internal string PathOf(Hash32 id)
    {
        var hex = id.ToString();
        return Path.Combine(_options.RootPath, hex[..2], hex + Extension);
    }

    private void Forget(Hash32 id)
    {
        if (_index.TryRemove(id, out var entry))
        {
            Interlocked.Add(ref _totalBytes, -entry.Size);
        }
    }

    private void Quarantine(Hash32 id)
    {
        Directory.CreateDirectory(_corruptPath);
        try
        {
            File.Move(PathOf(id), Path.Combine(_corruptPath, $"{id}.{Guid.NewGuid():N}"), overwrite: true);
        }
        catch (IOException)
        {
            // Already moved or deleted by a concurrent reader; the index entry goes either way.
        }

        Forget(id);
    }

    private sealed record Entry(long Size, long Sequence);
}
