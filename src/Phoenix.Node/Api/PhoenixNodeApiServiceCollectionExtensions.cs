using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Phoenix.Node;
using Phoenix.Node.Api;
using Phoenix.Node.Blobs;
using Phoenix.Node.Diagnostics;
using Phoenix.Node.Mempool;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the node's public API, blob service, metrics and health check.</summary>
public static class PhoenixNodeApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers gRPC, <see cref="NodeGrpcService"/> and <see cref="BlobGrpcService"/> dependencies that the node
    /// itself provides (<see cref="ChainEventHub"/>, <see cref="NodeMetrics"/>, <see cref="BlobPinTracker"/>, the
    /// <c>phoenix-node</c> health check), and binds and validates at start <see cref="PhoenixNodeOptions"/> and its
    /// sections from configuration. Calling it again does nothing.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="sectionName">The configuration section of the node options.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>
    /// The consensus engine registers what only it knows: <see cref="INodeStatus"/>, <see cref="IBlockReader"/>,
    /// <see cref="ITxIndex"/>, <see cref="IStateQuery"/>, <see cref="ITxMempool"/>, an
    /// <see cref="Phoenix.Protocol.Blobs.IBlobStore"/> and optionally an <see cref="IBlobPeerSource"/>; it publishes
    /// committed blocks to the <see cref="ChainEventHub"/> singleton.
    /// </remarks>
    public static IServiceCollection AddPhoenixNodeApi(this IServiceCollection services, string sectionName = PhoenixNodeOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionName);
        if (services.Any(d => d.ServiceType == typeof(PhoenixNodeApiMarker)))
        {
            return services;
        }

        services.AddSingleton<PhoenixNodeApiMarker>();
        services.AddGrpc();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<PhoenixNodeOptions>().BindConfiguration(sectionName).ValidateOnStart();
        services.AddOptions<NodeApiOptions>().BindConfiguration($"{sectionName}:Api").ValidateOnStart();
        services.AddOptions<BlobServiceOptions>().BindConfiguration($"{sectionName}:Blobs").ValidateOnStart();
        services.AddOptions<NodeHealthOptions>().BindConfiguration($"{sectionName}:Health").ValidateOnStart();
        services.AddOptions<MempoolOptions>().BindConfiguration($"{sectionName}:Mempool").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PhoenixNodeOptions>, PhoenixNodeOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeApiOptions>, NodeApiOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlobServiceOptions>, BlobServiceOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeHealthOptions>, NodeHealthOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MempoolOptions>, MempoolOptionsValidator>());

        services.TryAddSingleton(sp => new NodeMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => new ChainEventHub(sp.GetRequiredService<IOptions<NodeApiOptions>>().Value.EventQueueCapacity));
        services.TryAddSingleton<IChainEvents>(sp => sp.GetRequiredService<ChainEventHub>());
        services.TryAddSingleton<BlobPinTracker>();
        services.AddHealthChecks().AddCheck<NodeHealthCheck>("phoenix-node");
        return services;
    }

    private sealed class PhoenixNodeApiMarker;
}
