using Grpc.Core;
using Phoenix.Node.Api;
using Phoenix.Node.Blobs;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Tests.Api;

/// <summary>Fault hooks a test sets on a <see cref="TestNode"/>: a node that lies or loses answers.</summary>
internal sealed class NodeFaults
{
    /// <summary>Rewrites every QueryState answer (a lying node).</summary>
    public Func<QueryStateResponse, QueryStateResponse>? TamperQuery { get; set; }

    /// <summary>How many broadcasts are executed and then answered with Unavailable (a lost response).</summary>
    public int LoseBroadcastResponses { get; set; }

    /// <summary>Counts BroadcastTx calls that reached the node.</summary>
    public int BroadcastCalls { get; set; }

    /// <summary>Rewrites every downloaded chunk (a node serving corrupted bytes).</summary>
    public Func<BlobChunk, BlobChunk>? TamperChunk { get; set; }

    /// <summary>How many downloads are cut off (Unavailable) after their first chunk.</summary>
    public int CutDownloadsAfterFirstChunk { get; set; }

    /// <summary>The offsets downloads were asked from, in order.</summary>
    public List<long> DownloadOffsets { get; } = [];
}

/// <summary>The node's real <see cref="NodeGrpcService"/>, behind the test's fault hooks.</summary>
internal sealed class DelegatingNodeService(NodeGrpcService inner, NodeFaults faults) : NodeService.NodeServiceBase
{
    public override async Task<BroadcastTxResponse> BroadcastTx(BroadcastTxRequest request, ServerCallContext context)
    {
        lock (faults)
        {
            faults.BroadcastCalls++;
        }

        var response = await inner.BroadcastTx(request, context);
        lock (faults)
        {
            if (faults.LoseBroadcastResponses > 0)
            {
                faults.LoseBroadcastResponses--;
                throw new RpcException(new Status(StatusCode.Unavailable, "test: response lost"));
            }
        }

        return response;
    }

    public override Task<GetTxResponse> GetTx(GetTxRequest request, ServerCallContext context) => inner.GetTx(request, context);

    public override Task<GetBlockResponse> GetBlock(GetBlockRequest request, ServerCallContext context) => inner.GetBlock(request, context);

    public override Task<GetStatusResponse> GetStatus(GetStatusRequest request, ServerCallContext context) => inner.GetStatus(request, context);

    public override async Task<QueryStateResponse> QueryState(QueryStateRequest request, ServerCallContext context)
    {
        var answer = await inner.QueryState(request, context);
        return faults.TamperQuery is { } tamper ? tamper(answer) : answer;
    }

    public override Task SubscribeEvents(SubscribeEventsRequest request, IServerStreamWriter<ChainEvent> responseStream, ServerCallContext context)
        => inner.SubscribeEvents(request, responseStream, context);
}

/// <summary>The node's real <see cref="BlobGrpcService"/>, behind the test's fault hooks.</summary>
internal sealed class DelegatingBlobService(BlobGrpcService inner, NodeFaults faults) : BlobService.BlobServiceBase
{
    public override Task<UploadBlobResponse> Upload(IAsyncStreamReader<UploadBlobRequest> requestStream, ServerCallContext context) => inner.Upload(requestStream, context);

    public override Task<StatBlobResponse> Stat(StatBlobRequest request, ServerCallContext context) => inner.Stat(request, context);

    public override async Task Download(DownloadBlobRequest request, IServerStreamWriter<BlobChunk> responseStream, ServerCallContext context)
    {
        bool cut;
        lock (faults)
        {
            faults.DownloadOffsets.Add(request.Offset);
            cut = faults.CutDownloadsAfterFirstChunk > 0;
            if (cut)
            {
                faults.CutDownloadsAfterFirstChunk--;
            }
        }

        await inner.Download(request, new Writer(responseStream, faults.TamperChunk, cut), context);
    }

    private sealed class Writer(IServerStreamWriter<BlobChunk> inner, Func<BlobChunk, BlobChunk>? tamper, bool cut) : IServerStreamWriter<BlobChunk>
    {
        private int _written;

        public WriteOptions? WriteOptions { get => inner.WriteOptions; set => inner.WriteOptions = value; }

        public Task WriteAsync(BlobChunk message, CancellationToken cancellationToken) => WriteAsync(message);

        public async Task WriteAsync(BlobChunk message)
        {
            if (cut && _written == 1)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "test: download cut off"));
            }

            _written++;
            await inner.WriteAsync(tamper is null ? message : tamper(message));
        }
    }
}

/// <summary>The node's event hub, signalling each new subscription so a test can wait for it instead of sleeping.</summary>
internal sealed class SignallingEvents(ChainEventHub hub) : IChainEvents
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next subscription (after <see cref="Arm"/>).</summary>
    public Task NextSubscription => Volatile.Read(ref _next).Task;

    public void Arm() => Volatile.Write(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public ChainSubscription Subscribe()
    {
        var subscription = hub.Subscribe();
        Volatile.Read(ref _next).TrySetResult();
        return subscription;
    }
}

/// <summary>The real mempool, with CheckTx serialized against block production (the application is single-threaded).</summary>
internal sealed class GatedMempool(TxMempool inner, Lock gate) : ITxMempool
{
    public int Count => inner.Count;

    public long TotalBytes => inner.TotalBytes;

    public System.Threading.Channels.ChannelReader<MempoolTx> NewTransactions => inner.NewTransactions;

    public MempoolAdmission Add(ReadOnlyMemory<byte> tx, string? sourcePeer = null)
    {
        lock (gate)
        {
            return inner.Add(tx, sourcePeer);
        }
    }

    public bool Contains(Hash32 txHash) => inner.Contains(txHash);

    public MempoolTx? Get(Hash32 txHash) => inner.Get(txHash);

    public IReadOnlyList<MempoolTx> Reap(long maxBytes, long maxGas) => inner.Reap(maxBytes, maxGas);

    public void Update(long height, IReadOnlyList<ReadOnlyMemory<byte>> committedTxs)
    {
        lock (gate)
        {
            inner.Update(height, committedTxs);
        }
    }
}
