using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Phoenix.Sdk;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Resilience;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Phoenix client with dependency injection.</summary>
public static class PhoenixClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="PhoenixClient"/> configured by <paramref name="configure"/>, with
    /// <see cref="PhoenixClientOptions"/> validated at start. Calling it again only adds the configuration.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options (endpoints, timeouts, retries).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <remarks>The client takes <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/> and an optional
    /// <see cref="ITrustedAppHashSource"/> from the container (<see cref="TimeProvider.System"/> when none is registered).</remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddPhoenixClient(this IServiceCollection services, Action<PhoenixClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services).Configure(configure);
        return services;
    }

    /// <summary>
    /// Registers a singleton <see cref="PhoenixClient"/> bound to a configuration section (for example
    /// <c>Phoenix:Client</c> with <c>Endpoints:0</c>, <c>RequestTimeout</c>, ...), validated at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <see cref="PhoenixClientOptions"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddPhoenixClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services).Configure(options => Bind(configuration, options));
        return services;
    }

    private static OptionsBuilder<PhoenixClientOptions> AddCore(IServiceCollection services)
    {
        var builder = services.AddOptions<PhoenixClientOptions>();
        if (services.Any(d => d.ServiceType == typeof(PhoenixClientMarker)))
        {
            return builder;
        }

        services.AddSingleton<PhoenixClientMarker>();
        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PhoenixClientOptions>, PhoenixClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => PhoenixClientBuilder.Build(
            sp.GetRequiredService<IOptions<PhoenixClientOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<ITrustedAppHashSource>()));
        return builder;
    }

    // PhoenixClientOptions.Endpoints is a get-only list of Uri and the timeouts are TimeSpans: bind by hand
    // so the package needs no reflection-based binder.
    private static void Bind(IConfiguration section, PhoenixClientOptions options)
    {
        foreach (var child in section.GetSection(nameof(PhoenixClientOptions.Endpoints)).GetChildren())
        {
            if (!string.IsNullOrWhiteSpace(child.Value))
            {
                options.Endpoints.Add(Uri.TryCreate(child.Value, UriKind.Absolute, out var uri) ? uri : new Uri("invalid:" + child.Value));
            }
        }

        ReadTime(section, nameof(options.RequestTimeout), v => options.RequestTimeout = v);
        ReadTime(section, nameof(options.RetryBaseDelay), v => options.RetryBaseDelay = v);
        ReadTime(section, nameof(options.RetryMaxDelay), v => options.RetryMaxDelay = v);
        ReadTime(section, nameof(options.CircuitBreakerSamplingDuration), v => options.CircuitBreakerSamplingDuration = v);
        ReadTime(section, nameof(options.CircuitBreakerBreakDuration), v => options.CircuitBreakerBreakDuration = v);
        if (section[nameof(options.MaxRetryAttempts)] is { } retries)
        {
            options.MaxRetryAttempts = int.Parse(retries, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (section[nameof(options.CircuitBreakerMinimumThroughput)] is { } throughput)
        {
            options.CircuitBreakerMinimumThroughput = int.Parse(throughput, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (section[nameof(options.CircuitBreakerFailureRatio)] is { } ratio)
        {
            options.CircuitBreakerFailureRatio = double.Parse(ratio, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static void ReadTime(IConfiguration section, string key, Action<TimeSpan> set)
    {
        if (section[key] is { } text)
        {
            set(TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private sealed class PhoenixClientMarker;
}
