using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Storage;

/// <summary>
/// An <see cref="IEncodedBlockStore"/> over any <see cref="IKeyValueStore"/>: RocksDB for a node
/// (<see cref="OpenRocksDb"/>), or <see cref="InMemoryKeyValueStore"/> for tests and simulations.
/// </summary>
/// <remarks>
/// Layout: <c>0x00 "range"</c> holds base and top height; <c>0x01 height</c> the block; <c>0x02 hash</c> its
/// height; <c>0x03 height</c> its commit (heights big-endian, so they sort). Every save is one atomic,
/// synced batch. Thread-safe: writes are serialized internally.
/// </remarks>
public sealed class KeyValueBlockStore : IEncodedBlockStore
{
    private const byte RangePrefix = 0x00;
    private const byte BlockPrefix = 0x01;
    private const byte HashPrefix = 0x02;
    private const byte CommitPrefix = 0x03;
    private static readonly byte[] RangeKey = [RangePrefix, (byte)'r'];

    private readonly IKeyValueStore _store;
    private readonly ILogger _logger;
    private readonly Lock _writeLock = new();
    private long _base;
    private long _height;

    /// <summary>Creates a block store over <paramref name="store"/>, which it owns (disposes).</summary>
    /// <param name="store">The key-value store, used by this block store only.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <exception cref="StoreCorruptedException">The stored height range is malformed or a block in it is missing.</exception>
    public KeyValueBlockStore(IKeyValueStore store, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _logger = logger ?? NullLogger.Instance;
        var range = store.Get(RangeKey);
        if (range is not null)
        {
            if (range.Length != 16)
            {
                throw new StoreCorruptedException(StorePath, "the block height range record is malformed");
            }

            _base = BinaryPrimitives.ReadInt64BigEndian(range);
            _height = BinaryPrimitives.ReadInt64BigEndian(range.AsSpan(8));
            if (_base < 1 || _height < _base || store.Get(BlockKey(_height)) is null || store.Get(BlockKey(_base)) is null)
            {
                throw new StoreCorruptedException(StorePath, $"the block range {_base}..{_height} does not match the blocks held");
            }
        }
    }

    /// <summary>Opens (or creates) a RocksDB-backed block store in <paramref name="path"/>.</summary>
    /// <param name="path">The store's directory.</param>
    /// <param name="verifyOnOpen">Whether to check every stored value's checksum while opening.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <returns>The block store.</returns>
    /// <exception cref="StoreCorruptedException">The store's files are damaged.</exception>
    public static KeyValueBlockStore OpenRocksDb(string path, bool verifyOnOpen = true, ILogger? logger = null)
    {
        var kv = RocksDbKeyValueStore.Open(path, new RocksDbStoreOptions { Kind = "blocks", VerifyOnOpen = verifyOnOpen }, logger);
        try
        {
            return new KeyValueBlockStore(kv, logger);
        }
        catch
        {
            kv.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public long BaseHeight => Volatile.Read(ref _base);

    /// <inheritdoc />
    public long Height => Volatile.Read(ref _height);

    private string StorePath => _store is RocksDbKeyValueStore r ? r.Path : "(in-memory)";

    /// <inheritdoc />
    public void SaveBlock(EncodedBlock block, ReadOnlyMemory<byte> commit)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentOutOfRangeException.ThrowIfLessThan(block.Height, 1);
        lock (_writeLock)
        {
            if (_height != 0 && block.Height <= _height)
            {
                var existing = GetBlock(block.Height);
                if (existing is not null && existing.Hash == block.Hash)
                {
                    return;
                }

                throw new InvalidOperationException($"A different block is already stored at height {block.Height}.");
            }

            if (_height != 0 && block.Height != _height + 1)
            {
                throw new InvalidOperationException($"Blocks are stored contiguously: expected height {_height + 1}, got {block.Height}.");
            }

            var newBase = _height == 0 ? block.Height : _base;
            var batch = new KeyValueBatch()
                .Put(BlockKey(block.Height), Encode(block))
                .Put(HashKey(block.Hash), HeightBytes(block.Height))
                .Put(CommitKey(block.Height), commit.Span)
                .Put(RangeKey, Range(newBase, block.Height));
            _store.Apply(batch, sync: true);
            Volatile.Write(ref _base, newBase);
            Volatile.Write(ref _height, block.Height);
            Log.BlockSaved(_logger, block.Height, block.Bytes.Length);
        }
    }

    /// <inheritdoc />
    public EncodedBlock? GetBlock(long height)
    {
        var bytes = _store.Get(BlockKey(height));
        return bytes is null ? null : Decode(height, bytes);
    }

    /// <inheritdoc />
    public EncodedBlock? GetBlockByHash(Hash32 hash)
    {
        var height = _store.Get(HashKey(hash));
        return height is { Length: 8 } ? GetBlock(BinaryPrimitives.ReadInt64BigEndian(height)) : null;
    }

    /// <inheritdoc />
    public byte[]? GetCommit(long height) => _store.Get(CommitKey(height));

    /// <inheritdoc />
    public int Prune(long retainHeight)
    {
        lock (_writeLock)
        {
            if (_height == 0 || retainHeight <= _base)
            {
                return 0;
            }

            ArgumentOutOfRangeException.ThrowIfGreaterThan(retainHeight, _height);
            var batch = new KeyValueBatch();
            var removed = 0;
            for (var h = _base; h < retainHeight; h++)
            {
                var block = GetBlock(h);
                if (block is not null)
                {
                    batch.Delete(HashKey(block.Hash));
                }

                batch.Delete(BlockKey(h)).Delete(CommitKey(h));
                removed++;
            }

            batch.Put(RangeKey, Range(retainHeight, _height));
            _store.Apply(batch, sync: true);
            Volatile.Write(ref _base, retainHeight);
            Log.BlocksPruned(_logger, removed, retainHeight);
            return removed;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _store.Dispose();

    private EncodedBlock Decode(long height, byte[] bytes)
    {
        if (bytes.Length < Hash32.Length)
        {
            throw new StoreCorruptedException(StorePath, $"the block record at height {height} is truncated");
        }

        return new EncodedBlock(height, new Hash32(bytes.AsSpan(0, Hash32.Length)), bytes.AsMemory(Hash32.Length));
    }

    private static byte[] Encode(EncodedBlock block)
    {
        var result = new byte[Hash32.Length + block.Bytes.Length];
        block.Hash.TryWriteBytes(result);
        block.Bytes.Span.CopyTo(result.AsSpan(Hash32.Length));
        return result;
    }

    private static byte[] BlockKey(long height) => PrefixedHeight(BlockPrefix, height);

    private static byte[] CommitKey(long height) => PrefixedHeight(CommitPrefix, height);

    private static byte[] HashKey(Hash32 hash)
    {
        var key = new byte[1 + Hash32.Length];
        key[0] = HashPrefix;
        hash.TryWriteBytes(key.AsSpan(1));
        return key;
    }

    private static byte[] PrefixedHeight(byte prefix, long height)
    {
        var key = new byte[9];
        key[0] = prefix;
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(1), height);
        return key;
    }

    private static byte[] HeightBytes(long height)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, height);
        return bytes;
    }

    private static byte[] Range(long baseHeight, long top)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, baseHeight);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8), top);
        return bytes;
    }
}
