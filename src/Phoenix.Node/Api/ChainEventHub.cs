using System.Threading.Channels;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Api;

/// <summary>A committed block with its execution results: what the consensus engine publishes after <c>Commit</c>.</summary>
/// <param name="Block">The block.</param>
/// <param name="TxResults">One result per transaction, in block order.</param>
/// <param name="BlockEvents">Block-level events from <c>FinalizeBlock</c>.</param>
public sealed record CommittedBlock(ApiBlock Block, IReadOnlyList<ExecTxResult> TxResults, IReadOnlyList<AbciEvent> BlockEvents)
{
    private Hash32[]? _txHashes;

    /// <summary>SHA-256 of each transaction, in block order (computed once).</summary>
    public IReadOnlyList<Hash32> TxHashes => _txHashes ??= Block.Txs.Select(t => Hash32.Sha256(t.Span)).ToArray();
}

/// <summary>The stream of committed blocks that API subscribers read.</summary>
public interface IChainEvents
{
    /// <summary>Subscribes to blocks committed from now on.</summary>
    /// <returns>The subscription; dispose it to stop.</returns>
    ChainSubscription Subscribe();
}

/// <summary>One subscriber's bounded queue of committed blocks.</summary>
/// <remarks>
/// When the subscriber falls more than the hub's capacity behind, its reader completes with
/// <see cref="SubscriberLaggingException"/>: memory stays bounded and the client reconnects and
/// catches up with <c>GetBlock</c>.
/// </remarks>
public sealed class ChainSubscription : IDisposable
{
    private readonly ChainEventHub _hub;

    internal ChainSubscription(ChainEventHub hub, int capacity)
    {
        _hub = hub;
        Channel = System.Threading.Channels.Channel.CreateBounded<CommittedBlock>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
    }

    /// <summary>The blocks, in commit order.</summary>
    public ChannelReader<CommittedBlock> Reader => Channel.Reader;

    internal Channel<CommittedBlock> Channel { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        _hub.Remove(this);
        Channel.Writer.TryComplete();
    }
}

/// <summary>A subscriber did not keep up with committed blocks and was dropped.</summary>
public sealed class SubscriberLaggingException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="capacity">The queue capacity that was exceeded.</param>
    public SubscriberLaggingException(int capacity)
        : base($"The event subscriber fell more than {capacity} blocks behind and was dropped; resubscribe and read missed blocks with GetBlock.")
    {
    }
}

/// <summary>
/// Fans committed blocks out to API subscribers. The consensus engine (or whatever drives commits)
/// calls <see cref="Publish"/> once per committed block, in height order.
/// </summary>
/// <param name="capacity">Blocks a subscriber may fall behind before it is dropped.</param>
/// <remarks>Thread-safe. <see cref="Publish"/> never blocks on a slow subscriber.</remarks>
public sealed class ChainEventHub(int capacity = 256) : IChainEvents
{
    private readonly Lock _lock = new();
    private ChainSubscription[] _subscribers = [];

    /// <summary>Number of active subscribers.</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <inheritdoc />
    public ChainSubscription Subscribe()
    {
        var subscription = new ChainSubscription(this, capacity);
        lock (_lock)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    /// <summary>Delivers a committed block to every subscriber; drops those that are full.</summary>
    /// <param name="block">The block and its results.</param>
    public void Publish(CommittedBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (!subscriber.Channel.Writer.TryWrite(block))
            {
                subscriber.Channel.Writer.TryComplete(new SubscriberLaggingException(capacity));
                Remove(subscriber);
            }
        }
    }

    internal void Remove(ChainSubscription subscription)
    {
        lock (_lock)
        {
            _subscribers = _subscribers.Where(s => s != subscription).ToArray();
        }
    }
}
