using System.Text.Json;
using Google.Protobuf;
using Phoenix.Node.CometBft;
using Phoenix.Node.CometBft.Internal;
using Phoenix.Node.CometBft.Wire.V038;
using Phoenix.Node.Tests.CometBft.Support;

namespace Phoenix.Node.Tests.CometBft;

/// <summary>Socket-protocol behaviour: framing on the wire, Flush, malformed frames.</summary>
public sealed class AbciSocketServerTests
{
    [Fact]
    public async Task Flush_AfterSeveralRequests_AnswersAllInOrderThenFlush()
    {
        await using var server = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), AbciTransport.Socket, AbciProtocolVersion.V0_38);
        await using var client = await AbciSocketTestClient.ConnectAsync(server.ListenAddress);

        // Like CometBFT's async CheckTx path: several requests, then one Flush.
        await client.SendRawAsync([
            .. AbciFraming.Encode(new Request { Echo = new RequestEcho { Message = "a" } }),
            .. AbciFraming.Encode(new Request { Info = new RequestInfo() }),
            .. AbciFraming.Encode(new Request { CheckTx = new RequestCheckTx { Tx = ByteString.CopyFromUtf8("k=v") } }),
            .. AbciFraming.Encode(new Request { Echo = new RequestEcho { Message = "b" } }),
            .. AbciFraming.Encode(new Request { Flush = new RequestFlush() }),
        ]);

        var responses = new List<Response>();
        for (var i = 0; i < 5; i++)
        {
            responses.Add(Response.Parser.ParseFrom(await client.ReadFrameAsync($"response {i}") ?? throw new InvalidOperationException($"connection closed before response {i}")));
        }

        Assert.Equal(
            [Response.ValueOneofCase.Echo, Response.ValueOneofCase.Info, Response.ValueOneofCase.CheckTx, Response.ValueOneofCase.Echo, Response.ValueOneofCase.Flush],
            responses.Select(r => r.ValueCase));
        Assert.Equal("a", responses[0].Echo.Message);
        Assert.Equal("b", responses[3].Echo.Message);
    }

    [Fact]
    public async Task Request_SplitAcrossWrites_IsReassembled()
    {
        await using var server = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), AbciTransport.Socket, AbciProtocolVersion.V0_38);
        await using var client = await AbciSocketTestClient.ConnectAsync(server.ListenAddress);
        byte[] bytes = [.. AbciFraming.Encode(new Request { Echo = new RequestEcho { Message = new string('x', 300) } }), .. AbciFraming.Encode(new Request { Flush = new RequestFlush() })];
        foreach (var b in bytes)
        {
            await client.SendRawAsync([b]);
        }

        var echo = Response.Parser.ParseFrom(await client.ReadFrameAsync("Echo") ?? []);
        Assert.Equal(new string('x', 300), echo.Echo.Message);
    }

    public static TheoryData<string, byte[], string> MalformedFrames() => new()
    {
        { "protobuf garbage", [0x03, 0xFF, 0xFF, 0xFF], "Malformed ABCI request" },
        { "empty request", [0x00], "no known method" },
        { "reserved SetOption field", [0x02, 0x22, 0x00], "no known method" },
        { "varint over 64 bits", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], "not a valid unsigned varint" },
        { "frame over the limit", [0xD1, 0x0F], "maximum frame size" }, // 2001 > 2000
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task MalformedFrame_AnswersExceptionClosesConnectionAndLeavesStateUntouched(string name, byte[] frame, string expectedError)
    {
        var recorder = new RecordingAbciApplication(new KvStoreApplication(new KvDurableStore()));
        await using var server = await TestServers.StartAsync(recorder, AbciTransport.Socket, AbciProtocolVersion.V0_38, maxFrameBytes: 2000);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, AbciTransport.Socket, AbciProtocolVersion.V0_38);
        await comet.InitChainAsync("c", "a=1\n", []);
        var before = await comet.InfoAsync();
        var callsBefore = recorder.Calls.Count;

        await using var bad = await AbciSocketTestClient.ConnectAsync(server.ListenAddress);
        await bad.SendRawAsync(frame);
        var response = Response.Parser.ParseFrom(await bad.ReadFrameAsync($"exception for {name}") ?? throw new InvalidOperationException($"no exception response for {name}"));
        Assert.Equal(Response.ValueOneofCase.Exception, response.ValueCase);
        Assert.Contains(expectedError, response.Exception.Error, StringComparison.Ordinal);
        Assert.Null(await bad.ReadFrameAsync("connection close"));

        // The other connections and the application are unaffected.
        Assert.Equal(callsBefore, recorder.Calls.Count);
        var after = await comet.InfoAsync();
        Assert.Equal(before.Height, after.Height);
        Assert.Equal(before.AppHash, after.AppHash);
    }

    [Fact]
    public async Task ApplicationThrows_AnswersExceptionAndKeepsConnectionOpen()
    {
        await using var server = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), AbciTransport.Socket, AbciProtocolVersion.V0_38);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, AbciTransport.Socket, AbciProtocolVersion.V0_38);

        // The kv app refuses a FinalizeBlock for a height it is not at (a bug on a real chain).
        var error = await Assert.ThrowsAsync<AbciErrorException>(() => comet.FinalizeBlockAsync(5, [], new byte[32]));
        Assert.Contains("Application error", error.Message, StringComparison.Ordinal);
        Assert.Equal("still here", await comet.EchoAsync("still here"));
        Assert.Equal(0, (await comet.InfoAsync()).Height);
    }

    [Fact]
    public async Task GoldenEchoFrame_FromReference_IsAnsweredOverSocket()
    {
        await using var server = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), AbciTransport.Socket, AbciProtocolVersion.V0_38);
        await using var client = await AbciSocketTestClient.ConnectAsync(server.ListenAddress);
        await client.SendRawAsync(Convert.FromHexString("090a070a0568656c6c6f" + "021200"));
        Assert.Equal("hello", Response.Parser.ParseFrom(await client.ReadFrameAsync("Echo") ?? []).Echo.Message);
        var flush = await client.ReadFrameAsync("Flush") ?? [];
        Assert.Equal("021a00", Convert.ToHexStringLower(AbciFraming.Encode(Response.Parser.ParseFrom(flush))));
    }

    [Fact]
    public async Task StopAsync_ClosesOpenConnections()
    {
        var server = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), AbciTransport.Socket, AbciProtocolVersion.V0_38);
        await using var client = await AbciSocketTestClient.ConnectAsync(server.ListenAddress);
        await server.StopAsync();
        Assert.Null(await client.ReadFrameAsync("close on stop"));
    }
}

