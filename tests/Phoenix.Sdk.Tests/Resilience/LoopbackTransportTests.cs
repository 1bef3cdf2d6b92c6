using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Phoenix.Sdk.Resilience;

namespace Phoenix.Sdk.Tests.Resilience;

/// <summary>The pipeline against real gRPC transport failures on loopback (no node needed).</summary>
public class LoopbackTransportTests
{
    private static readonly Method<byte[], byte[]> Ping = new(
        MethodType.Unary, "phoenix.test.v1.Probe", "Ping",
        Marshallers.Create(static b => b, static b => b),
        Marshallers.Create(static b => b, static b => b));

    private static Uri ClosedLoopbackEndpoint()
    {
        // Bind an ephemeral port, then release it: nothing listens there afterwards.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}");
    }

    private static Uri ResettingLoopbackEndpoint(CancellationToken cancellationToken)
    {
        // Accepts connections and closes them at once, like a node process that is going down.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    using var client = await listener.AcceptTcpClientAsync(cancellationToken);
                    client.Client.LingerState = new LingerOption(true, 0);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                listener.Stop();
            }
        }, CancellationToken.None);
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    [Fact]
    public async Task ExecuteAsync_RealEndpointsRefuseOrResetConnections_FailsTransientlyAfterTryingEachEndpoint()
    {
        using var stop = new CancellationTokenSource();
        var refusing = ClosedLoopbackEndpoint();
        var resetting = ResettingLoopbackEndpoint(stop.Token);
        var options = new PhoenixClientOptions
        {
            MaxRetryAttempts = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            RetryMaxDelay = TimeSpan.FromMilliseconds(5),
            RequestTimeout = TimeSpan.FromSeconds(20),
            CircuitBreakerMinimumThroughput = 100,
        };
        options.Endpoints.Add(refusing);
        options.Endpoints.Add(resetting);
        var pipeline = new PhoenixResiliencePipeline(options);
        var channels = options.Endpoints.ToDictionary(e => e, e => GrpcChannel.ForAddress(e));
        var attempts = new List<Uri>();
        try
        {
            var e = await Assert.ThrowsAsync<PhoenixRpcException>(() => pipeline.ExecuteAsync(async (uri, token) =>
            {
                attempts.Add(uri);
                var call = channels[uri].CreateCallInvoker().AsyncUnaryCall(Ping, null, new CallOptions(cancellationToken: token), [1]);
                return await call.ResponseAsync;
            }, Idempotency.Idempotent).AsTask().WaitAsync(TimeSpan.FromSeconds(60)));

            Assert.True(e.IsTransient, $"A refused or reset connection must be transient; got {e.StatusCode}: {e.Message}");
            Assert.Equal([refusing, resetting, refusing, resetting], attempts);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var channel in channels.Values)
            {
                channel.Dispose();
            }
        }
    }
}
