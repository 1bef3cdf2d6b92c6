using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Phoenix.Node.Internal;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Api;

/// <summary>
/// The public <c>phoenix.node.v1.NodeService</c>: broadcast, transactions, blocks, status, state
/// queries and the event stream, over narrow interfaces that the consensus engine implements.
/// </summary>
/// <remarks>
/// Bad requests get <see cref="StatusCode.InvalidArgument"/> with a message naming the field;
/// unknown transactions and blocks get <see cref="StatusCode.NotFound"/>. A refused transaction is an
/// answer (its admission status and code), not an error.
/// </remarks>
public sealed class NodeGrpcService : NodeService.NodeServiceBase
{
    private readonly ITxMempool _mempool;
    private readonly ITxIndex _txIndex;
    private readonly IBlockReader _blocks;
    private readonly INodeStatus _status;
    private readonly IStateQuery _query;
    private readonly IChainEvents _events;
    private readonly NodeApiOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="mempool">Where broadcast transactions go.</param>
    /// <param name="txIndex">Committed transactions by hash.</param>
    /// <param name="blocks">Committed blocks.</param>
    /// <param name="status">The node's status.</param>
    /// <param name="query">State queries.</param>
    /// <param name="events">Committed blocks as they happen.</param>
    /// <param name="options">API settings.</param>
    /// <param name="time">The clock for broadcast waits (default <see cref="TimeProvider.System"/>).</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public NodeGrpcService(
        ITxMempool mempool,
        ITxIndex txIndex,
        IBlockReader blocks,
        INodeStatus status,
        IStateQuery query,
        IChainEvents events,
        IOptions<NodeApiOptions> options,
        TimeProvider? time = null,
        ILogger<NodeGrpcService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _mempool = mempool ?? throw new ArgumentNullException(nameof(mempool));
        _txIndex = txIndex ?? throw new ArgumentNullException(nameof(txIndex));
        _blocks = blocks ?? throw new ArgumentNullException(nameof(blocks));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _query = query ?? throw new ArgumentNullException(nameof(query));
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _options = options.Value;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    public override async Task<BroadcastTxResponse> BroadcastTx(BroadcastTxRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Tx.IsEmpty)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "tx is empty"));
        }

        var waitForCommit = request.Mode == BroadcastMode.Commit;
        // Subscribe and start the clock before admission, so a fast commit is never missed.
        using var subscription = waitForCommit ? _events.Subscribe() : null;
        using var timeout = waitForCommit ? new CancellationTokenSource(_options.BroadcastCommitTimeout, _time) : null;
        var admission = _mempool.Add(request.Tx.Memory);
        Log.Broadcast(_logger, admission.TxHash, admission.Status);
        var response = new BroadcastTxResponse
        {
            TxHash = ApiMapping.Bytes(admission.TxHash),
            Admission = ApiMapping.ToProto(admission.Status),
            CheckCode = admission.Code,
            CheckCodespace = admission.Codespace,
            CheckLog = admission.Log,
        };

        if (subscription is null || timeout is null || admission.Status is not (MempoolAdmissionStatus.Accepted or MempoolAdmissionStatus.AlreadyKnown))
        {
            return response;
        }

        if (_txIndex.GetTx(admission.TxHash) is { } already)
        {
            return Committed(response, already.Height, already.Result);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.CancellationToken);
        try
        {
            while (await subscription.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
            {
                while (subscription.Reader.TryRead(out var block))
                {
                    var index = IndexOf(block.TxHashes, admission.TxHash);
                    if (index >= 0)
                    {
                        var result = index < block.TxResults.Count ? block.TxResults[index] : new ExecTxResult(0, default, "", "", 0, 0, [], "");
                        return Committed(response, block.Block.Height, result);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            Log.CommitTimeout(_logger, admission.TxHash, _options.BroadcastCommitTimeout);
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"tx {admission.TxHash} was admitted but not committed within {_options.BroadcastCommitTimeout}; look it up later with GetTx"));
        }
        catch (SubscriberLaggingException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, ex.Message));
        }

        throw new RpcException(new Status(StatusCode.Unavailable, "the node stopped publishing blocks"));
    }

    /// <inheritdoc />
    public override Task<GetTxResponse> GetTx(GetTxRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hash = ParseHash(request.Hash, "hash");
        if (_txIndex.GetTx(hash) is { } tx)
        {
            return Task.FromResult(new GetTxResponse
            {
                Hash = request.Hash,
                Tx = ApiMapping.Bytes(tx.Tx),
                Height = tx.Height,
                Index = (uint)tx.Index,
                Result = ApiMapping.ToProto(tx.Result),
            });
        }

        if (_mempool is TxMempool pool && pool.Get(hash) is { } pending)
        {
            return Task.FromResult(new GetTxResponse { Hash = request.Hash, Tx = ApiMapping.Bytes(pending.Tx), Pending = true });
        }

        throw new RpcException(new Status(StatusCode.NotFound, $"tx {hash} is not known to this node"));
    }

    /// <inheritdoc />
    public override Task<GetBlockResponse> GetBlock(GetBlockRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Height < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"height must be 0 (latest) or positive, got {request.Height}"));
        }

        var height = request.Height == 0 ? _blocks.LatestHeight : request.Height;
        var block = height > 0 ? _blocks.GetBlock(height) : null;
        return block is null
            ? throw new RpcException(new Status(StatusCode.NotFound, $"block {height} is not held (latest is {_blocks.LatestHeight})"))
            : Task.FromResult(new GetBlockResponse { Block = ApiMapping.ToProto(block) });
    }

    /// <inheritdoc />
    public override Task<GetStatusResponse> GetStatus(GetStatusRequest request, ServerCallContext context)
    {
        var s = _status.GetStatus();
        return Task.FromResult(new GetStatusResponse
        {
            ChainId = s.ChainId,
            Moniker = s.Moniker,
            Version = s.Version,
            EarliestHeight = s.EarliestHeight,
            LatestHeight = s.LatestHeight,
            LatestBlockHash = ApiMapping.Bytes(s.LatestBlockHash),
            LatestAppHash = ApiMapping.Bytes(s.LatestAppHash),
            LatestBlockTime = ApiMapping.Time(s.LatestBlockTime),
            CatchingUp = s.CatchingUp,
            Peers = s.Peers,
            ValidatorAddress = ApiMapping.Bytes(s.ValidatorAddress),
            VotingPower = s.VotingPower,
            MempoolSize = _mempool.Count,
        });
    }

    /// <inheritdoc />
    public override Task<QueryStateResponse> QueryState(QueryStateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Height < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"height must be 0 (latest) or positive, got {request.Height}"));
        }

        var answer = _query.Query(new QueryRequest(request.Data.Memory, request.Path, request.Height, request.Prove));
        return Task.FromResult(ApiMapping.ToProto(answer));
    }

    /// <inheritdoc />
    public override async Task SubscribeEvents(SubscribeEventsRequest request, IServerStreamWriter<ChainEvent> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var filter = EventFilter.Create(request, _options.MaxSubscriptionFilters);
        using var subscription = _events.Subscribe();
        try
        {
            await foreach (var block in subscription.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                foreach (var e in filter.Select(block))
                {
                    await responseStream.WriteAsync(e, context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (SubscriberLaggingException ex)
        {
            Log.SubscriberLagging(_logger, context.Peer);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, ex.Message));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    internal static Hash32 ParseHash(ByteString bytes, string field)
        => bytes.Length == Hash32.Length
            ? new Hash32(bytes.Span)
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} must be {Hash32.Length} bytes, got {bytes.Length}"));

    private static BroadcastTxResponse Committed(BroadcastTxResponse response, long height, ExecTxResult result)
    {
        response.Committed = true;
        response.Height = height;
        response.Result = ApiMapping.ToProto(result);
        return response;
    }

    private static int IndexOf(IReadOnlyList<Hash32> hashes, Hash32 hash)
    {
        for (var i = 0; i < hashes.Count; i++)
        {
            if (hashes[i] == hash)
            {
                return i;
            }
        }

        return -1;
    }
}
