using Microsoft.Extensions.Logging;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>Log messages of the CometBFT front end (event ids 1900–1949, inside the Node consensus range).</summary>
internal static partial class CometBftLog
{
    [LoggerMessage(EventId = 1900, EventName = "AbciServerStarted", Level = LogLevel.Information, Message = "ABCI {Transport} server for CometBFT {Version} listening on {Address}")]
    public static partial void Started(ILogger logger, AbciTransport transport, AbciProtocolVersion version, string address);

    [LoggerMessage(EventId = 1901, EventName = "AbciServerStopped", Level = LogLevel.Information, Message = "ABCI server on {Address} stopped")]
    public static partial void Stopped(ILogger logger, string address);

    [LoggerMessage(EventId = 1902, EventName = "AbciConnectionOpened", Level = LogLevel.Debug, Message = "ABCI connection {ConnectionId} opened")]
    public static partial void ConnectionOpened(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 1903, EventName = "AbciConnectionClosed", Level = LogLevel.Debug, Message = "ABCI connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 1904, EventName = "AbciMalformedFrame", Level = LogLevel.Warning, Message = "Malformed ABCI frame, answering Response.exception and closing the connection: {Reason}")]
    public static partial void MalformedFrame(ILogger logger, string reason);

    [LoggerMessage(EventId = 1905, EventName = "AbciCallRejected", Level = LogLevel.Warning, Message = "ABCI {Method} rejected without calling the application: {Reason}")]
    public static partial void CallRejected(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 1906, EventName = "AbciApplicationFault", Level = LogLevel.Error, Message = "The application threw during ABCI {Method}")]
    public static partial void ApplicationFault(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 1907, EventName = "AbciConnectionFault", Level = LogLevel.Warning, Message = "ABCI connection {ConnectionId} failed")]
    public static partial void ConnectionFault(ILogger logger, long connectionId, Exception exception);
}
