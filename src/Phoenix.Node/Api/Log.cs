using Microsoft.Extensions.Logging;
using Phoenix.Node.Diagnostics;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Api;

internal static partial class Log
{
    [LoggerMessage(EventId = PhoenixEventId.ApiTxBroadcast, EventName = "ApiTxBroadcast", Level = LogLevel.Debug, Message = "Broadcast tx {TxHash}: {Status}")]
    public static partial void Broadcast(ILogger logger, Hash32 txHash, Phoenix.Node.Mempool.MempoolAdmissionStatus status);

    [LoggerMessage(EventId = PhoenixEventId.ApiSubscriberLagging, EventName = "ApiSubscriberLagging", Level = LogLevel.Warning, Message = "Dropped event subscriber {Peer}: it fell behind")]
    public static partial void SubscriberLagging(ILogger logger, string peer);

    [LoggerMessage(EventId = PhoenixEventId.ApiBroadcastCommitTimeout, EventName = "ApiBroadcastCommitTimeout", Level = LogLevel.Information, Message = "Tx {TxHash} was not committed within {Timeout}")]
    public static partial void CommitTimeout(ILogger logger, Hash32 txHash, TimeSpan timeout);
}
