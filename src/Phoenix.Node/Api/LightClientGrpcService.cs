using Grpc.Core;
using Phoenix.Protocol.Node.V1;

namespace Phoenix.Node.Api;

/// <summary>
/// The public <c>phoenix.node.v1.LightClientService</c>: light blocks for clients that verify headers and
/// state proofs instead of trusting this node. Mapped by <c>MapPhoenixNodeApi</c> when an
/// <see cref="ILightBlockSource"/> is registered.
/// </summary>
/// <remarks>A negative height gets <see cref="StatusCode.InvalidArgument"/>; a height the node does not hold gets
/// <see cref="StatusCode.NotFound"/>, with the latest available height in the message.</remarks>
/// <param name="source">Where the light blocks come from.</param>
public sealed class LightClientGrpcService(ILightBlockSource source) : LightClientService.LightClientServiceBase
{
    private readonly ILightBlockSource _source = source ?? throw new ArgumentNullException(nameof(source));

    /// <inheritdoc />
    public override Task<GetLightBlockResponse> GetLightBlock(GetLightBlockRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Height < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"height must be 0 (latest) or positive, got {request.Height}"));
        }

        var latest = _source.LatestHeight;
        var height = request.Height == 0 ? latest : request.Height;
        var block = height > 0 ? _source.GetLightBlock(height) : null;
        return block is null
            ? throw new RpcException(new Status(StatusCode.NotFound, $"light block {height} is not held (latest is {latest})"))
            : Task.FromResult(new GetLightBlockResponse { LightBlock = block.ToProto() });
    }
}
