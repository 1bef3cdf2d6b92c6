using System.Security.Cryptography;
using Google.Protobuf;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Resilience;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.Blobs;

/// <summary>
/// Uploads and downloads content-addressed blobs (models, inputs, outputs): the content id is the SHA-256
/// of the bytes, so a download is verified against the id it was asked for.
/// </summary>
/// <remarks>Thread-safe; obtained from <see cref="PhoenixClient.Blobs"/>. Both calls go through the client's
/// resilience pipeline; a download that fails part-way resumes from the bytes already received.</remarks>
public sealed class PhoenixBlobClient
{
    /// <summary>The size of the chunks an upload is split into (64 KiB).</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>The default largest blob <see cref="DownloadAsync"/> accepts (1 GiB).</summary>
    public const long DefaultMaxDownloadBytes = 1L << 30;

    private readonly PhoenixClient _client;

    internal PhoenixBlobClient(PhoenixClient client) => _client = client;

    /// <summary>Uploads a blob in chunks and returns its content id. Idempotent: the same bytes have the same id.</summary>
    /// <param name="content">The bytes.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The content id (SHA-256 of <paramref name="content"/>).</returns>
    /// <exception cref="PhoenixRpcException">The node refused the blob (for example too large) or the call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Hash32> UploadAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var id = Hash32.Sha256(content.Span);
        var idBytes = ByteString.CopyFrom(id.ToArray());
        await _client.Pipeline.ExecuteAsync(
            async (uri, token) =>
            {
                using var call = _client.GetNode(uri).BlobApi.Upload(cancellationToken: token);
                await call.RequestStream.WriteAsync(new Wire.UploadBlobRequest { Header = new Wire.BlobHeader { Id = idBytes, Size = content.Length } }, token).ConfigureAwait(false);
                for (var offset = 0; offset < content.Length; offset += ChunkSize)
                {
                    var chunk = content.Slice(offset, Math.Min(ChunkSize, content.Length - offset));
                    await call.RequestStream.WriteAsync(new Wire.UploadBlobRequest { Chunk = ByteString.CopyFrom(chunk.Span) }, token).ConfigureAwait(false);
                }

                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                var response = await call.ResponseAsync.ConfigureAwait(false);
                return response.Id == idBytes
                    ? response
                    : throw new PhoenixProtocolViolationException("the node acknowledged the upload under another id");
            },
            Idempotency.Idempotent,
            cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Downloads a blob and checks it against its content id. A transient failure part-way resumes from
    /// the last byte received (on the same or the next endpoint).
    /// </summary>
    /// <param name="id">The content id.</param>
    /// <param name="maxBytes">The largest blob to accept (protects memory against a lying node).</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The verified bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is negative or above <see cref="Array.MaxLength"/>.</exception>
    /// <exception cref="BlobVerificationException">The bytes do not hash to <paramref name="id"/>; nothing is returned.</exception>
    /// <exception cref="PhoenixProtocolViolationException">The node sent chunks out of order, or more bytes than announced or allowed.</exception>
    /// <exception cref="PhoenixRpcException">The node does not hold the blob (<c>NotFound</c>) or the call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<byte[]> DownloadAsync(Hash32 id, long maxBytes = DefaultMaxDownloadBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, Array.MaxLength);
        var state = new DownloadState();
        var idBytes = ByteString.CopyFrom(id.ToArray());
        await _client.Pipeline.ExecuteAsync(
            async (uri, token) =>
            {
                if (state.Received > 0)
                {
                    Client.Internal.Log.BlobDownloadResumed(_client.Logger, id, state.Received);
                }

                using var call = _client.GetNode(uri).BlobApi.Download(new Wire.DownloadBlobRequest { Id = idBytes, Offset = state.Received }, cancellationToken: token);
                while (await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
                {
                    state.Append(call.ResponseStream.Current, maxBytes);
                }

                state.Complete();
                return true;
            },
            Idempotency.Idempotent,
            cancellationToken).ConfigureAwait(false);

        var bytes = state.Buffer!;
        var actual = new Hash32(SHA256.HashData(bytes));
        return actual == id ? bytes : throw new BlobVerificationException(id, actual);
    }

    private sealed class DownloadState
    {
        public byte[]? Buffer { get; private set; }

        public long Received { get; private set; }

        public void Append(Wire.BlobChunk chunk, long maxBytes)
        {
            if (Buffer is null)
            {
                if (chunk.TotalSize < 0 || chunk.TotalSize > maxBytes)
                {
                    throw new PhoenixProtocolViolationException($"the blob is announced as {chunk.TotalSize} bytes; at most {maxBytes} are accepted");
                }

                Buffer = new byte[chunk.TotalSize];
            }

            if (chunk.TotalSize != Buffer.Length || chunk.Offset != Received || chunk.Data.Length > Buffer.Length - Received)
            {
                throw new PhoenixProtocolViolationException($"chunk at offset {chunk.Offset} ({chunk.Data.Length} bytes of {chunk.TotalSize}) does not follow the {Received} bytes received of {Buffer.Length}");
            }

            chunk.Data.Span.CopyTo(Buffer.AsSpan((int)Received));
            Received += chunk.Data.Length;
        }

        public void Complete()
        {
            Buffer ??= [];
            if (Received != Buffer.Length)
            {
                // A stream cut short (node shutting down): transient, so the pipeline resumes from Received.
                throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, $"the blob stream ended after {Received} of {Buffer.Length} bytes"));
            }
        }
    }
}
