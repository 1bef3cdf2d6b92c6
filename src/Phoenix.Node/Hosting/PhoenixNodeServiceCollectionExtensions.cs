using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Phoenix.Node;
using Phoenix.Node.Api;
using Phoenix.Node.Blobs;
using Phoenix.Node.Diagnostics;
using Phoenix.Node.Hosting.Internal;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Blobs;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a whole Phoenix node (consensus, stores, mempool, public API, blob service) in a host.</summary>
public static class PhoenixNodeServiceCollectionExtensions
{
    /// <summary>
    /// Registers a node configured by <paramref name="options"/>: its runtime (started and stopped with the host), the
    /// public API's dependencies, metrics and the health check. Map its endpoints with
    /// <see cref="PhoenixNodeEndpointRouteBuilderExtensions.MapPhoenixNode"/> and listen on
    /// <see cref="PhoenixNodeOptions.ListenUrl"/> with HTTP/2 (what <see cref="AddPhoenixNode(WebApplicationBuilder, Action{PhoenixNodeOptions}?)"/> does).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="options">The node's settings (validated when the node starts).</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPhoenixNode(this IServiceCollection services, PhoenixNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<IOptions<PhoenixNodeOptions>>(Options.Options.Create(options));
        services.AddSingleton<IOptions<MempoolOptions>>(Options.Options.Create(options.Mempool));
        services.AddSingleton<IOptions<NodeApiOptions>>(Options.Options.Create(options.Api));
        services.AddSingleton<IOptions<BlobServiceOptions>>(Options.Options.Create(options.Blobs));
        services.AddSingleton<IOptions<NodeHealthOptions>>(Options.Options.Create(options.Health));
        services.TryAddSingleton<IBlobPeerSource>(sp => new GrpcBlobPeerSource(
            options.Peers.Concat(options.Consensus.Peers.Values).Distinct(StringComparer.Ordinal).Select(p => new Uri(p)),
            sp.GetService<Logging.ILogger<GrpcBlobPeerSource>>()));
        // The blob service and the pins use the node's own durable store (data/blobs), opened when the node starts.
        services.TryAddSingleton<IBlobStore, NodeBlobStoreAdapter>();
        services.TryAddSingleton(sp => sp.GetRequiredService<NodeRuntime>().Pins ?? throw new InvalidOperationException("The node has not started."));
        services.AddPhoenixNodeApi();
        services.AddSingleton<NodeRuntime>();
        services.AddSingleton<NodeApiAdapter>();
        services.AddSingleton<INodeStatus>(sp => sp.GetRequiredService<NodeApiAdapter>());
        services.AddSingleton<IBlockReader>(sp => sp.GetRequiredService<NodeApiAdapter>());
        services.AddSingleton<ITxIndex>(sp => sp.GetRequiredService<NodeApiAdapter>());
        services.AddSingleton<IStateQuery>(sp => sp.GetRequiredService<NodeApiAdapter>());
        services.AddSingleton<ILightBlockSource, NodeLightBlockAdapter>();
        services.AddSingleton<ITxMempool, NodeMempoolAdapter>();
        services.AddSingleton<HostedPeerService>();
        services.AddHostedService<NodeHostedService>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        return services;
    }

    /// <summary>
    /// Adds a node to a web application: binds <see cref="PhoenixNodeOptions"/> from the <c>Phoenix:Node</c> section of
    /// the builder's configuration, applies <paramref name="configure"/>, listens on
    /// <see cref="PhoenixNodeOptions.ListenUrl"/> (HTTP/2, one port for peers, the API and blobs) and registers the node.
    /// Then call <c>app.MapPhoenixNode()</c>.
    /// </summary>
    /// <param name="builder">The web application builder.</param>
    /// <param name="configure">Changes to the bound settings, or <see langword="null"/>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static WebApplicationBuilder AddPhoenixNode(this WebApplicationBuilder builder, Action<PhoenixNodeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PhoenixNodeOptions();
        builder.Configuration.GetSection(PhoenixNodeOptions.SectionName).Bind(options);
        configure?.Invoke(options);
        var url = new Uri(options.ListenUrl);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            void Http2(ListenOptions l) => l.Protocols = HttpProtocols.Http2;
            if (string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                k.Listen(IPAddress.Loopback, url.Port, Http2);
            }
            else if (IPAddress.TryParse(url.Host, out var ip))
            {
                k.Listen(ip, url.Port, Http2);
            }
            else
            {
                k.ListenAnyIP(url.Port, Http2);
            }
        });
        builder.Services.AddPhoenixNode(options);
        return builder;
    }
}
