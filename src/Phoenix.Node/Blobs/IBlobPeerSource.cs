using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Blobs;

/// <summary>Fetches blobs this node lacks from other nodes.</summary>
public interface IBlobPeerSource
{
    /// <summary>Fetches a blob from the first peer that serves it intact.</summary>
    /// <param name="id">The content id.</param>
    /// <param name="maxBytes">The largest size accepted.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The verified bytes (they hash to <paramref name="id"/>), or <see langword="null"/> when no peer served it intact.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<ReadOnlyMemory<byte>?> TryFetchAsync(Hash32 id, long maxBytes, CancellationToken cancellationToken = default);
}
