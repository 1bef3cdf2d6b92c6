using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Types;

namespace Phoenix.Node.Api;

/// <summary>
/// An <see cref="ILightBlockSource"/> over the embedded engine: headers and seen commits come from the
/// <see cref="IBlockStore"/>, validator sets are recorded from <see cref="TendermintEngine.BlockCommitted"/>.
/// </summary>
/// <remarks>
/// <para>Create it before the engine starts: on start the engine replays the block store and raises
/// <see cref="TendermintEngine.BlockCommitted"/> for every stored block, which rebuilds the validator history.
/// Heights committed before it was attached are not served.</para>
/// <para>Validator sets are kept once per change (not once per height); the proposer priorities in a served set are
/// those of the first height of that run. Light clients do not use priorities (they are not hashed).</para>
/// <para>Thread-safe: the engine writes from its loop, the API reads from request threads.</para>
/// </remarks>
public sealed class ConsensusLightBlockSource : ILightBlockSource
{
    private readonly IBlockStore _store;
    private readonly Lock _lock = new();
    private readonly List<(long FromHeight, byte[] Hash, ValidatorSet Set)> _history = [];
    private long _latest;

    /// <summary>Creates the source and subscribes to <paramref name="engine"/>'s commits.</summary>
    /// <param name="engine">The engine (not yet started).</param>
    /// <param name="store">The engine's block store (<see cref="TendermintEngineOptions.BlockStore"/>).</param>
    public ConsensusLightBlockSource(TendermintEngine engine, IBlockStore store)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        engine.BlockCommitted += (_, e) => Record(e.Block.Header, engine.State.LastValidators);
    }

    /// <inheritdoc />
    public long LatestHeight => Volatile.Read(ref _latest);

    /// <inheritdoc />
    public ConsensusLightBlock? GetLightBlock(long height)
    {
        if (height <= 0 || height > LatestHeight)
        {
            return null;
        }

        ValidatorSet? set;
        lock (_lock)
        {
            set = Find(height);
        }

        var stored = _store.LoadBlock(height);
        return set is null || stored is null ? null : new ConsensusLightBlock(stored.Block.Header, stored.SeenCommit, set.Copy());
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

        lock (_lock)
        {
            if (_history.Count == 0 || !_history[^1].Hash.AsSpan().SequenceEqual(hash))
            {
                _history.Add((header.Height, hash, validators.Copy()));
            }

            Volatile.Write(ref _latest, Math.Max(_latest, header.Height));
        }
    }

    private ValidatorSet? Find(long height)
    {
        int lo = 0, hi = _history.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_history[mid].FromHeight <= height)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? null : _history[found].Set;
    }
}
