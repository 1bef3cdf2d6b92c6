using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Client;

/// <summary>
/// Supplies verified app hashes for light-client proof checks: the root of the application state
/// committed at a height, taken from a block header that the source has verified.
/// </summary>
/// <remarks>
/// <para>When a <see cref="PhoenixClient"/> has a source (<see cref="PhoenixClientBuilder.UseTrustedAppHashSource"/>),
/// every state query asks the node for a proof and checks it against <see cref="GetAppHashAsync"/> of the
/// answer's height; a value or proof that does not match throws <see cref="LightClientVerificationException"/>.</para>
/// <para>Plan for the header part (DESIGN §5), once the consensus engine's header and commit types are merged:
/// a <c>LightClientAppHashSource</c> starts from a trusted validator set (genesis or a checkpoint), fetches the
/// header at height H + 1 (whose app hash commits to the state after H) and its commit, checks that
/// signatures from at least 2/3 of the trusted voting power cover the header hash (skipping verification
/// forward when the set changes by at most 1/3, as CometBFT's light client does), and caches verified
/// hashes. Until then, implementations must obtain app hashes from a source the application trusts.</para>
/// <para>Implementations must be thread-safe.</para>
/// </remarks>
public interface ITrustedAppHashSource
{
    /// <summary>Returns the verified app hash of the state committed at <paramref name="height"/>.</summary>
    /// <param name="height">A committed height (1 or more).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The trusted state root.</returns>
    /// <exception cref="LightClientVerificationException">The header at that height could not be verified.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    ValueTask<Hash32> GetAppHashAsync(long height, CancellationToken cancellationToken = default);
}
