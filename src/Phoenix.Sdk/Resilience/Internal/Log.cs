using Microsoft.Extensions.Logging;

namespace Phoenix.Sdk.Resilience.Internal;

/// <summary>Resilience log events. Event ids 6100–6199 are reserved for Phoenix.Sdk resilience; never reuse one.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6101, EventName = "RetryScheduled", Level = LogLevel.Debug,
        Message = "Retrying a node call (attempt {Attempt}) in {DelayMs} ms after a transient failure")]
    public static partial void RetryScheduled(ILogger logger, int attempt, double delayMs, Exception? exception);

    [LoggerMessage(EventId = 6102, EventName = "EndpointSwitched", Level = LogLevel.Information,
        Message = "Switching node endpoint from {From} to {To}")]
    public static partial void EndpointSwitched(ILogger logger, Uri from, Uri to);

    [LoggerMessage(EventId = 6103, EventName = "CircuitOpened", Level = LogLevel.Warning,
        Message = "Circuit breaker opened for node endpoint {Endpoint} for {BreakMs} ms")]
    public static partial void CircuitOpened(ILogger logger, Uri endpoint, double breakMs);

    [LoggerMessage(EventId = 6104, EventName = "CircuitClosed", Level = LogLevel.Information,
        Message = "Circuit breaker closed for node endpoint {Endpoint}")]
    public static partial void CircuitClosed(ILogger logger, Uri endpoint);
}
