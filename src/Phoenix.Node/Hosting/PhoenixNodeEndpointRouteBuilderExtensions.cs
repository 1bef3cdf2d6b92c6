using Microsoft.AspNetCore.Routing;
using Phoenix.Node.Hosting.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps a Phoenix node's endpoints on its shared HTTP/2 port.</summary>
public static class PhoenixNodeEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the validator peer service (<c>phoenix.p2p.v1.ConsensusPeer</c>), the public <c>NodeService</c> and
    /// <c>BlobService</c>, and the health check at <c>/healthz</c>.
    /// </summary>
    /// <param name="endpoints">The web application.</param>
    /// <returns><paramref name="endpoints"/>.</returns>
    public static IEndpointRouteBuilder MapPhoenixNode(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcService<HostedPeerService>();
        endpoints.MapPhoenixNodeApi();
        endpoints.MapHealthChecks("/healthz");
        return endpoints;
    }
}
