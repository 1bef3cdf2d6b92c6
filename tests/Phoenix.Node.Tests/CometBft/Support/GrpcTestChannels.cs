using System.Net.Sockets;
using Grpc.Net.Client;
using Phoenix.Node.CometBft.Internal;

namespace Phoenix.Node.Tests.CometBft.Support;

/// <summary>Plain-text HTTP/2 gRPC channels to tcp:// or unix:// ABCI addresses.</summary>
internal static class GrpcTestChannels
{
    public static GrpcChannel Create(string address)
    {
        var endPoint = AbciAddress.Parse(address);
        if (endPoint is UnixDomainSocketEndPoint unix)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(unix, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler });
        }

        return GrpcChannel.ForAddress("http://" + address["tcp://".Length..]);
    }
}
