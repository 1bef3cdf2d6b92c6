using Phoenix.Node.Storage;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Tests.Storage;

public sealed class KeyValueBlockStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static EncodedBlock Block(long height, string tag = "")
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($"block {height}{tag}");
        return new EncodedBlock(height, Hash32.Sha256(bytes), bytes);
    }

    private static byte[] CommitFor(long height) => System.Text.Encoding.UTF8.GetBytes($"commit {height}");

    [Fact]
    public void SaveBlock_ThenReopenRocksDb_ReadsByHeightHashAndCommit()
    {
        var path = _dir.Sub("blocks");
        using (var store = KeyValueBlockStore.OpenRocksDb(path))
        {
            for (var h = 5; h <= 9; h++)
            {
                store.SaveBlock(Block(h), CommitFor(h));
            }
        }

        using var reopened = KeyValueBlockStore.OpenRocksDb(path);
        Assert.Equal(5, reopened.BaseHeight);
        Assert.Equal(9, reopened.Height);
        var expected = Block(7);
        var byHeight = reopened.GetBlock(7)!;
        Assert.Equal(expected.Hash, byHeight.Hash);
        Assert.Equal(expected.Bytes.ToArray(), byHeight.Bytes.ToArray());
        Assert.Equal(7, reopened.GetBlockByHash(expected.Hash)!.Height);
        Assert.Equal(CommitFor(7), reopened.GetCommit(7));
        Assert.Null(reopened.GetBlock(10));
        Assert.Null(reopened.GetBlockByHash(Block(10).Hash));
    }

    [Fact]
    public void SaveBlock_HeightGap_ThrowsAndStoresNothing()
    {
        using var store = new KeyValueBlockStore(new InMemoryKeyValueStore());
        store.SaveBlock(Block(1), CommitFor(1));

        Assert.Throws<InvalidOperationException>(() => store.SaveBlock(Block(3), CommitFor(3)));
        Assert.Equal(1, store.Height);
        Assert.Null(store.GetBlock(3));
    }

    [Fact]
    public void SaveBlock_DifferentBlockAtStoredHeight_ThrowsAndKeepsOriginal()
    {
        using var store = new KeyValueBlockStore(new InMemoryKeyValueStore());
        store.SaveBlock(Block(1), CommitFor(1));
        store.SaveBlock(Block(1), CommitFor(1));

        Assert.Throws<InvalidOperationException>(() => store.SaveBlock(Block(1, "evil"), CommitFor(1)));
        Assert.Equal(Block(1).Hash, store.GetBlock(1)!.Hash);
        Assert.Null(store.GetBlockByHash(Block(1, "evil").Hash));
    }

    [Fact]
    public void Prune_BelowRetainHeight_RemovesOlderBlocksAndHashes()
    {
        using var store = new KeyValueBlockStore(new InMemoryKeyValueStore());
        for (var h = 1; h <= 6; h++)
        {
            store.SaveBlock(Block(h), CommitFor(h));
        }

        Assert.Equal(3, store.Prune(4));
        Assert.Equal(4, store.BaseHeight);
        Assert.Null(store.GetBlock(3));
        Assert.Null(store.GetBlockByHash(Block(2).Hash));
        Assert.Null(store.GetCommit(1));
        Assert.NotNull(store.GetBlock(4));
        Assert.Equal(0, store.Prune(2));
    }
}
