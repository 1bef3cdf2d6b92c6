using Phoenix.Node.CometBft;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Tests.CometBft.Support;

internal static class TestServers
{
    public static async Task<CometBftAbciServer> StartAsync(IAbciApplication app, AbciTransport transport, AbciProtocolVersion version, string address = "tcp://127.0.0.1:0", int maxFrameBytes = CometBftOptions.DefaultMaxFrameBytes)
    {
        var server = new CometBftAbciServer(app, new CometBftOptions { Address = address, Transport = transport, Version = version, MaxFrameBytes = maxFrameBytes });
        await server.StartAsync();
        return server;
    }

    public static string UnixSocketAddress() => "unix://" + Path.Combine(Path.GetTempPath(), $"phx-{Guid.NewGuid():N}.sock");

    /// <summary>The four transport x version combinations CometBFT can use.</summary>
    public static TheoryData<AbciTransport, AbciProtocolVersion> AllModes() => new()
    {
        { AbciTransport.Socket, AbciProtocolVersion.V0_38 },
        { AbciTransport.Socket, AbciProtocolVersion.V1_0 },
        { AbciTransport.Grpc, AbciProtocolVersion.V0_38 },
        { AbciTransport.Grpc, AbciProtocolVersion.V1_0 },
    };
}
