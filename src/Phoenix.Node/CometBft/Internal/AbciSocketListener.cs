using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Phoenix.Node.CometBft.Internal;

/// <summary>
/// The ABCI socket server: accepts any number of connections (CometBFT opens four: consensus,
/// mempool, query, snapshot), reads uvarint-framed requests, answers each in order and flushes
/// its write buffer on <c>Flush</c>, as CometBFT's Go socket server does.
/// </summary>
internal sealed class AbciSocketListener : IAsyncDisposable
{
    private const int FlushThresholdBytes = 64 * 1024;

    private readonly IAbciFrameHandler _handler;
    private readonly long _maxFrameBytes;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, (Socket Socket, Task Task)> _connections = new();
    private readonly Socket _listenSocket;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextConnectionId;
    private int _disposed;

    public AbciSocketListener(EndPoint endPoint, IAbciFrameHandler handler, long maxFrameBytes, ILogger logger)
    {
        _handler = handler;
        _maxFrameBytes = maxFrameBytes;
        _logger = logger;
        if (endPoint is UnixDomainSocketEndPoint unix && unix.ToString() is { Length: > 0 } path)
        {
            RemoveStaleUnixSocket(path);
        }

        _listenSocket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listenSocket.Bind(endPoint);
            _listenSocket.Listen(16);
        }
        catch
        {
            _listenSocket.Dispose();
            throw;
        }

        LocalEndPoint = _listenSocket.LocalEndPoint ?? endPoint;
    }

    public EndPoint LocalEndPoint { get; }

    /// <summary>
    /// Deletes a socket file left by a process that died without cleaning up (nothing answers on
    /// it); a live server on the path makes this throw instead of stealing its address.
    /// </summary>
    private static void RemoveStaleUnixSocket(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            File.Delete(path);
            return;
        }

        throw new SocketException((int)SocketError.AddressAlreadyInUse);
    }

    public void Start() => _acceptLoop = AcceptLoopAsync(_stopping.Token);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listenSocket.Dispose();
        foreach (var (socket, _) in _connections.Values)
        {
            socket.Dispose();
        }

        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values.Select(c => c.Task)).ConfigureAwait(false);
        if (LocalEndPoint is UnixDomainSocketEndPoint unix && unix.ToString() is { Length: > 0 } path)
        {
            File.Delete(path);
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listenSocket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (socket.AddressFamily != AddressFamily.Unix)
            {
                socket.NoDelay = true;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = RunConnectionAsync(id, socket, gate.Task, cancellationToken);
            _connections[id] = (socket, task);
            gate.SetResult();
        }
    }

    private async Task RunConnectionAsync(long id, Socket socket, Task registered, CancellationToken cancellationToken)
    {
        await registered.ConfigureAwait(false);
        CometBftLog.ConnectionOpened(_logger, id);
        NetworkStream stream;
        try
        {
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Closed before it was served (the server is stopping or the peer already left).
            socket.Dispose();
            _connections.TryRemove(id, out _);
            CometBftLog.ConnectionClosed(_logger, id);
            return;
        }

        var reader = PipeReader.Create(stream);
        var writer = PipeWriter.Create(stream);
        try
        {
            if (await ServeAsync(reader, writer, cancellationToken).ConfigureAwait(false))
            {
                // Closing after a malformed frame: half-close and discard what the peer still sends,
                // so the kernel does not answer unread bytes with a reset that would destroy the
                // exception response before the peer reads it.
                socket.Shutdown(SocketShutdown.Send);
                await DrainAsync(reader, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Shutting down.
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                CometBftLog.ConnectionFault(_logger, id, e);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            try
            {
                await writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The peer is gone; nothing left to flush to.
            }

            await stream.DisposeAsync().ConfigureAwait(false);
            _connections.TryRemove(id, out _);
            CometBftLog.ConnectionClosed(_logger, id);
        }
    }

    private async Task DrainAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        long drained = 0;
        while (drained <= _maxFrameBytes)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            drained += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Serves frames until the peer closes (false) or a malformed frame closes the connection (true).</summary>
    private async Task<bool> ServeAsync(PipeReader reader, PipeWriter writer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var flush = false;
            var close = false;
            while (!close)
            {
                var status = AbciFraming.TryReadFrame(ref buffer, _maxFrameBytes, out var payload, out var length);
                if (status == FrameReadStatus.Incomplete)
                {
                    break;
                }

                switch (status)
                {
                    case FrameReadStatus.Oversized:
                        CometBftLog.MalformedFrame(_logger, $"frame of {length} bytes exceeds the {_maxFrameBytes}-byte limit");
                        _handler.WriteException($"Malformed ABCI frame: {length} bytes exceeds the maximum frame size of {_maxFrameBytes} bytes.", writer);
                        close = true;
                        break;
                    case FrameReadStatus.Malformed:
                        CometBftLog.MalformedFrame(_logger, "invalid uvarint length prefix");
                        _handler.WriteException("Malformed ABCI frame: the length prefix is not a valid unsigned varint.", writer);
                        close = true;
                        break;
                    default:
                        var outcome = _handler.Handle(payload, writer);
                        flush |= outcome == FrameOutcome.Flush;
                        close = outcome == FrameOutcome.Close;
                        break;
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (flush || close || writer.UnflushedBytes > FlushThresholdBytes)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (close || result.IsCompleted)
            {
                return close;
            }
        }
    }
}
