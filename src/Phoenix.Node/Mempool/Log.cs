using Microsoft.Extensions.Logging;
using Phoenix.Node.Diagnostics;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Mempool;

internal static partial class Log
{
    [LoggerMessage(EventId = PhoenixEventId.MempoolTxAccepted, EventName = "MempoolTxAccepted", Level = LogLevel.Debug, Message = "Admitted tx {TxHash} (priority {Priority}, {Count} in mempool)")]
    public static partial void Accepted(ILogger logger, Hash32 txHash, long priority, int count);

    [LoggerMessage(EventId = PhoenixEventId.MempoolTxRejected, EventName = "MempoolTxRejected", Level = LogLevel.Debug, Message = "Rejected tx {TxHash}: code {Code} ({Codespace}) {Reason}")]
    public static partial void Rejected(ILogger logger, Hash32 txHash, uint code, string codespace, string reason);

    [LoggerMessage(EventId = PhoenixEventId.MempoolTxEvicted, EventName = "MempoolTxEvicted", Level = LogLevel.Debug, Message = "Evicted tx {TxHash} (priority {Priority}) for a higher-priority one")]
    public static partial void Evicted(ILogger logger, Hash32 txHash, long priority);

    [LoggerMessage(EventId = PhoenixEventId.MempoolRechecked, EventName = "MempoolRechecked", Level = LogLevel.Debug, Message = "Mempool updated to height {Height}: {Committed} committed, {Removed} failed re-check, {Remaining} remain")]
    public static partial void Rechecked(ILogger logger, long height, int committed, int removed, int remaining);

    [LoggerMessage(EventId = PhoenixEventId.MempoolFull, EventName = "MempoolFull", Level = LogLevel.Debug, Message = "Mempool full ({Count} txs, {Bytes} bytes): refused tx {TxHash}")]
    public static partial void Full(ILogger logger, int count, long bytes, Hash32 txHash);

    [LoggerMessage(EventId = PhoenixEventId.MempoolGossipDropped, EventName = "MempoolGossipDropped", Level = LogLevel.Warning, Message = "Gossip queue full: dropped tx {TxHash} from the gossip queue (it stays in the mempool)")]
    public static partial void GossipDropped(ILogger logger, Hash32 txHash);
}
