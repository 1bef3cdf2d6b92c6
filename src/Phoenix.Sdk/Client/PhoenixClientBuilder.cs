using Microsoft.Extensions.Logging;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Client;

/// <summary>
/// Configures and builds a <see cref="PhoenixClient"/> without dependency injection
/// (with DI, use <c>services.AddPhoenixClient(...)</c>, which uses this builder).
/// </summary>
/// <example>
/// <code>
/// using var client = new PhoenixClientBuilder()
///     .AddEndpoint(new Uri("http://127.0.0.1:26660"))
///     .Build();
/// var status = await client.GetStatusAsync(cancellationToken);
/// </code>
/// </example>
/// <remarks>Not thread-safe; the built client is immutable and thread-safe.</remarks>
public sealed class PhoenixClientBuilder
{
    private readonly PhoenixClientOptions _options = new();
    private TimeProvider _timeProvider = TimeProvider.System;
    private ILoggerFactory? _loggerFactory;
    private ITrustedAppHashSource? _trusted;
    private HttpMessageHandler? _handler;
    private Amount _defaultFee = new(10_000, Denom.Phnx);

    /// <summary>Adds a node endpoint (in order of preference).</summary>
    /// <param name="endpoint">An absolute http or https URI of a node's gRPC API.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is <see langword="null"/>.</exception>
    public PhoenixClientBuilder AddEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _options.Endpoints.Add(endpoint);
        return this;
    }

    /// <summary>Changes the resilience and connection settings.</summary>
    /// <param name="configure">Edits the options (endpoints may be added here too).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public PhoenixClientBuilder Configure(Action<PhoenixClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_options);
        return this;
    }

    /// <summary>Sets the clock for timeouts, back-off and circuit breakers.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is <see langword="null"/>.</exception>
    public PhoenixClientBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        return this;
    }

    /// <summary>Sets where the client and its gRPC channels log.</summary>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loggerFactory"/> is <see langword="null"/>.</exception>
    public PhoenixClientBuilder UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    /// <summary>Checks every state query's proof against app hashes from <paramref name="source"/> (light-client mode).</summary>
    /// <param name="source">Verified app hashes by height.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public PhoenixClientBuilder UseTrustedAppHashSource(ITrustedAppHashSource source)
    {
        _trusted = source ?? throw new ArgumentNullException(nameof(source));
        return this;
    }

    /// <summary>Sets the fee <see cref="PhoenixClient.TransferAsync"/> pays.</summary>
    /// <param name="fee">The fee, in PHNX or SPARK.</param>
    /// <returns>This builder.</returns>
    /// <remarks>The default is 10,000 uphnx (0.01 PHNX); nodes set their own minimum.</remarks>
    /// <exception cref="ArgumentException">The fee is in bTASK.</exception>
    public PhoenixClientBuilder WithDefaultFee(Amount fee)
    {
        if (fee.Denom == Denom.BTask)
        {
            throw new ArgumentException("Fees are paid in PHNX or SPARK.", nameof(fee));
        }

        _defaultFee = fee;
        return this;
    }

    /// <summary>Uses a custom HTTP handler for every channel (for example to add TLS client certificates). The caller keeps ownership.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    public PhoenixClientBuilder UseHttpHandler(HttpMessageHandler handler)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        return this;
    }

    /// <summary>Builds the client. The builder's later changes do not affect it.</summary>
    /// <returns>The client; dispose it when done.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid (every problem listed).</exception>
    public PhoenixClient Build()
    {
        var snapshot = new PhoenixClientOptions
        {
            RequestTimeout = _options.RequestTimeout,
            MaxRetryAttempts = _options.MaxRetryAttempts,
            RetryBaseDelay = _options.RetryBaseDelay,
            RetryMaxDelay = _options.RetryMaxDelay,
            CircuitBreakerFailureRatio = _options.CircuitBreakerFailureRatio,
            CircuitBreakerMinimumThroughput = _options.CircuitBreakerMinimumThroughput,
            CircuitBreakerSamplingDuration = _options.CircuitBreakerSamplingDuration,
            CircuitBreakerBreakDuration = _options.CircuitBreakerBreakDuration,
        };
        foreach (var endpoint in _options.Endpoints)
        {
            snapshot.Endpoints.Add(endpoint);
        }

        return new PhoenixClient(snapshot, _timeProvider, _loggerFactory, _trusted, _defaultFee, _handler);
    }

    /// <summary>Builds a client from options (used by dependency injection).</summary>
    internal static PhoenixClient Build(PhoenixClientOptions options, TimeProvider timeProvider, ILoggerFactory? loggerFactory, ITrustedAppHashSource? trusted)
    {
        var builder = new PhoenixClientBuilder().Configure(o => Copy(options, o)).UseTimeProvider(timeProvider);
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        if (trusted is not null)
        {
            builder.UseTrustedAppHashSource(trusted);
        }

        return builder.Build();
    }

    private static void Copy(PhoenixClientOptions from, PhoenixClientOptions to)
    {
        foreach (var e in from.Endpoints)
        {
            to.Endpoints.Add(e);
        }

        to.RequestTimeout = from.RequestTimeout;
        to.MaxRetryAttempts = from.MaxRetryAttempts;
        to.RetryBaseDelay = from.RetryBaseDelay;
        to.RetryMaxDelay = from.RetryMaxDelay;
        to.CircuitBreakerFailureRatio = from.CircuitBreakerFailureRatio;
        to.CircuitBreakerMinimumThroughput = from.CircuitBreakerMinimumThroughput;
        to.CircuitBreakerSamplingDuration = from.CircuitBreakerSamplingDuration;
        to.CircuitBreakerBreakDuration = from.CircuitBreakerBreakDuration;
    }
}
