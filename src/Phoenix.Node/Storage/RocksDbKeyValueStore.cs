using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Node.Internal;
using Phoenix.Protocol.State;
using RocksDbSharp;

namespace Phoenix.Node.Storage;

/// <summary>
/// The durable <see cref="IKeyValueStore"/> on RocksDB: atomic batches (one RocksDB write batch),
/// optional fsync per batch, byte-wise key order, and a CRC-32C on every value.
/// </summary>
/// <remarks>
/// <para>
/// Corruption detection: every value carries a checksum over its key and bytes, verified on every
/// read; RocksDB's own block checksums and paranoid checks are on; a format record in a separate
/// column family names the store's kind and format version. By default <see cref="Open"/> reads the
/// whole store once and refuses to start with <see cref="StoreCorruptedException"/> when anything
/// is damaged, missing (a lost <c>CURRENT</c> or manifest) or of another kind.
/// </para>
/// <para>Thread-safety: reads and scans may run concurrently with each other and with <see cref="Apply"/>;
/// writers are serialized by the caller (see <see cref="IKeyValueStore"/>).</para>
/// </remarks>
public sealed class RocksDbKeyValueStore : IKeyValueStore
{
    /// <summary>The on-disk format version this code writes and reads.</summary>
    public const int FormatVersion = 1;

    private const string MetaFamily = "phoenix.meta";
    private static readonly byte[] FormatKey = "format"u8.ToArray();

    private readonly RocksDb _db;
    private readonly ColumnFamilyHandle _data;
    private readonly WriteOptions _syncWrite = new WriteOptions().SetSync(true);
    private readonly WriteOptions _asyncWrite = new WriteOptions().SetSync(false);
    private readonly ILogger _logger;
    private int _disposed;

    private RocksDbKeyValueStore(RocksDb db, string path, ILogger logger)
    {
        _db = db;
        _data = db.GetDefaultColumnFamily();
        Path = path;
        _logger = logger;
    }

    /// <summary>The store's directory.</summary>
    public string Path { get; }

    /// <summary>Opens the store in <paramref name="path"/>, creating it when the directory is absent or empty.</summary>
    /// <param name="path">The store's directory.</param>
    /// <param name="options">Settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="StoreCorruptedException">The directory holds damaged data, a partial RocksDB directory, or a store of another kind or format.</exception>
    /// <exception cref="IOException">The store is in use by another process, or the directory cannot be created.</exception>
    public static RocksDbKeyValueStore Open(string path, RocksDbStoreOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new RocksDbStoreOptions();
        logger ??= NullLogger.Instance;
        path = System.IO.Path.GetFullPath(path);

        var isNew = !Directory.Exists(path) || !Directory.EnumerateFileSystemEntries(path).Any();
        if (!isNew && !File.Exists(System.IO.Path.Combine(path, "CURRENT")))
        {
            throw Corrupted(logger, path, "the directory is not empty but has no RocksDB CURRENT file (lost or never a store)", null);
        }

        Directory.CreateDirectory(path);
        var dbOptions = new DbOptions()
            .SetCreateIfMissing(isNew)
            .SetCreateMissingColumnFamilies(isNew)
            .SetParanoidChecks(options.ParanoidChecks)
            .SetWalRecoveryMode(Recovery.TolerateCorruptedTailRecords);
        var families = new ColumnFamilies { { MetaFamily, new ColumnFamilyOptions() } };

        RocksDb db;
        try
        {
            db = RocksDb.Open(dbOptions, path, families);
        }
        catch (RocksDbException ex) when (IsLockError(ex))
        {
            throw new IOException($"The store at '{path}' is in use by another process: {ex.Message}", ex);
        }
        catch (RocksDbException ex)
        {
            throw Corrupted(logger, path, $"RocksDB refused to open it ({ex.Message})", ex);
        }

        var store = new RocksDbKeyValueStore(db, path, logger);
        try
        {
            store.CheckFormat(isNew, options.Kind);
            var entries = options.VerifyOnOpen ? store.VerifyAll() : 0;
            if (isNew)
            {
                Log.StoreCreated(logger, options.Kind, path);
            }
            else
            {
                Log.StoreOpened(logger, options.Kind, path, entries);
            }

            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="StoreCorruptedException">The stored value fails its checksum.</exception>
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var k = key.ToArray();
        byte[]? stored;
        try
        {
            stored = _db.Get(k, _data);
        }
        catch (RocksDbException ex)
        {
            throw Translate(ex);
        }

        return stored is null ? null : Unwrap(k, stored);
    }

    /// <inheritdoc />
    /// <exception cref="StoreCorruptedException">A stored value fails its checksum (thrown while enumerating).</exception>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[] start, byte[]? end)
    {
        ArgumentNullException.ThrowIfNull(start);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return ScanCore(start, end);
    }

    /// <inheritdoc />
    public void Apply(KeyValueBatch batch, bool sync = true)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using var wb = new WriteBatch();
        foreach (var op in batch.Operations)
        {
            if (op.Value is null)
            {
                wb.Delete(op.Key, _data);
            }
            else
            {
                wb.Put(op.Key, ValueEnvelope.Wrap(op.Key, op.Value), _data);
            }
        }

        try
        {
            _db.Write(wb, sync ? _syncWrite : _asyncWrite);
        }
        catch (RocksDbException ex)
        {
            throw Translate(ex);
        }
    }

