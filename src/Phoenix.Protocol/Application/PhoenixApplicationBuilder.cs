using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Auth;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Application;

/// <summary>
/// Builds a <see cref="PhoenixApplication"/>: the store, the modules (auth and bank are always
/// present, first), the signature verifier and local (non-consensus) CheckTx settings.
/// </summary>
/// <example>
/// <code>
/// var app = new PhoenixApplicationBuilder()
///     .UseStore(new InMemoryKeyValueStore())
///     .AddModule(new StakingModule())
///     .Build();
/// </code>
/// </example>
public sealed class PhoenixApplicationBuilder
{
    private readonly List<PhoenixModule> _modules = [new AuthModule(), new BankModule()];
    private readonly List<Amount> _minimumFees = [];
    private IKeyValueStore? _store;
    private ISignatureBatchVerifier _verifier = SequentialSignatureVerifier.Instance;
    private SnapshotOptions _snapshots = new();
    private Modules.Oracle.IPriceFeed? _priceFeed;

    /// <summary>Takes state-sync snapshots (local setting, never consensus).</summary>
    /// <param name="options">Interval, retention and chunk size; validated here.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public PhoenixApplicationBuilder UseSnapshots(SnapshotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _snapshots = new SnapshotOptions { Interval = options.Interval, KeepRecent = options.KeepRecent, ChunkBytes = options.ChunkBytes };
        return this;
    }

    /// <summary>Sets this validator's price source for oracle vote extensions (local, never consensus).</summary>
    /// <param name="feed">The feed.</param>
    /// <returns>This builder.</returns>
    public PhoenixApplicationBuilder UsePriceFeed(Modules.Oracle.IPriceFeed feed)
    {
        ArgumentNullException.ThrowIfNull(feed);
        _priceFeed = feed;
        return this;
    }

    /// <summary>Sets the fee distribution hook (the distribution module); without one, fees accumulate in the fee pool.</summary>
    /// <param name="distributor">The hook.</param>
    /// <returns>This builder.</returns>
    public PhoenixApplicationBuilder UseFeeDistributor(IFeeDistributor distributor)
    {
        ArgumentNullException.ThrowIfNull(distributor);
        _modules[1] = new BankModule(distributor);
        return this;
    }

    /// <summary>Uses a key-value store (default: a new <see cref="InMemoryKeyValueStore"/>).</summary>
    /// <param name="store">The store; the application does not dispose it.</param>
    /// <returns>This builder.</returns>
    public PhoenixApplicationBuilder UseStore(IKeyValueStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        return this;
    }

    /// <summary>Adds a module after those already added. Module order is part of the protocol.</summary>
    /// <param name="module">The module.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">A module with the same name or an overlapping store prefix exists.</exception>
    public PhoenixApplicationBuilder AddModule(PhoenixModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (var m in _modules)
        {
            if (m.StorePrefix.AsSpan().StartsWith(module.StorePrefix) || module.StorePrefix.AsSpan().StartsWith(m.StorePrefix))
            {
                throw new ArgumentException($"Module '{module.Name}' clashes with module '{m.Name}'.", nameof(module));
            }
        }

        _modules.Add(module);
        return this;
    }

    /// <summary>Sets the signature verifier (Phoenix.Node supplies a parallel one).</summary>
    /// <param name="verifier">The verifier.</param>
    /// <returns>This builder.</returns>
    public PhoenixApplicationBuilder UseSignatureVerifier(ISignatureBatchVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        _verifier = verifier;
        return this;
    }

    /// <summary>Sets this node's local minimum fee for a denomination (CheckTx only; never consensus).</summary>
    /// <param name="minimum">The minimum fee.</param>
    /// <returns>This builder.</returns>
    public PhoenixApplicationBuilder WithMinimumFee(Amount minimum)
    {
        _minimumFees.RemoveAll(f => f.Denom == minimum.Denom);
        _minimumFees.Add(minimum);
        return this;
    }

    /// <summary>Builds the application.</summary>
    /// <returns>The application.</returns>
    public PhoenixApplication Build() => new(_store ?? new InMemoryKeyValueStore(), [.. _modules], _verifier, [.. _minimumFees])
    {
        SnapshotSettings = _snapshots,
        PriceFeed = _priceFeed,
    };
}
