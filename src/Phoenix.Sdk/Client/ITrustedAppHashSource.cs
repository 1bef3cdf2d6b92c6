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
/// <para><see cref="Phoenix.Sdk.LightClient.LightClientAppHashSource"/> is the implementation to use: a light client that
/// starts from a trusted validator set or header and verifies header H + 1 (whose app hash commits to the state after H)
/// from the signatures of more than 2/3 of the voting power (DESIGN §5).</para>
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
