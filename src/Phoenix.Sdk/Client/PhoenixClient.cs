using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Blobs;
using Phoenix.Sdk.Resilience;
using Phoenix.Sdk.Wallets;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.Client;

/// <summary>
/// The Phoenix client: talks to one or more nodes over the public gRPC API with the SDK's resilience
/// policy (timeouts, jittered retries of idempotent calls, per-endpoint circuit breakers, failover).
/// Build one with <see cref="PhoenixClientBuilder"/> or register it with <c>services.AddPhoenixClient(...)</c>.
/// </summary>
/// <remarks>
/// <para>Immutable and thread-safe: create one per application and share it. It holds one
/// <see cref="GrpcChannel"/> per endpoint; dispose it when the application stops.</para>
/// <para>Every async member takes a <see cref="CancellationToken"/> last and never blocks a thread.
/// Failures are <see cref="PhoenixException"/>s: <see cref="PhoenixRpcException"/> for transport and gRPC
/// failures, <see cref="TransactionRejectedException"/> for a node's result code,
/// <see cref="LightClientVerificationException"/> for an answer that fails its proof.</para>
/// </remarks>
public sealed partial class PhoenixClient : IDisposable
{
    private readonly Dictionary<Uri, Node> _nodes;
    private readonly ConcurrentDictionary<Address, SequenceManager> _sequences = new();
    private readonly ITrustedAppHashSource? _trusted;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Amount _defaultFee;
    private readonly TimeSpan _retryBaseDelay;
    private readonly TimeSpan _retryMaxDelay;
    private int _disposed;

    internal PhoenixClient(PhoenixClientOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory, ITrustedAppHashSource? trusted, Amount defaultFee, HttpMessageHandler? handler)
    {
        _time = timeProvider;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Phoenix.Sdk.PhoenixClient");
        Pipeline = new PhoenixResiliencePipeline(options, timeProvider, _logger);
        _trusted = trusted;
        _defaultFee = defaultFee;
        _retryBaseDelay = options.RetryBaseDelay;
        _retryMaxDelay = options.RetryMaxDelay;
        _nodes = Pipeline.Endpoints.ToDictionary(uri => uri, uri => new Node(uri, loggerFactory, handler));
        Blobs = new PhoenixBlobClient(this);
    }

    /// <summary>The resilience pipeline every call goes through (endpoints, current endpoint, breaker states).</summary>
    public PhoenixResiliencePipeline Pipeline { get; }

    /// <summary>Whether query results are checked against trusted app hashes (a <see cref="ITrustedAppHashSource"/> is configured).</summary>
    public bool VerifiesProofs => _trusted is not null;

    /// <summary>The fee <see cref="TransferAsync"/> pays.</summary>
    public Amount DefaultFee => _defaultFee;

    /// <summary>Content-addressed blob upload and verified download.</summary>
    public PhoenixBlobClient Blobs { get; }

    /// <summary>Reads a node's chain id, height and sync state.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status (the app hash in it is as reported, not verified).</returns>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ChainStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var s = await Pipeline.ExecuteAsync(
            async (uri, token) => await GetNode(uri).Api.GetStatusAsync(new Wire.GetStatusRequest(), cancellationToken: token).ConfigureAwait(false),
            Idempotency.Idempotent,
            cancellationToken).ConfigureAwait(false);
        return new ChainStatus(
            s.ChainId,
            s.Moniker,
            s.Version,
            s.LatestHeight,
            Internal.WireMapping.HashOrZero(s.LatestBlockHash),
            s.LatestAppHash.ToByteArray(),
            Internal.WireMapping.Time(s.LatestBlockTime),
            s.CatchingUp,
            s.MempoolSize);
    }

    /// <summary>Reads a transaction by hash.</summary>
    /// <param name="hash">SHA-256 of the transaction bytes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The transaction (committed, or pending in the node's mempool), or <see langword="null"/> when the node does not know it.</returns>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TransactionInfo?> GetTxAsync(Hash32 hash, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Pipeline.ExecuteAsync(
                (uri, token) => GetTxCoreAsync(GetNode(uri), hash, token),
                Idempotency.Idempotent,
                cancellationToken).ConfigureAwait(false);
        }
        catch (PhoenixRpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Reads a committed block.</summary>
    /// <param name="height">The height; 0 for the latest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block, or <see langword="null"/> when the node does not hold it (pruned, or not yet committed).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> is negative.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<BlockInfo?> GetBlockAsync(long height = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        try
        {
            var response = await Pipeline.ExecuteAsync(
                async (uri, token) => await GetNode(uri).Api.GetBlockAsync(new Wire.GetBlockRequest { Height = height }, cancellationToken: token).ConfigureAwait(false),
                Idempotency.Idempotent,
                cancellationToken).ConfigureAwait(false);
            return response.Block is null ? null : Internal.WireMapping.Block(response.Block);
        }
        catch (PhoenixRpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>An <see cref="IAccountSequenceSource"/> that reads sequences through this client (committed state).</summary>
    /// <returns>The source.</returns>
    public IAccountSequenceSource AsSequenceSource() => new ClientSequenceSource(this);

    /// <summary>The sequence manager this client uses for an account (one per account per client).</summary>
    /// <param name="address">The account.</param>
    /// <returns>The manager.</returns>
    public SequenceManager GetSequenceManager(Address address) =>
        _sequences.GetOrAdd(address, static (a, self) => new SequenceManager(a.ToArray(), new ClientSequenceSource(self)), this);

    /// <summary>Closes the gRPC channels. Calls in progress fail.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var node in _nodes.Values)
        {
            node.Channel.Dispose();
        }

        foreach (var manager in _sequences.Values)
        {
            manager.Dispose();
        }
    }

    internal ILogger Logger => _logger;

    internal Node GetNode(Uri uri)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _nodes[uri];
    }

    private static async ValueTask<TransactionInfo> GetTxCoreAsync(Node node, Hash32 hash, CancellationToken token)
    {
        var r = await node.Api.GetTxAsync(new Wire.GetTxRequest { Hash = Google.Protobuf.ByteString.CopyFrom(hash.ToArray()) }, cancellationToken: token).ConfigureAwait(false);
        return new TransactionInfo(hash, r.Tx.ToByteArray(), r.Pending, r.Height, (int)r.Index, r.Pending ? null : Internal.WireMapping.Result(r.Result));
    }

    internal sealed class Node
    {
        public Node(Uri uri, ILoggerFactory? loggerFactory, HttpMessageHandler? handler)
        {
            Channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
            {
                LoggerFactory = loggerFactory,
                HttpHandler = handler ?? new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
                DisposeHttpClient = handler is null,
            });
            Api = new Wire.NodeService.NodeServiceClient(Channel);
            BlobApi = new Wire.BlobService.BlobServiceClient(Channel);
        }

        public GrpcChannel Channel { get; }

        public Wire.NodeService.NodeServiceClient Api { get; }

        public Wire.BlobService.BlobServiceClient BlobApi { get; }
    }
}
