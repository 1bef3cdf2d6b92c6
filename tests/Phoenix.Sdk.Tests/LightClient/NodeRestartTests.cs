using Microsoft.Extensions.Logging;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.LightClient;
using Phoenix.Sdk.Tests.Api;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.LightClient;

/// <summary>Idempotent calls in flight while the node restarts are retried and complete (issue #6, point 7).</summary>
public sealed class NodeRestartTests
{
    [Fact]
    public async Task GetBalanceAsync_NodeRestartsWhileVerifiedQueryInFlight_RetriesAndReturnsProvenBalance()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Produce(2);
        var retries = new RetrySignal();
        using var headers = Patient(h.Node.Address, retries).Build();
        using var light = new LightClientAppHashSource(headers, LightTestHarness.GenesisRoot(), new LightClientOptions { HeaderWaitTimeout = TimeSpan.FromSeconds(20) }, LightTestHarness.Clock);
        using var client = Patient(h.Node.Address, retries).UseTrustedAppHashSource(light).Build();

        await h.Node.StopServerAsync();
        var call = client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx);
        await retries.First.WithTimeout("the client to schedule a retry against the stopped node");
        await h.Node.StartServerAsync();
        var balance = await call.WithTimeout("the retried, verified query after the restart", 60);

        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Phnx), balance);
        Assert.True(retries.Count >= 1);
        Assert.True(light.LatestVerifiedHeight > 1);
    }

    /// <summary>A client that keeps retrying long enough for a restart (10 attempts, up to 2 s apart, breaker out of the way).</summary>
    private static PhoenixClientBuilder Patient(Uri node, RetrySignal retries) => TestClients.Builder(node)
        .Configure(o =>
        {
            o.MaxRetryAttempts = 10;
            o.RetryMaxDelay = TimeSpan.FromSeconds(2);
            o.CircuitBreakerMinimumThroughput = 1000;
        })
        .UseLoggerFactory(retries);

    /// <summary>Completes <see cref="First"/> at the first RetryScheduled log event.</summary>
    private sealed class RetrySignal : ILoggerFactory, ILogger
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public Task First => _first.Task;

        public int Count => Volatile.Read(ref _count);

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "RetryScheduled")
            {
                Interlocked.Increment(ref _count);
                _first.TrySetResult();
            }
        }
    }
}
