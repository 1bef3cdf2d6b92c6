using System.Net;
using System.Net.Sockets;
using Phoenix.Node.CometBft;
using Phoenix.Node.CometBft.Internal;
using Phoenix.Node.Tests.CometBft.Support;

namespace Phoenix.Node.Tests.CometBft;

public sealed class CometBftOptionsTests
{
    [Theory]
    [InlineData("tcp://127.0.0.1:26658", "127.0.0.1", 26658)]
    [InlineData("127.0.0.1:26658", "127.0.0.1", 26658)]
    [InlineData("tcp://localhost:1", "127.0.0.1", 1)]
    [InlineData("tcp://0.0.0.0:26658", "0.0.0.0", 26658)]
    [InlineData("tcp://[::1]:26658", "::1", 26658)]
    public void Parse_TcpAddress_GivesIpEndPoint(string address, string ip, int port)
    {
        var endPoint = Assert.IsType<IPEndPoint>(AbciAddress.Parse(address));
        Assert.Equal(IPAddress.Parse(ip), endPoint.Address);
        Assert.Equal(port, endPoint.Port);
    }

    [Fact]
    public void Parse_UnixAddress_GivesUnixEndPoint()
    {
        var endPoint = Assert.IsType<UnixDomainSocketEndPoint>(AbciAddress.Parse("unix:///var/run/phoenix.sock"));
        Assert.Equal("/var/run/phoenix.sock", endPoint.ToString());
    }

    [Theory]
    [InlineData("tcp://example.com:26658")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("tcp://127.0.0.1:70000")]
    [InlineData("unix://")]
    [InlineData("http://127.0.0.1:x")]
    public void Parse_BadAddress_ThrowsArgumentException(string address) =>
        Assert.Throws<ArgumentException>(() => AbciAddress.Parse(address));

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        var options = new CometBftOptions { MaxFrameBytes = 0, Transport = (AbciTransport)9 };
        var e = Assert.Throws<ArgumentException>(() => new CometBftAbciServer(new KvStoreApplication(new KvDurableStore()), options));
        Assert.Contains("MaxFrameBytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("Transport 9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UnresolvableHost_Throws() =>
        Assert.Throws<ArgumentException>(() => new CometBftAbciServer(new KvStoreApplication(new KvDurableStore()), new CometBftOptions { Address = "tcp://phoenix.invalid:1" }));

    [Fact]
    public void Defaults_MatchCometBftDefaultProxyApp()
    {
        var options = new CometBftOptions();
        Assert.Equal("tcp://127.0.0.1:26658", options.Address);
        Assert.Equal(AbciTransport.Socket, options.Transport);
        Assert.Equal(AbciProtocolVersion.V0_38, options.Version);
    }

    [Fact]
    public async Task ListenAddress_PortZero_ReportsBoundPort()
    {
        await using var server = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), AbciTransport.Socket, AbciProtocolVersion.V0_38);
        var endPoint = Assert.IsType<IPEndPoint>(AbciAddress.Parse(server.ListenAddress));
        Assert.NotEqual(0, endPoint.Port);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
    }

    [Fact]
    public void ListenAddress_NotStarted_Throws()
    {
        var server = new CometBftAbciServer(new KvStoreApplication(new KvDurableStore()), new CometBftOptions());
        Assert.Throws<InvalidOperationException>(() => server.ListenAddress);
    }
}
