using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Phoenix.Node.CometBft;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CometBFT ABCI front end.</summary>
public static class CometBftServiceCollectionExtensions
{
    /// <summary>
    /// Serves the registered <see cref="Phoenix.Protocol.Abci.IAbciApplication"/> to a CometBFT node
    /// while the host runs. Calling it again only adds another <paramref name="configure"/> step;
    /// one server is started.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets address, transport, version and limits.</param>
    /// <returns>The services, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddCometBftAbciServer(this IServiceCollection services, Action<CometBftOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CometBftOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<CometBftAbciHostedService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CometBftAbciHostedService>(sp => sp.GetRequiredService<CometBftAbciHostedService>()));
        return services;
    }
}
