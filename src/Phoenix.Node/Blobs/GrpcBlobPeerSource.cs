using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Blobs;

/// <summary>
/// An <see cref="IBlobPeerSource"/> that downloads from other nodes' <c>BlobService</c> over gRPC, peer by
/// peer. An interrupted download resumes at the next peer from the bytes already received; a blob that
/// does not hash to its id is discarded and fetched again from the next peer.
/// </summary>
/// <remarks>Thread-safe. Asks peers with <c>local_only</c> so that nodes never fetch in a loop.</remarks>
public sealed class GrpcBlobPeerSource : IBlobPeerSource, IDisposable
{
    private readonly (string Name, BlobService.BlobServiceClient Client)[] _peers;
    private readonly GrpcChannel[] _owned;
    private readonly ILogger _logger;

    /// <summary>Creates a source that dials the given peer addresses (for example <c>http://10.0.0.2:26660</c>).</summary>
    /// <param name="peerAddresses">The peers' API addresses, tried in order.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public GrpcBlobPeerSource(IEnumerable<Uri> peerAddresses, ILogger<GrpcBlobPeerSource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(peerAddresses);
        _owned = peerAddresses.Select(a => GrpcChannel.ForAddress(a)).ToArray();
        _peers = _owned.Select(c => (c.Target, new BlobService.BlobServiceClient(c))).ToArray();
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Creates a source over existing clients (not disposed by this source).</summary>
    /// <param name="peers">Peer names and their clients, tried in order.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public GrpcBlobPeerSource(IEnumerable<KeyValuePair<string, BlobService.BlobServiceClient>> peers, ILogger<GrpcBlobPeerSource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(peers);
        _peers = peers.Select(p => (p.Key, p.Value)).ToArray();
        _owned = [];
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>?> TryFetchAsync(Hash32 id, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        using var buffer = new MemoryStream();
        long expectedSize = -1;
        foreach (var (name, client) in _peers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var request = new DownloadBlobRequest { Id = ByteString.CopyFrom(id.ToArray()), Offset = buffer.Length, LocalOnly = true };
                using var call = client.Download(request, cancellationToken: cancellationToken);
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (expectedSize < 0)
                    {
                        expectedSize = chunk.TotalSize;
                    }

                    if (chunk.TotalSize != expectedSize || chunk.TotalSize > maxBytes || chunk.Offset != buffer.Length
                        || buffer.Length + chunk.Data.Length > expectedSize)
                    {
                        throw new InvalidDataException($"inconsistent chunk (offset {chunk.Offset}, total {chunk.TotalSize}, held {buffer.Length}, limit {maxBytes})");
                    }

                    buffer.Write(chunk.Data.Span);
                }

                if (buffer.Length != expectedSize)
                {
                    throw new InvalidDataException($"stream ended at {buffer.Length} of {expectedSize} bytes");
                }

                var bytes = buffer.ToArray();
                var actual = new Hash32(SHA256.HashData(bytes));
                if (actual == id)
                {
                    Log.FetchedFromPeer(_logger, id, bytes.Length, name);
                    return bytes;
                }

                Log.IntegrityFailure(_logger, id, name, actual);
                Restart(buffer, ref expectedSize);
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
            {
                // Keep what was received (it resumes at the next peer) unless this peer lied about the size.
                Log.PeerFailed(_logger, name, id, ex.Status.Detail);
                if (ex.StatusCode == StatusCode.NotFound && buffer.Length == 0)
                {
                    expectedSize = -1;
                }
            }
            catch (InvalidDataException ex)
            {
                Log.PeerFailed(_logger, name, id, ex.Message);
                Restart(buffer, ref expectedSize);
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var channel in _owned)
        {
            channel.Dispose();
        }
    }

    private static void Restart(MemoryStream buffer, ref long expectedSize)
    {
        buffer.SetLength(0);
        expectedSize = -1;
    }
}
