using Phoenix.Protocol.Results;

namespace Phoenix.Protocol.Application;

/// <summary>Result codes of <see cref="PhoenixApplication.Query"/> (codespace <c>query</c>). Never reused.</summary>
public static class QueryErrors
{
    /// <summary>The codespace name.</summary>
    public const string Codespace = "query";

    /// <summary>The path is not known.</summary>
    public static ResultCode UnknownPath { get; } = new(Codespace, 1, "unknown_path");

    /// <summary>The path's parameters or the data are malformed.</summary>
    public static ResultCode InvalidRequest { get; } = new(Codespace, 2, "invalid_request");

    /// <summary>No committed state at that height.</summary>
    public static ResultCode HeightNotAvailable { get; } = new(Codespace, 3, "height_not_available");
}
