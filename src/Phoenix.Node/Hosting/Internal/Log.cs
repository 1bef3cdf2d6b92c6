using Microsoft.Extensions.Logging;
using Phoenix.Node.Diagnostics;

namespace Phoenix.Node.Hosting.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = PhoenixEventId.HostNodeStarted, EventName = "HostNodeStarted", Level = LogLevel.Information,
        Message = "Node {Moniker} ({NodeId}) started on chain {ChainId} at height {Height} with {Peers} configured peers")]
    public static partial void NodeStarted(ILogger logger, string moniker, string nodeId, string chainId, long height, int peers);

    [LoggerMessage(EventId = PhoenixEventId.HostNodeStopped, EventName = "HostNodeStopped", Level = LogLevel.Information,
        Message = "Node {Moniker} stopped at height {Height}")]
    public static partial void NodeStopped(ILogger logger, string moniker, long height);

    [LoggerMessage(EventId = PhoenixEventId.HostBlockCommitted, EventName = "HostBlockCommitted", Level = LogLevel.Debug,
        Message = "Committed height {Height} round {Round}: {TxCount} txs, app hash {AppHash}")]
    public static partial void BlockCommitted(ILogger logger, long height, int round, int txCount, HexBytes appHash);

    [LoggerMessage(EventId = PhoenixEventId.HostStartRefused, EventName = "HostStartRefused", Level = LogLevel.Critical,
        Message = "Node {Moniker} refused to start: {Reason}")]
    public static partial void StartRefused(ILogger logger, Exception exception, string moniker, string reason);

    [LoggerMessage(EventId = PhoenixEventId.HostReplayed, EventName = "HostReplayed", Level = LogLevel.Information,
        Message = "Replayed blocks {From}..{To} from the block store into the application")]
    public static partial void Replayed(ILogger logger, long from, long to);

    [LoggerMessage(EventId = PhoenixEventId.HostPeerTxsDropped, EventName = "HostPeerTxsDropped", Level = LogLevel.Warning,
        Message = "Dropped {Count} transactions gossiped by {Peer}: admission is behind")]
    public static partial void PeerTxsDropped(ILogger logger, string peer, int count);
}
