using Phoenix.Sdk.Internal;

namespace Phoenix.Sdk;

/// <summary>A call to a node did not complete within the per-call timeout.</summary>
/// <remarks>Transient: the resilience pipeline retries idempotent calls that time out.</remarks>
public sealed class PhoenixTimeoutException : PhoenixException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="timeout">The timeout that elapsed.</param>
    /// <param name="endpoint">The node endpoint that was called.</param>
    /// <param name="innerException">The underlying timeout, if any.</param>
    public PhoenixTimeoutException(TimeSpan timeout, Uri endpoint, Exception? innerException = null)
        : base(ExceptionMessages.Timeout(timeout, endpoint?.ToString() ?? throw new ArgumentNullException(nameof(endpoint))), innerException)
    {
        Timeout = timeout;
        Endpoint = endpoint;
    }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The node endpoint that was called.</summary>
    public Uri Endpoint { get; }

    /// <inheritdoc />
    /// <value>Always <see langword="true"/>.</value>
    public override bool IsTransient => true;
}
