using System.Globalization;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.LightClient.Internal;

namespace Phoenix.Sdk.LightClient;

/// <summary>
/// A light client: an <see cref="ITrustedAppHashSource"/> that verifies block headers from signatures, starting from a
/// <see cref="LightClientTrustRoot"/>, so that query proofs are checked against app hashes the application does not
/// have to take from the node it talks to.
/// </summary>
/// <remarks>
/// <para>Verification follows CometBFT's light client: a header is accepted when commit signatures from more than
/// 2/3 of its validator set's power verify over the canonical precommit sign bytes and that set hashes to the header's
/// validators hash. Going from a trusted header at H to H + 1 also requires the new set to be the one announced by H's
/// next-validators hash and H + 1 to link to H's hash. Further ahead, a header is accepted directly when more than 1/3
/// of the trusted set's power signed it too (skipping), otherwise the client bisects; with
/// <see cref="LightClientOptions.Sequential"/> it verifies every height. Heights below the verified ones are verified
/// backwards through the header hash chain.</para>
/// <para>The app hash of the state at height H is in header H + 1, so <see cref="GetAppHashAsync"/> waits (up to
/// <see cref="LightClientOptions.HeaderWaitTimeout"/>) for that header when it is not committed yet.</para>
/// <para>Thread-safe; verification is serialized and verified headers are cached.</para>
/// </remarks>
/// <example>
/// <code>
/// using var headers = new PhoenixClientBuilder().AddEndpoint(node).Build();
/// var light = new LightClientAppHashSource(headers, LightClientTrustRoot.FromValidators("phoenix-1", 1, genesisValidators));
/// using var client = new PhoenixClientBuilder().AddEndpoint(node).UseTrustedAppHashSource(light).Build();
/// var balance = await client.GetBalanceAsync(address, Denom.Phnx); // proven against a verified header
/// </code>
/// </example>
public sealed class LightClientAppHashSource : ITrustedAppHashSource, IDisposable
{
    private readonly ILightBlockProvider _provider;
    private readonly LightClientTrustRoot _root;
    private readonly LightClientOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedList<long, VerifiedLightBlock> _verified = [];

    /// <summary>Creates the light client. Nothing is fetched until the first call.</summary>
    /// <param name="provider">Where light blocks come from (for example a <see cref="PhoenixClient"/>); nothing it serves is trusted.</param>
    /// <param name="root">Where trust starts.</param>
    /// <param name="options">Settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock for the trusting period, clock drift and header waits (default <see cref="TimeProvider.System"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> or <paramref name="root"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its documented range.</exception>
    public LightClientAppHashSource(ILightBlockProvider provider, LightClientTrustRoot root, LightClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        _provider = provider ?? throw new ArgumentNullException(nameof(provider));
        _root = root ?? throw new ArgumentNullException(nameof(root));
        _options = options ?? new LightClientOptions();
        _time = timeProvider ?? TimeProvider.System;
        Validate(_options);
    }

    /// <summary>The chain id every verified header carries.</summary>
    public string ChainId => _root.ChainId;

