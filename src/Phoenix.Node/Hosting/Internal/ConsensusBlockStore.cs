using Google.Protobuf;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Transport;
using Phoenix.Node.Storage;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Hosting.Internal;

/// <summary>
/// The engine's <see cref="IBlockStore"/> over the durable <see cref="KeyValueBlockStore"/> (RocksDB): the block's exact
/// encoding and its seen commit are stored per height, written with fsync before the block is applied.
/// </summary>
internal sealed class ConsensusBlockStore(KeyValueBlockStore store) : IBlockStore
{
    public KeyValueBlockStore Encoded { get; } = store;

    public long Height => Encoded.Height;

    public void SaveBlock(StoredBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var hash = new Hash32(block.Block.Hash());
        Encoded.SaveBlock(new EncodedBlock(block.Block.Header.Height, hash, block.BlockBytes), ConsensusMessageCodec.EncodeCommit(block.SeenCommit));
    }

    public StoredBlock? LoadBlock(long height)
    {
        var encoded = Encoded.GetBlock(height);
        if (encoded is null)
        {
            return null;
        }

        var commitBytes = Encoded.GetCommit(height) ?? throw new StoreCorruptedException("blocks", $"the commit of block {height} is missing");
        try
        {
            var bytes = encoded.Bytes.ToArray();
            var block = ConsensusMessageCodec.DecodeBlock(bytes);
            if (block.Header.Height != height)
            {
                throw new StoreCorruptedException("blocks", $"the block stored at height {height} says it is at height {block.Header.Height}");
            }

            return new StoredBlock(block, bytes, ConsensusMessageCodec.DecodeCommit(commitBytes));
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidProtocolBufferException)
        {
            throw new StoreCorruptedException("blocks", $"the block or commit stored at height {height} does not decode", ex);
        }
    }
}
