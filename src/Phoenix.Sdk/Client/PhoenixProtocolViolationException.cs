namespace Phoenix.Sdk;

/// <summary>A node's answer breaks the API contract (a hash of the wrong length, a missing field).</summary>
/// <remarks>Not transient for that node; another node may answer correctly.</remarks>
public sealed class PhoenixProtocolViolationException : PhoenixException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="detail">What was wrong with the answer.</param>
    public PhoenixProtocolViolationException(string detail)
        : base($"The node's answer is malformed: {detail}. The node may run an incompatible version; try another node.")
    {
        Detail = detail;
    }

    /// <summary>What was wrong with the answer.</summary>
    public string Detail { get; }

    /// <inheritdoc />
    /// <value>Always <see langword="false"/>.</value>
    public override bool IsTransient => false;
}
