using Phoenix.Node.Consensus.Types;

namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>A committed block as stored: the block, its exact encoding and the commit the node saw for it.</summary>
/// <param name="Block">The block.</param>
/// <param name="BlockBytes">The block's encoding.</param>
/// <param name="SeenCommit">+2/3 precommits for the block, as collected by this node.</param>
public sealed record StoredBlock(Block Block, byte[] BlockBytes, Commit SeenCommit);

/// <summary>
/// The consensus engine's block store (the storage layer provides a durable implementation). Blocks are saved before
/// they are applied, so that a restarted node can replay them into the application.
/// </summary>
public interface IBlockStore
{
    /// <summary>The last stored height (0 when empty).</summary>
    long Height { get; }

    /// <summary>Saves a committed block; heights must be consecutive.</summary>
    /// <param name="block">The block and its commit.</param>
    void SaveBlock(StoredBlock block);

    /// <summary>Loads the block at <paramref name="height"/>.</summary>
    /// <param name="height">The height.</param>
    /// <returns>The block, or null.</returns>
    StoredBlock? LoadBlock(long height);
}

/// <summary>An in-memory <see cref="IBlockStore"/> (tests, the simulated network). Thread-safe.</summary>
public sealed class InMemoryBlockStore : IBlockStore
{
    private readonly List<StoredBlock> _blocks = [];
    private readonly Lock _lock = new();
    private long _base;

    /// <inheritdoc />
    public long Height
    {
        get
        {
            lock (_lock)
            {
                return _blocks.Count == 0 ? 0 : _base + _blocks.Count - 1;
            }
        }
    }

    /// <inheritdoc />
    public void SaveBlock(StoredBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        lock (_lock)
        {
            var height = block.Block.Header.Height;
            if (_blocks.Count == 0)
            {
                _base = height;
            }
            else if (height != _base + _blocks.Count)
            {
                throw new InvalidOperationException($"Block store expects height {_base + _blocks.Count}, got {height}.");
            }

            _blocks.Add(block);
        }
    }

    /// <inheritdoc />
    public StoredBlock? LoadBlock(long height)
    {
        lock (_lock)
        {
            var i = height - _base;
            return _blocks.Count == 0 || i < 0 || i >= _blocks.Count ? null : _blocks[(int)i];
        }
    }
}
