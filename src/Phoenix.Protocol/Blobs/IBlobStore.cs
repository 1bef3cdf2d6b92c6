using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Blobs;

/// <summary>
/// A content-addressed blob store: a blob's id is the SHA-256 of its bytes, verified on every write
/// and every read. One implementation serves a node's blob service and a miner's or validator's
/// local cache (DESIGN §6).
/// </summary>
/// <remarks>
/// Implementations are thread-safe. Pinned blobs (referenced by an unfinished unit) are never
/// removed by garbage collection. Phoenix.Protocol ships <see cref="InMemoryBlobStore"/>;
/// Phoenix.Compute ships the durable file-backed store for miners and validator agents, Phoenix.Node
/// the durable store a node keeps in its data directory (docs/decisions.md D5).
/// </remarks>
public interface IBlobStore : IBlobReader
{
    /// <summary>Stores a blob after checking that its SHA-256 equals <paramref name="id"/>.</summary>
    /// <param name="id">The expected content id.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the blob is durable.</returns>
    /// <exception cref="BlobIntegrityException">The bytes do not hash to <paramref name="id"/>.</exception>
    /// <exception cref="BlobTooLargeException">The blob exceeds the store's size limit.</exception>
    ValueTask PutAsync(Hash32 id, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Whether the store holds the blob.</summary>
    /// <param name="id">The content id.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns><see langword="true"/> when present.</returns>
    ValueTask<bool> ContainsAsync(Hash32 id, CancellationToken cancellationToken = default);

    /// <summary>Tries to read a blob, verifying its id.</summary>
    /// <param name="id">The content id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes, or <see langword="null"/> when absent.</returns>
    /// <exception cref="BlobIntegrityException">The stored bytes are corrupted.</exception>
    ValueTask<ReadOnlyMemory<byte>?> TryGetAsync(Hash32 id, CancellationToken cancellationToken = default);

    /// <summary>Marks a blob as referenced (by an unfinished unit); pins are counted.</summary>
    /// <param name="id">The content id.</param>
    void Pin(Hash32 id);

    /// <summary>Releases one pin of a blob.</summary>
    /// <param name="id">The content id.</param>
    void Unpin(Hash32 id);

    /// <summary>Removes unpinned blobs, oldest first, until the store is within its size budget.</summary>
    /// <param name="cancellationToken">Cancels collection.</param>
    /// <returns>The number of blobs removed.</returns>
    ValueTask<int> CollectGarbageAsync(CancellationToken cancellationToken = default);
}

/// <summary>A blob's bytes do not hash to its content id.</summary>
public sealed class BlobIntegrityException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="id">The expected id.</param>
    /// <param name="actual">The id of the bytes actually seen.</param>
    public BlobIntegrityException(Hash32 id, Hash32 actual)
        : base($"Blob {id} failed its integrity check: the bytes hash to {actual}.")
    {
        Id = id;
        Actual = actual;
    }

    /// <summary>Creates the exception for stored bytes that could not be read back intact at all (a storage-level checksum failed before the content could be hashed).</summary>
    /// <param name="id">The expected id.</param>
    /// <param name="detail">What the store found.</param>
    /// <param name="innerException">The storage error, if any.</param>
    public BlobIntegrityException(Hash32 id, string detail, Exception? innerException)
        : base($"Blob {id} failed its integrity check: {detail}.", innerException)
    {
        Id = id;
        Actual = Hash32.Zero;
    }

    /// <summary>The expected content id.</summary>
    public Hash32 Id { get; }

    /// <summary>The hash of the bytes seen (<see cref="Hash32.Zero"/> when the stored bytes could not be read back at all).</summary>
    public Hash32 Actual { get; }
}

/// <summary>A blob is larger than the store accepts.</summary>
public sealed class BlobTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="id">The blob's id.</param>
    /// <param name="size">Its size in bytes.</param>
    /// <param name="limit">The limit in bytes.</param>
    public BlobTooLargeException(Hash32 id, long size, long limit)
        : base($"Blob {id} is {size} bytes; the limit is {limit} bytes.")
    {
        Id = id;
        Size = size;
        Limit = limit;
    }

    /// <summary>The blob's id.</summary>
    public Hash32 Id { get; }

    /// <summary>The blob's size.</summary>
    public long Size { get; }

    /// <summary>The limit.</summary>
    public long Limit { get; }
}

/// <summary>A requested blob is not available.</summary>
public sealed class BlobNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="id">The blob's id.</param>
    public BlobNotFoundException(Hash32 id)
        : base($"Blob {id} is not available.")
    {
        Id = id;
    }

    /// <summary>The blob's id.</summary>
    public Hash32 Id { get; }
}
