using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Blobs;

/// <summary>
/// The <c>phoenix.node.v1.BlobService</c>: chunked, size-limited upload whose SHA-256 must equal the
/// declared id, and chunked download from any offset, backed by an <see cref="IBlobStore"/>. A blob the
/// node lacks is fetched from peers (<see cref="IBlobPeerSource"/>) and stored before it is served.
/// </summary>
/// <remarks>
/// Errors: a malformed request is INVALID_ARGUMENT (a wrong hash names both hashes), a blob over the
/// limit is RESOURCE_EXHAUSTED before any byte is buffered, an offset past the end is OUT_OF_RANGE, an
/// unknown blob is NOT_FOUND, and stored bytes that fail their check are DATA_LOSS (a download first tries to repair
/// them from peers; damaged bytes are never sent).
/// </remarks>
public sealed class BlobGrpcService : BlobService.BlobServiceBase
{
    private readonly IBlobStore _store;
    private readonly IBlobPeerSource? _peers;
    private readonly BlobServiceOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="store">The blob store.</param>
    /// <param name="options">Limits.</param>
    /// <param name="peers">Where to fetch missing blobs, or <see langword="null"/> to serve local blobs only.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public BlobGrpcService(IBlobStore store, IOptions<BlobServiceOptions> options, IBlobPeerSource? peers = null, ILogger<BlobGrpcService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options.Value;
        _peers = peers;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    public override async Task<UploadBlobResponse> Upload(IAsyncStreamReader<UploadBlobRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct).ConfigureAwait(false) || requestStream.Current.PartCase != UploadBlobRequest.PartOneofCase.Header)
        {
            throw Error(StatusCode.InvalidArgument, "the first upload message must be the header (id and size)");
        }

        var header = requestStream.Current.Header;
        var id = ParseId(header.Id);
        if (header.Size < 0)
        {
            throw Error(StatusCode.InvalidArgument, $"size must not be negative, got {header.Size}");
        }

        if (header.Size > _options.MaxBlobBytes)
        {
            throw Error(StatusCode.ResourceExhausted, $"blob {id} is {header.Size} bytes; the limit is {_options.MaxBlobBytes}");
        }

        // Grow with the bytes actually received: a declared size reserves nothing.
        using var buffer = new MemoryStream((int)Math.Min(header.Size, 1024 * 1024));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        while (await requestStream.MoveNext(ct).ConfigureAwait(false))
        {
            var part = requestStream.Current;
            if (part.PartCase != UploadBlobRequest.PartOneofCase.Chunk)
            {
                throw Error(StatusCode.InvalidArgument, "only chunks may follow the header");
            }

            if (buffer.Length + part.Chunk.Length > header.Size)
            {
                throw Error(StatusCode.InvalidArgument, $"the upload is longer than the declared {header.Size} bytes");
            }

            buffer.Write(part.Chunk.Span);
            hash.AppendData(part.Chunk.Span);
        }

        var received = buffer.Length;
        if (received != header.Size)
        {
            throw Error(StatusCode.InvalidArgument, $"the upload ended after {received} of the declared {header.Size} bytes");
        }

        var actual = new Hash32(hash.GetHashAndReset());
        if (actual != id)
        {
            Log.IntegrityFailure(_logger, id, context.Peer, actual);
            throw Error(StatusCode.InvalidArgument, $"the bytes hash to {actual}, not the declared id {id}");
        }

        var present = await _store.ContainsAsync(id, ct).ConfigureAwait(false);
        if (!present)
        {
            try
            {
                await _store.PutAsync(id, buffer.GetBuffer().AsMemory(0, (int)received), ct).ConfigureAwait(false);
            }
            catch (BlobTooLargeException ex)
            {
                throw Error(StatusCode.ResourceExhausted, ex.Message);
            }

            Log.Uploaded(_logger, id, received);
        }

        return new UploadBlobResponse { Id = header.Id, Size = received, AlreadyPresent = present };
    }

    /// <inheritdoc />
    public override async Task Download(DownloadBlobRequest request, IServerStreamWriter<BlobChunk> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.CancellationToken;
        var id = ParseId(request.Id);
        if (request.Offset < 0)
        {
            throw Error(StatusCode.InvalidArgument, $"offset must not be negative, got {request.Offset}");
        }

        var content = await ReadOrFetchAsync(id, allowPeers: !request.LocalOnly, ct).ConfigureAwait(false);
        if (request.Offset > content.Length)
        {
            throw Error(StatusCode.OutOfRange, $"offset {request.Offset} is past the end of blob {id} ({content.Length} bytes)");
        }

        for (var offset = (int)request.Offset; offset < content.Length; offset += _options.ChunkBytes)
        {
            var length = Math.Min(_options.ChunkBytes, content.Length - offset);
            await responseStream.WriteAsync(
                new BlobChunk { Offset = offset, Data = ByteString.CopyFrom(content.Span.Slice(offset, length)), TotalSize = content.Length },
                ct).ConfigureAwait(false);
        }

        if (content.Length == 0 || request.Offset == content.Length)
        {
            await responseStream.WriteAsync(new BlobChunk { Offset = request.Offset, TotalSize = content.Length }, ct).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task<StatBlobResponse> Stat(StatBlobRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var id = ParseId(request.Id);
        var content = await TryReadAsync(id, context.CancellationToken).ConfigureAwait(false);
        return new StatBlobResponse { Present = content is not null, Size = content?.Length ?? 0 };
    }

    private async Task<ReadOnlyMemory<byte>> ReadOrFetchAsync(Hash32 id, bool allowPeers, CancellationToken ct)
    {
        BlobIntegrityException? damaged = null;
        try
        {
            if (await _store.TryGetAsync(id, ct).ConfigureAwait(false) is { } local)
            {
                return local;
            }
        }
        catch (BlobIntegrityException ex)
        {
            // Never served; the store has dropped the bad copy, so a good one from a peer repairs it.
            Log.IntegrityFailure(_logger, id, "local store", ex.Actual);
            damaged = ex;
        }

        if (allowPeers && _options.FetchFromPeers && _peers is not null
            && await _peers.TryFetchAsync(id, _options.MaxBlobBytes, ct).ConfigureAwait(false) is { } fetched)
        {
            try
            {
                await _store.PutAsync(id, fetched, ct).ConfigureAwait(false);
            }
            catch (BlobIntegrityException ex)
            {
                Log.IntegrityFailure(_logger, id, "peer", ex.Actual);
                throw Error(StatusCode.NotFound, $"blob {id} is not available: peers served corrupted bytes");
            }

            return fetched;
        }

        if (damaged is not null)
        {
            throw Error(StatusCode.DataLoss, $"{damaged.Message} The damaged copy was removed and no peer could serve the blob.");
        }

        throw Error(StatusCode.NotFound, $"blob {id} is not available on this node{(allowPeers && _peers is not null ? " or its peers" : "")}");
    }

    private async Task<ReadOnlyMemory<byte>?> TryReadAsync(Hash32 id, CancellationToken ct)
    {
        try
        {
            return await _store.TryGetAsync(id, ct).ConfigureAwait(false);
        }
        catch (BlobIntegrityException ex)
        {
            Log.IntegrityFailure(_logger, id, "local store", ex.Actual);
            throw Error(StatusCode.DataLoss, ex.Message);
        }
    }

    private static Hash32 ParseId(ByteString id)
        => id.Length == Hash32.Length ? new Hash32(id.Span) : throw Error(StatusCode.InvalidArgument, $"id must be {Hash32.Length} bytes (SHA-256), got {id.Length}");

    private static RpcException Error(StatusCode code, string message) => new(new Status(code, message));
}
