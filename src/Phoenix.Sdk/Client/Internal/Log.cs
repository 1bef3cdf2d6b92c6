using Microsoft.Extensions.Logging;

namespace Phoenix.Sdk.Client.Internal;

/// <summary>Client log messages (event ids 6200-6299).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6201, EventName = "EventStreamInterrupted", Level = LogLevel.Warning,
        Message = "The event stream from {Endpoint} was interrupted after height {Height}; reconnecting")]
    public static partial void EventStreamInterrupted(ILogger logger, Uri endpoint, long height, Exception? exception);

    [LoggerMessage(EventId = 6202, EventName = "EventStreamResumed", Level = LogLevel.Information,
        Message = "The event stream resumed on {Endpoint}; filling the gap from height {Height}")]
    public static partial void EventStreamResumed(ILogger logger, Uri endpoint, long height);

    [LoggerMessage(EventId = 6203, EventName = "BlobDownloadResumed", Level = LogLevel.Information,
        Message = "Blob {ContentId} download resumes at offset {Offset}")]
    public static partial void BlobDownloadResumed(ILogger logger, Phoenix.Protocol.Primitives.Hash32 contentId, long offset);
}
