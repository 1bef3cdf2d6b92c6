using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Types;
using Phoenix.Node.Storage;
using Phoenix.Node.Storage.Internal;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Api;

/// <summary>
/// An <see cref="ILightBlockSource"/> over the embedded engine: headers and seen commits come from the
/// <see cref="IBlockStore"/>, validator sets are recorded from <see cref="TendermintEngine.BlockCommitted"/> and, when a
/// key-value store is given, kept in it by hash, so heights committed before a restart are served after it.
/// </summary>
/// <remarks>
/// <para>Create it before the engine starts. Without a key-value store, the engine's start-up replay of the block store
/// rebuilds the validator sets of the replayed heights only; heights committed before it was attached and not replayed
/// are not served. With one (the node host passes its block store's), every set a header names is saved, by its hash,
/// before the first block it signs is applied, and every stored height is served.</para>
/// <para>A set is kept once per hash (not once per height); the proposer priorities in a served set are those of the
/// first height that used it. Light clients do not use priorities (they are not hashed).</para>
/// <para>Thread-safe: the engine writes from its loop, the API reads from request threads.</para>
/// </remarks>
public sealed class ConsensusLightBlockSource : ILightBlockSource
{
    private readonly IBlockStore _store;
    private readonly ValidatorSetStore? _sets;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ValidatorSet> _cache = new(StringComparer.Ordinal);
    private long _latest;

    /// <summary>Creates the source and subscribes to <paramref name="engine"/>'s commits.</summary>
    /// <param name="engine">The engine (not yet started).</param>
    /// <param name="store">The engine's block store (<see cref="TendermintEngineOptions.BlockStore"/>).</param>
    /// <param name="validatorSets">Where validator sets are kept durably (the node uses its block store's key-value store;
    /// keys under prefix <c>0x21</c>), or <see langword="null"/> to keep them in memory only.</param>
    public ConsensusLightBlockSource(TendermintEngine engine, IBlockStore store, IKeyValueStore? validatorSets = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        if (validatorSets is not null)
        {
            _sets = new ValidatorSetStore(validatorSets, validatorSets is RocksDbKeyValueStore rocks ? rocks.Path : "blocks");
            _latest = store.Height;
        }

        engine.BlockCommitted += (_, e) =>
        {
            var state = engine.State;
            Record(e.Block.Header, state.LastValidators);

            // The sets of the next two heights are known now: keep them before their blocks can be stored.
            Keep(state.Validators);
            Keep(state.NextValidators);
        };
    }

    /// <inheritdoc />
    public long LatestHeight => Volatile.Read(ref _latest);

    /// <inheritdoc />
    /// <exception cref="StoreCorruptedException">The stored block or validator set is damaged.</exception>
    public ConsensusLightBlock? GetLightBlock(long height)
    {
        if (height <= 0 || height > LatestHeight)
        {
            return null;
        }

        var stored = _store.LoadBlock(height);
        if (stored is null)
        {
            return null;
        }

        var set = Find(stored.Block.Header.ValidatorsHash);
        return set is null ? null : new ConsensusLightBlock(stored.Block.Header, stored.SeenCommit, set.Copy());
    }

    /// <summary>Records the validator set that signed a committed header (the engine's <c>LastValidators</c> after the commit).</summary>
    /// <param name="header">The committed header.</param>
    /// <param name="validators">The set of that height.</param>
    internal void Record(Header header, ValidatorSet? validators)
    {
        if (validators is null)
        {
            return;
        }

        var hash = validators.Hash();
        if (!hash.AsSpan().SequenceEqual(header.ValidatorsHash))
        {
            throw new InvalidOperationException($"The validator set recorded for height {header.Height} does not match the header's validators hash.");
        }

        Keep(validators);
        lock (_lock)
        {
            Volatile.Write(ref _latest, Math.Max(_latest, header.Height));
        }
    }

    private void Keep(ValidatorSet? set)
    {
        if (set is null)
        {
            return;
        }

        var key = Convert.ToHexString(set.Hash());
        lock (_lock)
        {
            if (_cache.ContainsKey(key))
            {
                return;
            }

            _sets?.SaveIfAbsent(set);
            _cache[key] = set.Copy();
        }
    }

    private ValidatorSet? Find(byte[] validatorsHash)
    {
        var key = Convert.ToHexString(validatorsHash);
        lock (_lock)
        {
            if (_cache.TryGetValue(key, out var cached))
            {
                return cached;
            }

            if (_sets?.Load(validatorsHash) is { } loaded)
            {
                _cache[key] = loaded;
                return loaded;
            }

            return null;
        }
    }
}
