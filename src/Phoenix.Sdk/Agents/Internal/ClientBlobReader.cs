using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Blobs;

namespace Phoenix.Sdk.Agents.Internal;

/// <summary>An <see cref="IBlobReader"/> over the node's blob service (downloads are verified against their ids), with a small cache of models and inputs.</summary>
internal sealed class ClientBlobReader(PhoenixBlobClient blobs, int maxCachedBlobs = 64) : IBlobReader
{
    private readonly Dictionary<Hash32, byte[]> _cache = [];
    private readonly Queue<Hash32> _order = new();
    private readonly Lock _gate = new();

    public async ValueTask<ReadOnlyMemory<byte>> ReadAsync(Hash32 id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue(id, out var hit))
            {
                return hit;
            }
        }

        var bytes = await blobs.DownloadAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_cache.TryAdd(id, bytes))
            {
                _order.Enqueue(id);
                while (_order.Count > maxCachedBlobs)
                {
                    _cache.Remove(_order.Dequeue());
                }
            }
        }

        return bytes;
    }
}
