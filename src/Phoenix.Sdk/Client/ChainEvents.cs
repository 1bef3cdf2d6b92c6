using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Client;

/// <summary>Something that happened on chain, delivered by <see cref="PhoenixClient.SubscribeEventsAsync"/>.</summary>
/// <param name="Height">The block height it happened in.</param>
public abstract record ChainEvent(long Height);

/// <summary>A block was committed.</summary>
/// <param name="Height">The height.</param>
/// <param name="Hash">The block hash.</param>
/// <param name="Time">The BFT time.</param>
/// <param name="TransactionCount">How many transactions it holds.</param>
/// <param name="AppHash">The app hash in its header.</param>
public sealed record NewBlockEvent(long Height, Hash32 Hash, Timestamp Time, int TransactionCount, ReadOnlyMemory<byte> AppHash) : ChainEvent(Height);

/// <summary>A transaction was executed in a block.</summary>
/// <param name="Height">The block height.</param>
/// <param name="Index">The position in the block.</param>
/// <param name="TxHash">The transaction hash.</param>
/// <param name="Result">The execution result.</param>
public sealed record TransactionResultEvent(long Height, int Index, Hash32 TxHash, TransactionResult Result) : ChainEvent(Height);

/// <summary>An application event (for example <c>task.unit_finalized</c>).</summary>
/// <param name="Height">The block height.</param>
/// <param name="TxHash">The transaction that emitted it, or <see langword="null"/> for a block-level event.</param>
/// <param name="Event">The event.</param>
public sealed record ApplicationEvent(long Height, Hash32? TxHash, ChainEventData Event) : ChainEvent(Height);

/// <summary>What <see cref="PhoenixClient.SubscribeEventsAsync"/> delivers. At least one kind must be asked for.</summary>
public sealed class ChainEventFilter
{
    /// <summary>Deliver a <see cref="NewBlockEvent"/> for every block.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool NewBlocks { get; init; }

    /// <summary>Deliver a <see cref="TransactionResultEvent"/> for every transaction (subject to <see cref="TransactionHashes"/>).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool TransactionResults { get; init; }

    /// <summary>Deliver application events whose type starts with one of these prefixes (such as <c>task.</c>).</summary>
    /// <value>Empty by default (no application events).</value>
    public IReadOnlyList<string> EventTypePrefixes { get; init; } = [];

    /// <summary>Application events must carry every one of these attributes (exact key and value).</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<KeyValuePair<string, string>> AttributeFilters { get; init; } = [];

    /// <summary>When not empty, only results and events of these transactions.</summary>
    /// <value>Empty by default.</value>
    public IReadOnlyList<Hash32> TransactionHashes { get; init; } = [];

    internal void Validate()
    {
        if (!NewBlocks && !TransactionResults && EventTypePrefixes.Count == 0)
        {
            throw new ArgumentException("The filter asks for nothing: set NewBlocks, TransactionResults or EventTypePrefixes.", "filter");
        }

        if (EventTypePrefixes.Any(string.IsNullOrEmpty) || AttributeFilters.Any(a => string.IsNullOrEmpty(a.Key) || a.Value is null))
        {
            throw new ArgumentException("Event type prefixes and attribute filter keys must be non-empty.", "filter");
        }
    }
}
