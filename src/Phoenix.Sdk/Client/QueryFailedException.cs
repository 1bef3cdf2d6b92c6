namespace Phoenix.Sdk;

/// <summary>A node answered a state query with a failure code (an unknown path, a malformed request, a height it does not hold).</summary>
/// <remarks>Not transient, except <see cref="Phoenix.Protocol.Application.QueryErrors.HeightNotAvailable"/>
/// for a height the node has not committed yet.</remarks>
public sealed class QueryFailedException : PhoenixException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The query path.</param>
    /// <param name="code">The node's code.</param>
    /// <param name="codespace">The code's codespace.</param>
    /// <param name="log">The node's explanation.</param>
    public QueryFailedException(string path, uint code, string codespace, string log)
        : base($"The node refused query '{path}' with {codespace}/{code}: {log} Check the path and height.")
    {
        Path = path;
        Code = code;
        Codespace = codespace;
        Log = log;
    }

    /// <summary>The query path.</summary>
    public string Path { get; }

    /// <summary>The node's code.</summary>
    public uint Code { get; }

    /// <summary>The codespace of <see cref="Code"/>.</summary>
    public string Codespace { get; }

    /// <summary>The node's explanation.</summary>
    public string Log { get; }

    /// <inheritdoc />
    public override bool IsTransient =>
        Codespace == Phoenix.Protocol.Application.QueryErrors.Codespace && Code == Phoenix.Protocol.Application.QueryErrors.HeightNotAvailable.Code;
}
