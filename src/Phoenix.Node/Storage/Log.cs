using Microsoft.Extensions.Logging;
using Phoenix.Node.Diagnostics;

namespace Phoenix.Node.Storage;

internal static partial class Log
{
    [LoggerMessage(EventId = PhoenixEventId.StoreOpened, EventName = "StoreOpened", Level = LogLevel.Information, Message = "Opened {Kind} store at {Path} (verified {Entries} entries)")]
    public static partial void StoreOpened(ILogger logger, string kind, string path, long entries);

    [LoggerMessage(EventId = PhoenixEventId.StoreCreated, EventName = "StoreCreated", Level = LogLevel.Information, Message = "Created {Kind} store at {Path}")]
    public static partial void StoreCreated(ILogger logger, string kind, string path);

    [LoggerMessage(EventId = PhoenixEventId.StoreCorrupted, EventName = "StoreCorrupted", Level = LogLevel.Critical, Message = "Store at {Path} is corrupted: {Detail}")]
    public static partial void StoreCorrupted(ILogger logger, string path, string detail);

    [LoggerMessage(EventId = PhoenixEventId.BlockSaved, EventName = "BlockSaved", Level = LogLevel.Debug, Message = "Saved block {Height} ({Bytes} bytes)")]
    public static partial void BlockSaved(ILogger logger, long height, int bytes);

    [LoggerMessage(EventId = PhoenixEventId.BlocksPruned, EventName = "BlocksPruned", Level = LogLevel.Information, Message = "Pruned {Count} blocks below height {RetainHeight}")]
    public static partial void BlocksPruned(ILogger logger, int count, long retainHeight);
}
