using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;
using Phoenix.Sdk.Internal;

namespace Phoenix.Sdk;

/// <summary>
/// A call to a node failed at the gRPC level. Wraps the original <see cref="RpcException"/> and
/// classifies its status code.
/// </summary>
/// <remarks>
/// Transient (<see cref="PhoenixException.IsTransient"/> is <see langword="true"/>):
/// <see cref="StatusCode.Unavailable"/>, <see cref="StatusCode.DeadlineExceeded"/>,
/// <see cref="StatusCode.ResourceExhausted"/>, <see cref="StatusCode.Aborted"/>, and
/// <see cref="StatusCode.Internal"/> when it was caused by a transport failure (a broken HTTP/2
/// connection: <see cref="HttpRequestException"/>, <see cref="IOException"/> or
/// <see cref="SocketException"/>). Every other code (<see cref="StatusCode.InvalidArgument"/>,
/// <see cref="StatusCode.NotFound"/>, <see cref="StatusCode.PermissionDenied"/>,
/// <see cref="StatusCode.FailedPrecondition"/>, <see cref="StatusCode.Unimplemented"/>, ...) is not.
/// gRPC reports failures such as <see cref="StatusCode.Unavailable"/> inside an HTTP 200 response,
/// so the classification is made here, per call, never from HTTP status codes.
/// </remarks>
public sealed class PhoenixRpcException : PhoenixException
{
    /// <summary>Wraps a gRPC failure.</summary>
    /// <param name="rpcException">The failure reported by the gRPC client.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rpcException"/> is <see langword="null"/>.</exception>
    public PhoenixRpcException(RpcException rpcException)
        : this(rpcException ?? throw new ArgumentNullException(nameof(rpcException)), IsTransientStatus(rpcException.Status))
    {
    }

    private PhoenixRpcException(RpcException rpcException, bool transient)
        : base(ExceptionMessages.Rpc(rpcException.StatusCode, rpcException.Status.Detail, transient), rpcException)
    {
        IsTransient = transient;
    }

    /// <summary>The gRPC status code of the failed call.</summary>
    public StatusCode StatusCode => RpcException.StatusCode;

    /// <summary>The original gRPC exception (also <see cref="Exception.InnerException"/>).</summary>
    public RpcException RpcException => (RpcException)InnerException!;

    /// <inheritdoc />
    public override bool IsTransient { get; }

    /// <summary>Classifies a gRPC status as transient (worth retrying unchanged) or not.</summary>
    /// <param name="status">The status of a failed call.</param>
    /// <returns>Whether repeating the call may succeed.</returns>
    public static bool IsTransientStatus(Status status) => status.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted => true,
        StatusCode.Internal => IsTransportFailure(status.DebugException),
        _ => false,
    };

    private static bool IsTransportFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException or IOException or SocketException)
            {
                return true;
            }
        }

        return false;
    }
}
