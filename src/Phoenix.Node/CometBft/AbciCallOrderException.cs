namespace Phoenix.Node.CometBft;

/// <summary>
/// A consensus-connection call arrived out of CometBFT's documented order (for example
/// <c>Commit</c> without a preceding <c>FinalizeBlock</c>). The application is not called, so its
/// state is untouched; the caller gets an error response (a socket <c>Response.exception</c>, or
/// gRPC status <c>FailedPrecondition</c>).
/// </summary>
public sealed class AbciCallOrderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AbciCallOrderException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Which call was out of order and why.</param>
    public AbciCallOrderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">Which call was out of order and why.</param>
    /// <param name="innerException">The cause.</param>
    public AbciCallOrderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
