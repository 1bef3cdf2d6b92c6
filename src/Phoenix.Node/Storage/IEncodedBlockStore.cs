using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Storage;

/// <summary>
/// Durable storage of decided blocks: each block's encoded bytes by height and by hash, and the commit
/// (2/3+ precommits) that decided it. Block encoding belongs to the consensus engine: the store keeps
/// opaque bytes and never re-encodes them.
/// </summary>
/// <remarks>
/// Heights are contiguous from <see cref="BaseHeight"/> to <see cref="Height"/>. A saved block is never
/// overwritten by a different one. Reads may run concurrently with one writer.
/// </remarks>
public interface IEncodedBlockStore : IDisposable
{
    /// <summary>The lowest height still held (0 when empty).</summary>
    long BaseHeight { get; }

    /// <summary>The highest height held (0 when empty).</summary>
    long Height { get; }

    /// <summary>Saves a decided block and its commit atomically and durably.</summary>
    /// <param name="block">The block.</param>
    /// <param name="commit">The encoded commit that decided it.</param>
    /// <exception cref="InvalidOperationException">The height is not <see cref="Height"/> + 1, or a different block is already stored at it.</exception>
    void SaveBlock(EncodedBlock block, ReadOnlyMemory<byte> commit);

    /// <summary>Reads the block at a height.</summary>
    /// <param name="height">The height.</param>
    /// <returns>The block, or <see langword="null"/> when not held.</returns>
    EncodedBlock? GetBlock(long height);

    /// <summary>Reads a block by its hash.</summary>
    /// <param name="hash">The block hash.</param>
    /// <returns>The block, or <see langword="null"/> when not held.</returns>
    EncodedBlock? GetBlockByHash(Hash32 hash);

    /// <summary>Reads the commit that decided the block at a height.</summary>
    /// <param name="height">The height.</param>
    /// <returns>The encoded commit, or <see langword="null"/> when not held.</returns>
    byte[]? GetCommit(long height);

    /// <summary>Deletes every block below <paramref name="retainHeight"/>.</summary>
    /// <param name="retainHeight">The lowest height to keep.</param>
    /// <returns>The number of blocks removed.</returns>
    int Prune(long retainHeight);
}

/// <summary>A decided block as stored: height, hash and the engine's encoding.</summary>
/// <param name="Height">The height.</param>
/// <param name="Hash">The block (header) hash.</param>
/// <param name="Bytes">The encoded block.</param>
public sealed record EncodedBlock(long Height, Hash32 Hash, ReadOnlyMemory<byte> Bytes);
