using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Phoenix.Node.Api;
using Phoenix.Node.Blobs;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the node's public gRPC services.</summary>
public static class PhoenixNodeApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>phoenix.node.v1.NodeService</c> and <c>phoenix.node.v1.BlobService</c>, and
    /// <c>phoenix.node.v1.LightClientService</c> when an <see cref="ILightBlockSource"/> is registered.
    /// </summary>
    /// <param name="endpoints">The endpoint builder (the web application).</param>
    /// <returns><paramref name="endpoints"/>.</returns>
    public static IEndpointRouteBuilder MapPhoenixNodeApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcService<NodeGrpcService>();
        endpoints.MapGrpcService<BlobGrpcService>();
        if (endpoints.ServiceProvider.GetService(typeof(IServiceProviderIsService)) is IServiceProviderIsService services && services.IsService(typeof(ILightBlockSource)))
        {
            endpoints.MapGrpcService<LightClientGrpcService>();
        }

        return endpoints;
    }
}
