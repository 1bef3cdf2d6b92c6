using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Modules;

/// <summary>
/// Everything a module sees while executing: the block (height, BFT time, chain id), the chain
/// parameters, the state (a cache that rolls back with its transaction), the signer of the current
/// transaction, and the event sink.
/// </summary>
/// <remarks>Not thread-safe; one per block or transaction.</remarks>
public sealed class ModuleContext
{
    private readonly List<AbciEvent> _events;

    /// <summary>Creates a context.</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="height">The block height (0 during genesis).</param>
    /// <param name="time">The block's BFT time.</param>
    /// <param name="parameters">The chain parameters in force.</param>
    /// <param name="state">The state to read and write.</param>
    /// <param name="signer">The signer of the current transaction, if any.</param>
    public ModuleContext(string chainId, long height, Timestamp time, ChainParameters parameters, StateCache state, Address? signer = null)
    {
        ArgumentNullException.ThrowIfNull(chainId);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(state);
        ChainId = chainId;
        Height = height;
        Time = time;
        Parameters = parameters;
        State = state;
        Signer = signer;
        _events = [];
    }

    /// <summary>The chain id.</summary>
    public string ChainId { get; }

    /// <summary>The block height (0 during genesis).</summary>
    public long Height { get; }

    /// <summary>The block's BFT time (the only "now" the protocol knows).</summary>
    public Timestamp Time { get; }

    /// <summary>The chain parameters in force.</summary>
    public ChainParameters Parameters { get; }

    /// <summary>The state cache for this scope.</summary>
    public StateCache State { get; }

    /// <summary>The signer of the transaction being executed, or null outside a transaction.</summary>
    public Address? Signer { get; }

    /// <summary>Events emitted so far, in order.</summary>
    public IReadOnlyList<AbciEvent> Events => _events;

    /// <summary>A module's prefixed view of <see cref="State"/>.</summary>
    /// <param name="module">The module.</param>
    /// <returns>The view.</returns>
    public ModuleStore StoreOf(PhoenixModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return new ModuleStore(State, module.StorePrefix);
    }

    /// <summary>Emits an event.</summary>
    /// <param name="type">The event type, such as <c>transfer</c>.</param>
    /// <param name="attributes">Key-value attributes.</param>
    public void Emit(string type, params (string Key, string Value)[] attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        _events.Add(new AbciEvent(type, [.. attributes.Select(a => new EventAttribute(a.Key, a.Value))]));
    }

    /// <summary>A child context for one transaction: a new state cache over this one, with the signer set.</summary>
    /// <param name="signer">The transaction's signer.</param>
    /// <returns>The child context; call <see cref="StateCache.Flush"/> on its state to keep its writes.</returns>
    public ModuleContext ForTransaction(Address signer) => new(ChainId, Height, Time, Parameters, new StateCache(State), signer);

    /// <summary>Appends events (for example those of a transaction that succeeded).</summary>
    /// <param name="events">The events.</param>
    public void AddEvents(IEnumerable<AbciEvent> events) => _events.AddRange(events);
}
