using Grpc.Core;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>Runs one gRPC ABCI call and turns failures into gRPC statuses.</summary>
internal static class GrpcCalls
{
    public static Task<TResponse> Run<TRequest, TResponse>(TRequest request, Func<TRequest, TResponse> call)
    {
        try
        {
            return Task.FromResult(call(request));
        }
        catch (AbciCallOrderException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (AbciMappingException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Application error: " + e.Message));
        }
    }
}
