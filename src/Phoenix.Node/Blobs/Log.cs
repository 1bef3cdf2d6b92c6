using Microsoft.Extensions.Logging;
using Phoenix.Node.Diagnostics;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Blobs;

internal static partial class Log
{
    [LoggerMessage(EventId = PhoenixEventId.BlobUploaded, EventName = "BlobUploaded", Level = LogLevel.Debug, Message = "Stored blob {BlobId} ({Size} bytes)")]
    public static partial void Uploaded(ILogger logger, Hash32 blobId, long size);

    [LoggerMessage(EventId = PhoenixEventId.BlobIntegrityFailure, EventName = "BlobIntegrityFailure", Level = LogLevel.Warning, Message = "Blob {BlobId} from {Source} failed its integrity check: the bytes hash to {Actual}")]
    public static partial void IntegrityFailure(ILogger logger, Hash32 blobId, string source, Hash32 actual);

    [LoggerMessage(EventId = PhoenixEventId.BlobFetchedFromPeer, EventName = "BlobFetchedFromPeer", Level = LogLevel.Information, Message = "Fetched blob {BlobId} ({Size} bytes) from peer {Peer}")]
    public static partial void FetchedFromPeer(ILogger logger, Hash32 blobId, long size, string peer);

    [LoggerMessage(EventId = PhoenixEventId.BlobPeerFailed, EventName = "BlobPeerFailed", Level = LogLevel.Debug, Message = "Peer {Peer} could not serve blob {BlobId}: {Reason}")]
    public static partial void PeerFailed(ILogger logger, string peer, Hash32 blobId, string reason);

    [LoggerMessage(EventId = PhoenixEventId.StoredBlobDamaged, EventName = "StoredBlobDamaged", Level = LogLevel.Error, Message = "Blob {BlobId} in {Store} is damaged and was removed (it will not be served): {Detail}")]
    public static partial void StoredBlobDamaged(ILogger logger, Hash32 blobId, string store, string detail);

    [LoggerMessage(EventId = PhoenixEventId.BlobPinsRestored, EventName = "BlobPinsRestored", Level = LogLevel.Information, Message = "Blob pins at start: {Owners} owners restored from the journal, {Tasks} unfinished tasks pinned from chain state, {Released} ended owners released")]
    public static partial void PinsRestored(ILogger logger, int owners, int tasks, int released);
}
