using System.Threading.Channels;
using Phoenix.Node.Consensus.Transport;

namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>
/// Runs a <see cref="TendermintEngine"/> on a transport: one loop owns the engine and takes peer messages and timer
/// ticks (from the injected <see cref="TimeProvider"/>) from a queue, so the engine never sees two threads.
/// </summary>
public sealed class ConsensusNode : IAsyncDisposable
{
    private readonly IConsensusTransport _transport;
    private readonly TimeProvider _time;
    private readonly Channel<Input> _inputs = Channel.CreateUnbounded<Input>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _height;
    private int _disposed;

    /// <summary>Creates a node; the engine is built from <paramref name="options"/> with this node as its outbox.</summary>
    /// <param name="options">Engine settings (its <see cref="TendermintEngineOptions.TimeProvider"/> drives the timers).</param>
    /// <param name="transport">The peer transport.</param>
    public ConsensusNode(TendermintEngineOptions options, IConsensusTransport transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _time = options.TimeProvider;
        Engine = new TendermintEngine(options, new Outbox(this));
        Engine.BlockCommitted += (_, e) => Interlocked.Exchange(ref _height, e.Block.Header.Height);
    }

    /// <summary>The engine (only touch it from <see cref="TendermintEngine.BlockCommitted"/> handlers, which run on the loop).</summary>
    public TendermintEngine Engine { get; }

    /// <summary>The last committed height (thread-safe).</summary>
    public long Height => Interlocked.Read(ref _height);

    /// <summary>Starts the engine (handshake, replay) and the transport, then the loop.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the node runs.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _transport.StartAsync((peer, bytes) => _inputs.Writer.TryWrite(new Input(peer, bytes, null)), cancellationToken).ConfigureAwait(false);
        Engine.Start();
        Interlocked.Exchange(ref _height, Engine.State.LastBlockHeight);
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var input in _inputs.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (input.Timeout is not null)
                {
                    Engine.HandleTimeout(input.Timeout);
                }
                else
                {
                    Engine.HandleMessage(input.Peer, input.Envelope);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private sealed record Input(string Peer, byte[] Envelope, TimeoutInfo? Timeout);

    private sealed class Outbox(ConsensusNode node) : IConsensusOutbox
    {
        public void Broadcast(ConsensusMessage message) => node._transport.Broadcast(ConsensusMessageCodec.Encode(message));

        public void Send(string peerId, ConsensusMessage message) => node._transport.Send(peerId, ConsensusMessageCodec.Encode(message));

        public void ScheduleTimeout(TimeoutInfo timeout)
        {
            ITimer? timer = null;
            timer = node._time.CreateTimer(
                _ =>
                {
                    node._inputs.Writer.TryWrite(new Input(string.Empty, [], timeout));
                    timer?.Dispose();
                },
                null,
                timeout.Duration,
                Timeout.InfiniteTimeSpan);
        }
    }
}
