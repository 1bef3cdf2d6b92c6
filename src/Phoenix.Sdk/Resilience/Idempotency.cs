namespace Phoenix.Sdk.Resilience;

/// <summary>Whether a node call may safely be sent more than once.</summary>
public enum Idempotency
{
    /// <summary>Repeating the call has no further effect (queries, or a broadcast keyed by its transaction
    /// hash): retried after transient failures.</summary>
    Idempotent,

    /// <summary>Repeating the call could apply it twice: never retried once it may have reached a node. It
    /// still fails over to another endpoint when the chosen one's circuit breaker is open, because the
    /// call was then not sent.</summary>
    NotIdempotent,
}
