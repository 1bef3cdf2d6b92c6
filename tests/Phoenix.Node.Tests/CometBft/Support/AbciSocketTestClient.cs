using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Phoenix.Node.CometBft.Internal;

namespace Phoenix.Node.Tests.CometBft.Support;

/// <summary>A raw ABCI socket connection: writes frames (or any bytes), reads uvarint-framed payloads.</summary>
internal sealed class AbciSocketTestClient : IAsyncDisposable
{
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _reader;

    private AbciSocketTestClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new BufferedStream(_stream);
    }

    public static async Task<AbciSocketTestClient> ConnectAsync(string address)
    {
        var endPoint = AbciAddress.Parse(address);
        if (endPoint is IPEndPoint ip && ip.Address.Equals(IPAddress.Any))
        {
            endPoint = new IPEndPoint(IPAddress.Loopback, ip.Port);
        }

        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(ReadTimeout);
        await socket.ConnectAsync(endPoint, cts.Token);
        return new AbciSocketTestClient(socket);
    }

    public Task SendAsync(IMessage message) => SendRawAsync(AbciFraming.Encode(message));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one frame's payload; null when the server closed the connection.</summary>
    public async Task<byte[]?> ReadFrameAsync(string expecting)
    {
        using var cts = new CancellationTokenSource(ReadTimeout);
        try
        {
            ulong length = 0;
            var shift = 0;
            var one = new byte[1];
            while (true)
            {
                if (await _reader.ReadAsync(one, cts.Token) == 0)
                {
                    return null;
                }

                length |= (ulong)(one[0] & 0x7F) << shift;
                if (one[0] < 0x80)
                {
                    break;
                }

                shift += 7;
            }

            var payload = new byte[length];
            await _reader.ReadExactlyAsync(payload, cts.Token);
            return payload;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No ABCI response within {ReadTimeout.TotalSeconds} s while expecting {expecting}.");
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