public sealed class AbciUnixSocketTests
{
    [Fact]
    public async Task Start_StaleSocketFile_IsReplaced()
    {
        var address = TestServers.UnixSocketAddress();
        var path = address["unix://".Length..];
        // A bound socket that does not listen: its file exists but nothing answers, as after a crash.
        using var dead = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        dead.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));

        Assert.True(File.Exists(path), "the stale socket file should exist before the server starts");
        await using var server = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), AbciTransport.Socket, AbciProtocolVersion.V0_38, address);
        await using var comet = await CometBftSide.ConnectAsync(server.ListenAddress, AbciTransport.Socket, AbciProtocolVersion.V0_38);
        Assert.Equal("up", await comet.EchoAsync("up"));
    }

    [Fact]
    public async Task Start_LiveServerOnSamePath_ThrowsAndLeavesItRunning()
    {
        var address = TestServers.UnixSocketAddress();
        await using var first = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), AbciTransport.Socket, AbciProtocolVersion.V0_38, address);
        var second = new CometBftAbciServer(new KvStoreApplication(new KvDurableStore()), new CometBftOptions { Address = address });
        var e = await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => second.StartAsync());
        Assert.Equal(System.Net.Sockets.SocketError.AddressAlreadyInUse, e.SocketErrorCode);
        await using var comet = await CometBftSide.ConnectAsync(first.ListenAddress, AbciTransport.Socket, AbciProtocolVersion.V0_38);
        Assert.Equal("still up", await comet.EchoAsync("still up"));
    }

    [Fact]
    public async Task Stop_RemovesSocketFile()
    {
        var address = TestServers.UnixSocketAddress();
        var server = await TestServers.StartAsync(new KvStoreApplication(new KvDurableStore()), AbciTransport.Socket, AbciProtocolVersion.V0_38, address);
        Assert.True(File.Exists(address["unix://".Length..]), "the socket file should exist while the server runs");
        await server.StopAsync();
        Assert.False(File.Exists(address["unix://".Length..]), "the socket file should be removed on stop");
    }
}
