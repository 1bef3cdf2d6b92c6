using Grpc.Core;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Hosting.Internal;

/// <summary>The blob store of a running <see cref="NodeRuntime"/> (unavailable until it has started).</summary>
internal sealed class NodeBlobStoreAdapter(NodeRuntime runtime) : IBlobStore
{
    private IBlobStore Store => runtime.Blobs ?? throw new RpcException(new Status(StatusCode.Unavailable, "The node is starting."));

    public ValueTask PutAsync(Hash32 id, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => Store.PutAsync(id, content, cancellationToken);

    public ValueTask<bool> ContainsAsync(Hash32 id, CancellationToken cancellationToken = default) => Store.ContainsAsync(id, cancellationToken);

    public ValueTask<ReadOnlyMemory<byte>?> TryGetAsync(Hash32 id, CancellationToken cancellationToken = default) => Store.TryGetAsync(id, cancellationToken);

    public ValueTask<ReadOnlyMemory<byte>> ReadAsync(Hash32 id, CancellationToken cancellationToken = default) => Store.ReadAsync(id, cancellationToken);

    public void Pin(Hash32 id) => Store.Pin(id);

    public void Unpin(Hash32 id) => Store.Unpin(id);

    public ValueTask<int> CollectGarbageAsync(CancellationToken cancellationToken = default) => Store.CollectGarbageAsync(cancellationToken);
}