    /// <summary>The highest verified height, or 0 before the first verification.</summary>
    public long LatestVerifiedHeight
    {
        get
        {
            lock (_verified)
            {
                return _verified.Count == 0 ? 0 : _verified.Keys[^1];
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Verifies header <paramref name="height"/> + 1, waiting for it when it is not committed yet.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> is below 1.</exception>
    /// <exception cref="PhoenixException">Fetching a light block failed.</exception>
    public async ValueTask<Hash32> GetAppHashAsync(long height, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var header = await VerifyCoreAsync(height + 1, wait: true, cancellationToken).ConfigureAwait(false);
        return header.Header.AppHash.Length == Hash32.Length
            ? new Hash32(header.Header.AppHash)
            : throw LightVerifier.Fail($"the verified header at height {height + 1} carries a {header.Header.AppHash.Length}-byte app hash, not {Hash32.Length}");
    }

    /// <summary>Verifies the header at <paramref name="height"/> (from the cache when already verified).</summary>
    /// <param name="height">The height (1 or more).</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The verified header.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> is below 1.</exception>
    /// <exception cref="LightClientVerificationException">The header, its commit or its validator set does not verify, the
    /// trusted header expired, or the node does not hold the header.</exception>
    /// <exception cref="PhoenixException">Fetching a light block failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<VerifiedHeader> VerifyHeaderAsync(long height, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var verified = await VerifyCoreAsync(height, wait: false, cancellationToken).ConfigureAwait(false);
        return verified.ToPublic();
    }

    /// <summary>Releases the internal lock.</summary>
    public void Dispose() => _gate.Dispose();

    private async Task<VerifiedLightBlock> VerifyCoreAsync(long height, bool wait, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Count == 0)
            {
                await InitializeAsync(cancellationToken).ConfigureAwait(false);
            }

            lock (_verified)
            {
                if (_verified.TryGetValue(height, out var cached))
                {
                    return cached;
                }
            }

            var (below, lowest) = Neighbours(height);
            if (below is null)
            {
                return await VerifyBackwardsAsync(lowest!, height, cancellationToken).ConfigureAwait(false);
            }

            var target = await FetchAsync(height, wait, cancellationToken).ConfigureAwait(false);
            return await VerifyForwardAsync(below, target, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var block = await FetchAsync(_root.Height, wait: true, cancellationToken).ConfigureAwait(false);
        if (_root.Validators is { } trusted)
        {
            var set = LightValidatorSetData.FromUnordered(trusted.Select(v => LightValidatorData.Create(v.PublicKey.ToArray(), v.VotingPower)));
            if (!set.Hash.AsSpan().SequenceEqual(block.Header.ValidatorsHash))
            {
                throw LightVerifier.Fail($"the header at the trusted height {_root.Height} is not produced by the trusted validator set");
            }
        }

        var hash = LightVerifier.VerifySelfConsistent(_root.ChainId, block, _root.Height);
        if (_root.HeaderHash is { } expected && expected != new Hash32(hash))
        {
            throw LightVerifier.Fail($"the header at the trusted height {_root.Height} hashes to {Convert.ToHexStringLower(hash)}, not the trusted {expected}");
        }

        var verified = new VerifiedLightBlock(block.Header, hash, block.ValidatorSet);
        CheckNotExpired(verified);
        Store(verified);
    }

    private async Task<VerifiedLightBlock> VerifyForwardAsync(VerifiedLightBlock trusted, LightBlockData target, CancellationToken cancellationToken)
    {
        var pending = new Stack<LightBlockData>();
        pending.Push(target);
        while (pending.TryPeek(out var candidate))
        {
            CheckNotExpired(trusted);
            LightVerifier.VerifyNewHeader(trusted, candidate, Now(), _options.MaxClockDrift);
            var height = candidate.Header.Height;
            byte[] hash;
            if (height == trusted.Header.Height + 1)
            {
                if (!candidate.Header.ValidatorsHash.AsSpan().SequenceEqual(trusted.Header.NextValidatorsHash))
                {
                    throw LightVerifier.Fail($"the header at height {height} names a validator set that header {trusted.Header.Height} did not announce as the next one");
                }

                if (!candidate.Header.LastBlockId.Hash.AsSpan().SequenceEqual(trusted.Hash))
                {
                    throw LightVerifier.Fail($"the header at height {height} does not link to the verified header {trusted.Header.Height}");
                }

                hash = LightVerifier.VerifySelfConsistent(_root.ChainId, candidate, height);
            }
            else if (_options.Sequential)
            {
                pending.Push(await FetchAsync(trusted.Header.Height + 1, wait: false, cancellationToken).ConfigureAwait(false));
                continue;
            }
            else
            {
                hash = LightVerifier.VerifySelfConsistent(_root.ChainId, candidate, height);
                if (LightVerifier.VerifyCommitTrusting(_root.ChainId, trusted.ValidatorSet, candidate) == TrustCheck.NotEnoughTrust)
                {
                    var pivot = trusted.Header.Height + ((height - trusted.Header.Height) / 2);
                    pending.Push(await FetchAsync(pivot, wait: false, cancellationToken).ConfigureAwait(false));
                    continue;
                }
            }

            trusted = new VerifiedLightBlock(candidate.Header, hash, candidate.ValidatorSet);
            Store(trusted);
            pending.Pop();
        }

        return trusted;
    }

    private async Task<VerifiedLightBlock> VerifyBackwardsAsync(VerifiedLightBlock lowest, long height, CancellationToken cancellationToken)
    {
        var next = lowest;
        for (var h = lowest.Header.Height - 1; h >= height; h--)
        {
            var block = await FetchAsync(h, wait: false, cancellationToken).ConfigureAwait(false);
            var header = block.Header;
            if (!string.Equals(header.ChainId, _root.ChainId, StringComparison.Ordinal) || header.Height != h)
            {
                throw LightVerifier.Fail($"the header served for height {h} names chain '{header.ChainId}' and height {header.Height}");
            }

            var hash = header.Hash();
            if (!hash.AsSpan().SequenceEqual(next.Header.LastBlockId.Hash) || header.Time >= next.Header.Time)
            {
                throw LightVerifier.Fail($"the header at height {h} is not the one the verified header {h + 1} links to");
            }

            if (!block.ValidatorSet.Hash.AsSpan().SequenceEqual(header.ValidatorsHash))
            {
                throw LightVerifier.Fail($"the validator set served for height {h} does not hash to the header's validators hash");
            }

            next = new VerifiedLightBlock(header, hash, block.ValidatorSet);
            Store(next);
        }

        return next;
    }

    private async Task<LightBlockData> FetchAsync(long height, bool wait, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var block = await _provider.GetLightBlockAsync(height, cancellationToken).ConfigureAwait(false);
            if (block is not null)
            {
                return LightBlockData.FromWire(block, height);
            }

            if (!wait || _time.GetElapsedTime(started) >= _options.HeaderWaitTimeout)
            {
                throw wait
                    ? LightVerifier.Fail($"the node did not serve the header at height {height} within {_options.HeaderWaitTimeout}")
                    : LightVerifier.Fail($"the node does not hold the header at height {height}");
            }

            await Task.Delay(_options.HeaderPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void CheckNotExpired(VerifiedLightBlock trusted)
    {
        var expires = trusted.Header.Time.ToDateTimeOffset() + _options.TrustingPeriod;
        if (_time.GetUtcNow() >= expires)
        {
            throw LightVerifier.Fail($"the trusted header at height {trusted.Header.Height} (time {trusted.Header.Time}) is older than the trusting period {_options.TrustingPeriod}; start again from a recent trust root");
        }
    }

    private Timestamp Now() => Timestamp.FromDateTimeOffset(_time.GetUtcNow());

    private int Count
    {
        get
        {
            lock (_verified)
            {
                return _verified.Count;
            }
        }
    }

    private (VerifiedLightBlock? Below, VerifiedLightBlock? Lowest) Neighbours(long height)
    {
        lock (_verified)
        {
            VerifiedLightBlock? below = null;
            foreach (var (h, block) in _verified)
            {
                if (h >= height)
                {
                    break;
                }

                below = block;
            }

            return (below, _verified.Values[0]);
        }
    }

    private void Store(VerifiedLightBlock block)
    {
        lock (_verified)
        {
            _verified[block.Header.Height] = block;
            while (_verified.Count > _options.MaxCachedHeaders)
            {
                // Keep the highest (the base for new headers); drop the lowest.
                _verified.RemoveAt(0);
            }
        }
    }

    private static void Validate(LightClientOptions o)
    {
        static void Check(bool ok, string name, object value)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"LightClientOptions.{name} is out of range."));
            }
        }

        Check(o.TrustingPeriod > TimeSpan.Zero, nameof(o.TrustingPeriod), o.TrustingPeriod);
        Check(o.MaxClockDrift >= TimeSpan.Zero, nameof(o.MaxClockDrift), o.MaxClockDrift);
        Check(o.HeaderWaitTimeout >= TimeSpan.Zero, nameof(o.HeaderWaitTimeout), o.HeaderWaitTimeout);
        Check(o.HeaderPollInterval > TimeSpan.Zero, nameof(o.HeaderPollInterval), o.HeaderPollInterval);
        Check(o.MaxCachedHeaders >= 2, nameof(o.MaxCachedHeaders), o.MaxCachedHeaders);
    }
}
