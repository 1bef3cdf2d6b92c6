using Phoenix.Sdk.Internal;

namespace Phoenix.Sdk;

/// <summary>
/// Every configured node endpoint has an open circuit breaker, so the call was not sent anywhere.
/// </summary>
/// <remarks>Transient: breakers close again after their break duration.</remarks>
public sealed class NoHealthyEndpointException : PhoenixException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="endpointCount">How many endpoints are configured.</param>
    /// <param name="innerException">The last breaker rejection, if any.</param>
    public NoHealthyEndpointException(int endpointCount, Exception? innerException = null)
        : base(ExceptionMessages.NoHealthyEndpoint(endpointCount), innerException)
    {
        EndpointCount = endpointCount;
    }

    /// <summary>How many endpoints are configured.</summary>
    public int EndpointCount { get; }

    /// <inheritdoc />
    /// <value>Always <see langword="true"/>.</value>
    public override bool IsTransient => true;
}
