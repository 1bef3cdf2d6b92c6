using System.Buffers.Binary;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Hosting.Internal;

/// <summary>The engine's per-height state in the block store's key-value store (prefix 0x20), keeping the last two heights.</summary>
internal sealed class KeyValueChainStateStore(IKeyValueStore store) : IChainStateStore
{
    private const byte Prefix = 0x20;

    public void Save(long height, byte[] state)
    {
        var batch = new KeyValueBatch().Put(Key(height), state);
        if (height > 2)
        {
            batch.Delete(Key(height - 2));
        }

        store.Apply(batch, sync: true);
    }

    public byte[]? Load(long height) => store.Get(Key(height));

    private static byte[] Key(long height)
    {
        var key = new byte[9];
        key[0] = Prefix;
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(1), height);
        return key;
    }
}
