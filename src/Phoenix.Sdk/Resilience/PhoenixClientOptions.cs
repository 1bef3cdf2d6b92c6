using System.Globalization;

namespace Phoenix.Sdk;

/// <summary>
/// Connection and resilience settings of a Phoenix client: which nodes to talk to, how long a call
/// may take, how often idempotent calls are retried and when a node is taken out of rotation.
/// </summary>
/// <remarks>
/// These are local settings, not protocol parameters. Call <see cref="Validate"/> (or register
/// <see cref="Resilience.PhoenixClientOptionsValidator"/> with <c>ValidateOnStart</c>) to get every
/// problem at once.
/// </remarks>
public sealed class PhoenixClientOptions
{
    /// <summary>The node gRPC endpoints (absolute http or https URIs), in order of preference.</summary>
    /// <value>Empty by default; at least one is required.</value>
    public IList<Uri> Endpoints { get; } = new List<Uri>();

    /// <summary>The timeout of one attempt of a call (each retry gets a fresh one).</summary>
    /// <value>The default is 10 seconds. Allowed: 10 ms to 10 minutes.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many times an idempotent call is retried after a transient failure (0 disables retries).
    /// Non-idempotent calls (such as a broadcast that is not keyed by its transaction hash) are never retried.</summary>
    /// <value>The default is 3. Allowed: 0 to 10.</value>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The base of the exponential back-off between retries (jittered, so concurrent clients spread out).</summary>
    /// <value>The default is 200 ms. Allowed: 0 to 1 minute.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two retries.</summary>
    /// <value>The default is 5 seconds. Must be at least <see cref="RetryBaseDelay"/> and at most 10 minutes.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The share of failed calls to one endpoint, within <see cref="CircuitBreakerSamplingDuration"/>,
    /// that opens its circuit breaker (the endpoint is then skipped for <see cref="CircuitBreakerBreakDuration"/>).</summary>
    /// <value>The default is 0.5. Allowed: above 0, up to 1.</value>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>How many calls to an endpoint within the sampling window are needed before its breaker may open.</summary>
    /// <value>The default is 5. Allowed: 2 to 1000.</value>
    public int CircuitBreakerMinimumThroughput { get; set; } = 5;

    /// <summary>The window over which failures are counted for the breaker.</summary>
    /// <value>The default is 30 seconds. Allowed: 0.5 seconds to 1 day.</value>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an endpoint whose breaker opened is skipped before one trial call is let through.</summary>
    /// <value>The default is 30 seconds. Allowed: 0.5 seconds to 1 day.</value>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks every setting and returns all problems found.</summary>
    /// <returns>One message per problem; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Endpoints.Count == 0)
        {
            errors.Add("Endpoints: at least one node endpoint is required.");
        }

        var seen = new HashSet<Uri>();
        foreach (var endpoint in Endpoints)
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Endpoints: '{endpoint}' is not an absolute http or https URI."));
            }
            else if (!seen.Add(endpoint))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Endpoints: '{endpoint}' is listed twice."));
            }
        }

        Check(errors, RequestTimeout >= TimeSpan.FromMilliseconds(10) && RequestTimeout <= TimeSpan.FromMinutes(10), nameof(RequestTimeout), "must be between 10 ms and 10 minutes");
        Check(errors, MaxRetryAttempts is >= 0 and <= 10, nameof(MaxRetryAttempts), "must be between 0 and 10");
        Check(errors, RetryBaseDelay >= TimeSpan.Zero && RetryBaseDelay <= TimeSpan.FromMinutes(1), nameof(RetryBaseDelay), "must be between 0 and 1 minute");
        Check(errors, RetryMaxDelay >= RetryBaseDelay && RetryMaxDelay <= TimeSpan.FromMinutes(10), nameof(RetryMaxDelay), "must be at least RetryBaseDelay and at most 10 minutes");
        Check(errors, CircuitBreakerFailureRatio > 0 && CircuitBreakerFailureRatio <= 1, nameof(CircuitBreakerFailureRatio), "must be above 0 and at most 1");
        Check(errors, CircuitBreakerMinimumThroughput is >= 2 and <= 1000, nameof(CircuitBreakerMinimumThroughput), "must be between 2 and 1000");
        Check(errors, CircuitBreakerSamplingDuration >= TimeSpan.FromMilliseconds(500) && CircuitBreakerSamplingDuration <= TimeSpan.FromDays(1), nameof(CircuitBreakerSamplingDuration), "must be between 0.5 seconds and 1 day");
        Check(errors, CircuitBreakerBreakDuration >= TimeSpan.FromMilliseconds(500) && CircuitBreakerBreakDuration <= TimeSpan.FromDays(1), nameof(CircuitBreakerBreakDuration), "must be between 0.5 seconds and 1 day");
        return errors;
    }

    private static void Check(List<string> errors, bool ok, string name, string rule)
    {
        if (!ok)
        {
            errors.Add($"{name}: {rule}.");
        }
    }
}
