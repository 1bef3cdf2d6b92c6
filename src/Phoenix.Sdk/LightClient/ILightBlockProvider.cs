using Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.LightClient;

/// <summary>
/// Fetches light blocks (signed header, commit, validator set) for a <see cref="LightClientAppHashSource"/>.
/// Nothing a provider returns is trusted: every block is verified before use.
/// </summary>
/// <remarks><see cref="Client.PhoenixClient"/> implements it over <c>phoenix.node.v1.LightClientService</c>.
/// Implementations are thread-safe.</remarks>
public interface ILightBlockProvider
{
    /// <summary>Fetches the light block at a height.</summary>
    /// <param name="height">The height (1 or more).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block as served, or <see langword="null"/> when the node does not hold it (pruned, or not yet committed).</returns>
    /// <exception cref="PhoenixException">The call failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<LightBlock?> GetLightBlockAsync(long height, CancellationToken cancellationToken = default);
}
