using Google.Protobuf;
using Phoenix.Node.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Api;

/// <summary>
/// An <see cref="ITxIndex"/> kept in an <see cref="IKeyValueStore"/> (RocksDB on a node): one record per
/// committed transaction, written in one batch per block.
/// </summary>
/// <param name="store">The store, used by this index only; disposed with it.</param>
/// <remarks>Thread-safe: reads run concurrently with the single writer that calls <see cref="Index"/>.</remarks>
public sealed class KeyValueTxIndex(IKeyValueStore store) : ITxIndex, IDisposable
{
    private const byte TxPrefix = 0x10;
    private readonly IKeyValueStore _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>Indexes every transaction of a committed block.</summary>
    /// <param name="block">The block and its results.</param>
    /// <param name="sync">Whether to fsync (a lost index entry can be rebuilt from blocks, so the default is not to).</param>
    public void Index(CommittedBlock block, bool sync = false)
    {
        ArgumentNullException.ThrowIfNull(block);
        var batch = new KeyValueBatch();
        for (var i = 0; i < block.Block.Txs.Count; i++)
        {
            var result = i < block.TxResults.Count ? ApiMapping.ToProto(block.TxResults[i]) : new Protocol.Node.V1.TxResult();
            var record = new Protocol.Node.V1.GetTxResponse
            {
                Hash = ByteString.CopyFrom(block.TxHashes[i].ToArray()),
                Tx = ByteString.CopyFrom(block.Block.Txs[i].Span),
                Height = block.Block.Height,
                Index = (uint)i,
                Result = result,
            };
            batch.Put(Key(block.TxHashes[i]), record.ToByteArray());
        }

        _store.Apply(batch, sync);
    }

    /// <inheritdoc />
    public IndexedTx? GetTx(Hash32 hash)
    {
        var bytes = _store.Get(Key(hash));
        if (bytes is null)
        {
            return null;
        }

        var record = Protocol.Node.V1.GetTxResponse.Parser.ParseFrom(bytes);
        return new IndexedTx(hash, record.Height, (int)record.Index, record.Tx.ToByteArray(), ApiMapping.FromProto(record.Result));
    }

    /// <inheritdoc />
    public void Dispose() => _store.Dispose();

    private static byte[] Key(Hash32 hash)
    {
        var key = new byte[1 + Hash32.Length];
        key[0] = TxPrefix;
        hash.TryWriteBytes(key.AsSpan(1));
        return key;
    }

}
