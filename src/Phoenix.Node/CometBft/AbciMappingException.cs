namespace Phoenix.Node.CometBft;

/// <summary>
/// A CometBFT wire message could not be mapped onto the application's ABCI types (for example a
/// validator update with a key type Phoenix does not support). The request is answered with an
/// error and the application is not called.
/// </summary>
public sealed class AbciMappingException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AbciMappingException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What could not be mapped.</param>
    public AbciMappingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What could not be mapped.</param>
    /// <param name="innerException">The cause.</param>
    public AbciMappingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