    /// <summary>Flushes memtables to table files (used by tests and before backups).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _db.Flush(new FlushOptions().SetWaitForFlush(true));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _db.Dispose();
        }
    }

    private IEnumerable<KeyValuePair<byte[], byte[]>> ScanCore(byte[] start, byte[]? end)
    {
        using var snapshot = _db.CreateSnapshot();
        var readOptions = new ReadOptions().SetSnapshot(snapshot).SetVerifyChecksums(true);
        if (end is not null)
        {
            readOptions.SetIterateUpperBound(end);
        }

        using var iterator = _db.NewIterator(_data, readOptions);
        iterator.Seek(start);
        while (true)
        {
            KeyValuePair<byte[], byte[]> item;
            try
            {
                if (!iterator.Valid())
                {
                    CheckIterator(iterator);
                    yield break;
                }

                var key = iterator.Key();
                item = new KeyValuePair<byte[], byte[]>(key, Unwrap(key, iterator.Value()));
                iterator.Next();
            }
            catch (RocksDbException ex)
            {
                throw Translate(ex);
            }

            yield return item;
        }
    }

    private static void CheckIterator(Iterator iterator)
    {
        Native.Instance.rocksdb_iter_get_error(iterator.Handle, out var error);
        if (error != IntPtr.Zero)
        {
            throw new RocksDbException(error);
        }
    }

    private void CheckFormat(bool isNew, string kind)
    {
        var meta = _db.GetColumnFamily(MetaFamily);
        var expected = Encoding.UTF8.GetBytes($"phoenix-kv/{FormatVersion}/{kind}");
        var stored = _db.Get(FormatKey, meta);
        if (stored is null)
        {
            if (!isNew)
            {
                throw Corrupted(_logger, Path, "the format record is missing", null);
            }

            _db.Put(FormatKey, ValueEnvelope.Wrap(FormatKey, expected), meta, _syncWrite);
            return;
        }

        var actual = Unwrap(FormatKey, stored);
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw Corrupted(_logger, Path, $"the format record says '{Encoding.UTF8.GetString(actual)}', expected '{Encoding.UTF8.GetString(expected)}'", null);
        }
    }

    private long VerifyAll()
    {
        long count = 0;
        var readOptions = new ReadOptions().SetVerifyChecksums(true).SetFillCache(false);
        try
        {
            using var iterator = _db.NewIterator(_data, readOptions);
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                Unwrap(iterator.Key(), iterator.Value());
                count++;
            }

            CheckIterator(iterator);
        }
        catch (RocksDbException ex)
        {
            throw Translate(ex);
        }

        return count;
    }

    private byte[] Unwrap(byte[] key, byte[] stored)
    {
        if (!ValueEnvelope.TryUnwrap(key, stored, out var value))
        {
            throw Corrupted(_logger, Path, $"the value of key {Convert.ToHexStringLower(key)} fails its checksum", null);
        }

        return value;
    }

    private Exception Translate(RocksDbException ex)
        => ex.Message.Contains("Corruption", StringComparison.OrdinalIgnoreCase)
            ? Corrupted(_logger, Path, ex.Message, ex)
            : new IOException($"Storage error in '{Path}': {ex.Message}", ex);

    private static bool IsLockError(RocksDbException ex)
        => ex.Message.Contains("lock", StringComparison.OrdinalIgnoreCase)
            && !ex.Message.Contains("Corruption", StringComparison.OrdinalIgnoreCase);

    private static StoreCorruptedException Corrupted(ILogger logger, string path, string detail, Exception? inner)
    {
        Log.StoreCorrupted(logger, path, detail);
        return new StoreCorruptedException(path, detail, inner);
    }
}
