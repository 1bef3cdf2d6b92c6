using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.LightClient;

/// <summary>A validator the application trusts: its Ed25519 key and voting power.</summary>
/// <param name="PublicKey">The validator's consensus key.</param>
/// <param name="VotingPower">Its voting power (positive).</param>
public sealed record TrustedValidator(PublicKey PublicKey, long VotingPower);

/// <summary>
/// Where a <see cref="LightClientAppHashSource"/> starts: a validator set trusted to sign a height (the genesis
/// validators for height 1), or a header hash obtained out of band (a checkpoint from a source the application trusts).
/// </summary>
/// <remarks>Immutable. Everything after the root is verified from signatures; the root itself is taken on trust, so get
/// it from the genesis file or another channel than the node you query.</remarks>
public sealed class LightClientTrustRoot
{
    private LightClientTrustRoot(string chainId, long height, IReadOnlyList<TrustedValidator>? validators, Hash32? headerHash)
    {
        ChainId = chainId;
        Height = height;
        Validators = validators;
        HeaderHash = headerHash;
    }

    /// <summary>The chain id every header must carry.</summary>
    public string ChainId { get; }

    /// <summary>The trusted height.</summary>
    public long Height { get; }

    /// <summary>The validator set trusted to sign <see cref="Height"/>, or <see langword="null"/> for a header root.</summary>
    public IReadOnlyList<TrustedValidator>? Validators { get; }

    /// <summary>The trusted header hash at <see cref="Height"/>, or <see langword="null"/> for a validator root.</summary>
    public Hash32? HeaderHash { get; }

    /// <summary>Trusts a validator set to sign the header at <paramref name="height"/> (for example the genesis validators and height 1).</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="height">The height the set signs (1 or more).</param>
    /// <param name="validators">The set (any order; at least one, positive powers, distinct keys).</param>
    /// <returns>The root.</returns>
    /// <exception cref="ArgumentException"><paramref name="chainId"/> is empty, the set is empty, a key repeats or a power is not positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> is below 1.</exception>
    public static LightClientTrustRoot FromValidators(string chainId, long height, IEnumerable<TrustedValidator> validators)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chainId);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(validators);
        var list = validators.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("The trusted validator set is empty.", nameof(validators));
        }

        if (list.Any(v => v is null || v.VotingPower <= 0))
        {
            throw new ArgumentException("Every trusted validator needs a positive voting power.", nameof(validators));
        }

        if (list.Select(v => v.PublicKey).Distinct().Count() != list.Count)
        {
            throw new ArgumentException("A trusted validator key appears twice.", nameof(validators));
        }

        return new LightClientTrustRoot(chainId, height, list.AsReadOnly(), null);
    }

    /// <summary>Trusts the header with hash <paramref name="headerHash"/> at <paramref name="height"/> (a checkpoint).</summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="height">The height (1 or more).</param>
    /// <param name="headerHash">The header (block) hash.</param>
    /// <returns>The root.</returns>
    /// <exception cref="ArgumentException"><paramref name="chainId"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> is below 1.</exception>
    public static LightClientTrustRoot FromHeader(string chainId, long height, Hash32 headerHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chainId);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        return new LightClientTrustRoot(chainId, height, null, headerHash);
    }
}
