namespace Phoenix.Sdk;

/// <summary>
/// The base of every exception the Phoenix SDK throws for a failure that is not a programming error.
/// </summary>
/// <remarks>
/// <para>
/// Policy (the same for every derived type): <see cref="IsTransient"/> is <see langword="true"/> only
/// when repeating the same call, unchanged, may succeed (a node restarting, a timeout, an overloaded
/// node). The SDK's resilience pipeline retries idempotent calls on transient failures and never on
/// anything else. Every message ends with what to do about the failure.
/// </para>
/// <para>
/// Misuse of the API (a <see langword="null"/> argument, a value out of range) is reported with the
/// standard <see cref="ArgumentException"/> family instead, and cancellation with
/// <see cref="OperationCanceledException"/>.
/// </para>
/// </remarks>
public abstract class PhoenixException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    protected PhoenixException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Whether repeating the same call unchanged may succeed (for example after a node restart or a
    /// timeout). <see langword="false"/> means retrying cannot help: change the request instead.
    /// </summary>
    public abstract bool IsTransient { get; }
}
