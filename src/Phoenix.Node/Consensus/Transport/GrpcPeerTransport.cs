using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Phoenix.Protocol.P2P.V1;

namespace Phoenix.Node.Consensus.Transport;

/// <summary>A configured peer: its id and gRPC address.</summary>
/// <param name="PeerId">The peer's node id.</param>
/// <param name="Address">Its listening address, such as <c>http://127.0.0.1:26656</c>.</param>
public sealed record PeerAddress(string PeerId, Uri Address);

/// <summary>Settings of a <see cref="GrpcPeerTransport"/>.</summary>
public sealed class GrpcPeerTransportOptions
{
    /// <summary>This node's id (sent in the stream's first frame).</summary>
    public required string NodeId { get; set; }

    /// <summary>The chain id; streams for another chain are refused.</summary>
    public required string ChainId { get; set; }

    /// <summary>Where to listen.</summary>
    /// <value>The default value is 127.0.0.1 port 0 (any free port).</value>
    public IPEndPoint ListenEndPoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>The peers to dial.</summary>
    public IList<PeerAddress> Peers { get; } = [];

    /// <summary>Largest message accepted (checked again by the engine).</summary>
    /// <value>The default value is 4 MiB plus framing.</value>
    public int MaxMessageBytes { get; set; } = ConsensusMessageCodec.DefaultMaxMessageBytes + 1024;

    /// <summary>Messages queued per peer before the oldest are dropped.</summary>
    /// <value>The default value is 10,000.</value>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Delay before redialing a peer whose stream failed.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Whether the transport runs its own Kestrel server on <see cref="ListenEndPoint"/>. A node host that serves
    /// the peer service on its shared port (beside the public API) sets it to <see langword="false"/> and maps the service itself.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SelfHost { get; set; } = true;

    /// <summary>Clock for reconnect delays.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>
/// Validator-to-validator transport over gRPC bidirectional streams: a Kestrel server (Grpc.AspNetCore) accepts
/// streams, and each configured peer is dialed with Grpc.Net.Client. Each side sends on the stream it dialed; the first
/// frame names the sender and the chain. Dropped streams are redialed.
/// </summary>
public sealed class GrpcPeerTransport : IConsensusTransport
{
    private readonly GrpcPeerTransportOptions _options;
    private readonly ConcurrentDictionary<string, Channel<PeerFrame>> _outgoing = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _dialers = [];
    private WebApplication? _server;
    private ConsensusMessageReceived? _onMessage;

