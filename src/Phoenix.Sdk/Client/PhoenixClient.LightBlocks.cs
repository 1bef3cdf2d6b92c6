using Phoenix.Sdk.LightClient;
using Phoenix.Sdk.Resilience;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient : ILightBlockProvider
{
    /// <summary>Fetches the light block (signed header, commit, validator set) at a height, unverified.</summary>
    /// <param name="height">The height; 0 for the latest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The block as the node serves it, or <see langword="null"/> when the node does not hold it.</returns>
    /// <remarks>Give this client to a <see cref="LightClientAppHashSource"/> to verify what it returns.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> is negative.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Wire.LightBlock?> GetLightBlockAsync(long height, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        try
        {
            var response = await Pipeline.ExecuteAsync(
                async (uri, token) => await new Wire.LightClientService.LightClientServiceClient(GetNode(uri).Channel)
                    .GetLightBlockAsync(new Wire.GetLightBlockRequest { Height = height }, cancellationToken: token).ConfigureAwait(false),
                Idempotency.Idempotent,
                cancellationToken).ConfigureAwait(false);
            return response.LightBlock;
        }
        catch (PhoenixRpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            return null;
        }
    }
}
