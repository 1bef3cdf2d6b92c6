using Grpc.Core;
using Phoenix.Node.Api;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.P2P.V1;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Hosting.Internal;

/// <summary>The API's read interfaces over a running <see cref="NodeRuntime"/>.</summary>
internal sealed class NodeApiAdapter(NodeRuntime runtime) : INodeStatus, IBlockReader, ITxIndex, IStateQuery
{
    public long LatestHeight => runtime.Height;

    public NodeStatus GetStatus() => runtime.Status;

    public ApiBlock? GetBlock(long height) => runtime.GetBlock(height);

    public IndexedTx? GetTx(Hash32 hash) => runtime.TxIndex?.GetTx(hash);

    public QueryResponse Query(QueryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var app = runtime.App ?? throw new RpcException(new Status(StatusCode.Unavailable, "The node is starting."));
        return app.Query(request);
    }
}

/// <summary>The light blocks of a running <see cref="NodeRuntime"/> (none until it has started).</summary>
internal sealed class NodeLightBlockAdapter(NodeRuntime runtime) : ILightBlockSource
{
    public long LatestHeight => runtime.LightBlocks?.LatestHeight ?? 0;

    public ConsensusLightBlock? GetLightBlock(long height) => runtime.LightBlocks?.GetLightBlock(height);
}

/// <summary>The mempool of a running <see cref="NodeRuntime"/> (unavailable until it has started).</summary>
internal sealed class NodeMempoolAdapter(NodeRuntime runtime) : ITxMempool
{
    private TxMempool Pool => runtime.Mempool ?? throw new RpcException(new Status(StatusCode.Unavailable, "The node is starting."));

    public int Count => Pool.Count;

    public long TotalBytes => Pool.TotalBytes;

    public System.Threading.Channels.ChannelReader<MempoolTx> NewTransactions => Pool.NewTransactions;

    public MempoolAdmission Add(ReadOnlyMemory<byte> tx, string? sourcePeer = null) => Pool.Add(tx, sourcePeer);

    public bool Contains(Hash32 txHash) => Pool.Contains(txHash);

    public MempoolTx? Get(Hash32 txHash) => Pool.Get(txHash);

    public IReadOnlyList<MempoolTx> Reap(long maxBytes, long maxGas) => Pool.Reap(maxBytes, maxGas);

    public void Update(long height, IReadOnlyList<ReadOnlyMemory<byte>> committedTxs) => Pool.Update(height, committedTxs);
}

/// <summary>The consensus peer service mapped on the node's shared port.</summary>
internal sealed class HostedPeerService(NodeRuntime runtime) : ConsensusPeer.ConsensusPeerBase
{
    public override Task Exchange(IAsyncStreamReader<PeerFrame> requestStream, IServerStreamWriter<PeerFrame> responseStream, ServerCallContext context)
        => runtime.PeerService.Exchange(requestStream, responseStream, context);
}

/// <summary>Starts the node's consensus with the host and stops it before the server goes away.</summary>
internal sealed class NodeHostedService(NodeRuntime runtime) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => runtime.DisposeAsync().AsTask();
}