    /// <summary>Creates the transport.</summary>
    /// <param name="options">Settings.</param>
    public GrpcPeerTransport(GrpcPeerTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public string LocalPeerId => _options.NodeId;

    /// <summary>The address the server listens on (after <see cref="StartAsync"/>; set by the host when not self-hosted).</summary>
    public Uri? ListenAddress { get; internal set; }

    /// <summary>Number of peers with an open outgoing stream.</summary>
    public int ConnectedPeers => Volatile.Read(ref _connected);

    private int _connected;

    /// <summary>Number of messages received and handed to the engine.</summary>
    public long MessagesReceived => Interlocked.Read(ref _received);

    private long _received;
    private int _disposed;

    /// <inheritdoc />
    public async Task StartAsync(ConsensusMessageReceived onMessage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        _onMessage = onMessage;
        if (!_options.SelfHost)
        {
            foreach (var peer in _options.Peers)
            {
                AddPeer(peer);
            }

            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(_options.ListenEndPoint, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = _options.MaxMessageBytes;
            o.MaxSendMessageSize = _options.MaxMessageBytes;
        });
        builder.Services.AddSingleton(new PeerService(this));
        _server = builder.Build();
        _server.MapGrpcService<PeerService>();
        await _server.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        ListenAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        foreach (var peer in _options.Peers)
        {
            AddPeer(peer);
        }
    }

    /// <summary>Adds a peer to dial once started (same as listing it in <see cref="GrpcPeerTransportOptions.Peers"/>).</summary>
    /// <param name="peer">The peer.</param>
    public void AddPeerOnStart(PeerAddress peer) => _options.Peers.Add(peer);

    /// <summary>Starts dialing another peer (for peers learned after start).</summary>
    /// <param name="peer">The peer.</param>
    public void AddPeer(PeerAddress peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var queue = Channel.CreateBounded<PeerFrame>(new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        if (_outgoing.TryAdd(peer.PeerId, queue))
        {
            lock (_dialers)
            {
                _dialers.Add(Task.Run(() => DialLoopAsync(peer, queue, _stop.Token)));
            }
        }
    }

    /// <summary>Called with each transaction batch a peer gossips (from transport threads).</summary>
    public Action<string, IReadOnlyList<ByteString>>? TxsReceived { get; set; }

    /// <inheritdoc />
    public void Broadcast(byte[] envelope)
    {
        var frame = new PeerFrame { Envelope = ByteString.CopyFrom(envelope) };
        foreach (var queue in _outgoing.Values)
        {
            queue.Writer.TryWrite(frame);
        }
    }

    /// <inheritdoc />
    public void Send(string peerId, byte[] envelope)
    {
        if (_outgoing.TryGetValue(peerId, out var queue))
        {
            queue.Writer.TryWrite(new PeerFrame { Envelope = ByteString.CopyFrom(envelope) });
        }
    }

    /// <summary>Queues a batch of transactions for every connected peer's mempool (mempool gossip).</summary>
    /// <param name="txs">The transactions.</param>
    public void BroadcastTxs(IEnumerable<ReadOnlyMemory<byte>> txs)
    {
        ArgumentNullException.ThrowIfNull(txs);
        var batch = new TxBatch();
        batch.Txs.AddRange(txs.Select(t => ByteString.CopyFrom(t.Span)));
        if (batch.Txs.Count == 0)
        {
            return;
        }

        var frame = new PeerFrame { Txs = batch };
        foreach (var queue in _outgoing.Values)
        {
            queue.Writer.TryWrite(frame);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] dialers;
        lock (_dialers)
        {
            dialers = [.. _dialers];
        }

        await Task.WhenAll(dialers).ConfigureAwait(false);
        if (_server is not null)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _server.StopAsync(deadline.Token).ConfigureAwait(false);
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task DialLoopAsync(PeerAddress peer, Channel<PeerFrame> queue, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var connected = false;
            try
            {
                using var channel = GrpcChannel.ForAddress(peer.Address, new GrpcChannelOptions
                {
                    MaxSendMessageSize = _options.MaxMessageBytes,
                    MaxReceiveMessageSize = _options.MaxMessageBytes,
                });
                var client = new ConsensusPeer.ConsensusPeerClient(channel);
                using var call = client.Exchange(cancellationToken: cancellationToken);
                await call.RequestStream.WriteAsync(new PeerFrame { Hello = new Hello { ChainId = _options.ChainId, NodeId = _options.NodeId } }, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _connected);
                connected = true;
                await foreach (var frame in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    await call.RequestStream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException)
            {
                // The peer is down or went away: redial after a pause.
            }
            catch (HttpRequestException)
            {
            }
            catch (IOException)
            {
            }
            catch (InvalidOperationException)
            {
            }
            finally
            {
                if (connected)
                {
                    Interlocked.Decrement(ref _connected);
                }
            }

            try
            {
                await Task.Delay(_options.ReconnectDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The listening side, for a host that maps it on its own server (<see cref="GrpcPeerTransportOptions.SelfHost"/> off).</summary>
    internal ConsensusPeer.ConsensusPeerBase CreatePeerService() => new PeerService(this);

    private sealed class PeerService(GrpcPeerTransport transport) : ConsensusPeer.ConsensusPeerBase
    {
        public override async Task Exchange(IAsyncStreamReader<PeerFrame> requestStream, IServerStreamWriter<PeerFrame> responseStream, ServerCallContext context)
        {
            if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false) || requestStream.Current.FrameCase != PeerFrame.FrameOneofCase.Hello)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "The first frame must be a Hello."));
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, transport._stop.Token);
            var hello = requestStream.Current.Hello;
            if (hello.ChainId != transport._options.ChainId || hello.NodeId.Length is 0 or > 128)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "Wrong chain id or node id."));
            }

            try
            {
                while (await requestStream.MoveNext(linked.Token).ConfigureAwait(false))
                {
                    var frame = requestStream.Current;
                    if (frame.FrameCase == PeerFrame.FrameOneofCase.Envelope)
                    {
                        Interlocked.Increment(ref transport._received);
                        transport._onMessage?.Invoke(hello.NodeId, frame.Envelope.ToByteArray());
                    }
                    else if (frame.FrameCase == PeerFrame.FrameOneofCase.Txs)
                    {
                        transport.TxsReceived?.Invoke(hello.NodeId, frame.Txs.Txs);
                    }
                }
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                // The transport is shutting down or the peer went away.
            }
        }
    }
}
