using Grpc.Core;
using Microsoft.Extensions.Options;
using Phoenix.Sdk.Resilience;
using Polly.CircuitBreaker;

namespace Phoenix.Sdk.Tests.Resilience;

public class PhoenixResiliencePipelineTests
{
    private static readonly Uri A = new("http://127.0.0.1:5001");
    private static readonly Uri B = new("http://127.0.0.1:5002");
    private static readonly Uri C = new("http://127.0.0.1:5003");

    /// <summary>Scripted nodes: each endpoint answers with its port, or fails with the status it is set to.</summary>
    private sealed class FakeNodes
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<Uri, StatusCode> _failing = [];
        public List<Uri> Calls { get; } = [];

        public void Fail(Uri endpoint, StatusCode code = StatusCode.Unavailable)
        {
            lock (_gate)
            {
                _failing[endpoint] = code;
            }
        }

        public void Heal(Uri endpoint)
        {
            lock (_gate)
            {
                _failing.Remove(endpoint);
            }
        }

        public ValueTask<int> CallAsync(Uri endpoint, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                Calls.Add(endpoint);
                if (_failing.TryGetValue(endpoint, out var code))
                {
                    throw new RpcException(new Status(code, $"{endpoint.Port} says {code}"));
                }
            }

            return ValueTask.FromResult(endpoint.Port);
        }
    }

    private static PhoenixClientOptions Options(params Uri[] endpoints)
    {
        var options = new PhoenixClientOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(20),
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            CircuitBreakerFailureRatio = 1.0,
            CircuitBreakerMinimumThroughput = 2,
            CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(60),
            CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30),
        };
        foreach (var e in endpoints)
        {
            options.Endpoints.Add(e);
        }

        return options;
    }

    [Fact]
    public async Task ExecuteAsync_IdempotentTransientTwiceThenSuccess_RetriesWithBoundedJitteredBackoff()
    {
        var clock = new TestClock();
        var options = Options(A);
        options.CircuitBreakerMinimumThroughput = 10;
        var pipeline = new PhoenixResiliencePipeline(options, clock);
        var failuresLeft = 2;
        var calls = 0;
        var result = await clock.RunAsync(() => pipeline.ExecuteAsync((uri, _) =>
        {
            calls++;
            return failuresLeft-- > 0 ? throw new RpcException(new Status(StatusCode.Unavailable, "restarting")) : ValueTask.FromResult(uri.Port);
        }, Idempotency.Idempotent).AsTask(), options.RetryMaxDelay);

        Assert.Equal(5001, result);
        Assert.Equal(3, calls);
        Assert.Equal(2, clock.Advanced.Count);
        Assert.All(clock.Advanced, d => Assert.InRange(d, TimeSpan.FromTicks(1), options.RetryMaxDelay));
    }

    [Fact]
    public async Task ExecuteAsync_NonTransientFailure_ThrowsAtOnceWithoutRetry()
    {
        var clock = new TestClock();
        var nodes = new FakeNodes();
        nodes.Fail(A, StatusCode.InvalidArgument);
        var pipeline = new PhoenixResiliencePipeline(Options(A, B), clock);
        var e = await Assert.ThrowsAsync<PhoenixRpcException>(() => clock.RunAsync(() => pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.Idempotent).AsTask(), TimeSpan.FromSeconds(1)));
        Assert.False(e.IsTransient);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal([A], nodes.Calls);
        Assert.Equal(A, pipeline.CurrentEndpoint);
    }

    [Fact]
    public async Task ExecuteAsync_NotIdempotentTransientFailure_IsNotRetriedButNextCallUsesNextEndpoint()
    {
        var clock = new TestClock();
        var nodes = new FakeNodes();
        nodes.Fail(A);
        var pipeline = new PhoenixResiliencePipeline(Options(A, B), clock);
        var e = await Assert.ThrowsAsync<PhoenixRpcException>(() => pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.NotIdempotent).AsTask());
        Assert.True(e.IsTransient);
        Assert.Equal([A], nodes.Calls);
        Assert.Equal(B, pipeline.CurrentEndpoint);
        Assert.Equal(5002, await pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.NotIdempotent));
    }

    [Fact]
    public async Task ExecuteAsync_FirstEndpointDown_FailsOverAndStaysOnHealthyEndpoint()
    {
        var clock = new TestClock();
        var nodes = new FakeNodes();
        nodes.Fail(A);
        var logger = new ListLogger();
        var pipeline = new PhoenixResiliencePipeline(Options(A, B), clock, logger);
        Assert.Equal(5002, await clock.RunAsync(() => pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.Idempotent).AsTask(), TimeSpan.FromSeconds(1)));
        Assert.Equal(5002, await clock.RunAsync(() => pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.Idempotent).AsTask(), TimeSpan.FromSeconds(1)));
        Assert.Equal([A, B, B], nodes.Calls);
        Assert.Equal(B, pipeline.CurrentEndpoint);
        Assert.Equal(CircuitState.Closed, pipeline.GetCircuitState(A));
        Assert.Equal(1, logger.Count("EndpointSwitched"));
        Assert.Equal(1, logger.Count("RetryScheduled"));
        Assert.Contains(logger.Entries, e => e.Id.Id == 6102 && e.Message.Contains("127.0.0.1:5002", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_ConcurrentCallsWhileFirstEndpointDown_AllSucceedOnSecondWithoutSkippingIt()
    {
        var clock = new TestClock();
        var nodes = new FakeNodes();
        nodes.Fail(A);
        var options = Options(A, B, C);
        var pipeline = new PhoenixResiliencePipeline(options, clock);
        var results = await clock.RunAsync(
            () => Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.Idempotent).AsTask()))),
            options.RetryMaxDelay);
        Assert.All(results, r => Assert.Equal(5002, r));
        Assert.DoesNotContain(C, nodes.Calls);
        Assert.Equal(50, nodes.Calls.Count(c => c == B)); // every call answered once by B
        Assert.InRange(nodes.Calls.Count(c => c == A), 1, 50); // how many raced onto A before the switch varies
        Assert.Equal(B, pipeline.CurrentEndpoint);
    }

    [Fact]
    public async Task ExecuteAsync_EndpointsGoDown_BreakersOpenAndOpenEndpointsAreSkipped()
    {
        var clock = new TestClock();
        var nodes = new FakeNodes();
        var options = Options(A, B, C);
        options.MaxRetryAttempts = 5;
        var logger = new ListLogger();
        var pipeline = new PhoenixResiliencePipeline(options, clock, logger);
        nodes.Fail(A);
        nodes.Fail(B);

        // A and B fail once each; C answers and becomes current.
        Assert.Equal(5003, await clock.RunAsync(() => pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.Idempotent).AsTask(), options.RetryMaxDelay));
        Assert.Equal([A, B, C], nodes.Calls);

        // C goes down too: A and B reach two failures and open; later attempts skip them without sending.
        nodes.Fail(C);
        nodes.Calls.Clear();
        var e = await Assert.ThrowsAsync<PhoenixRpcException>(() => clock.RunAsync(() => pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.Idempotent).AsTask(), options.RetryMaxDelay));
        Assert.True(e.IsTransient);
        Assert.Equal([C, A, B, C, C, C], nodes.Calls);
        Assert.Equal(CircuitState.Open, pipeline.GetCircuitState(A));
        Assert.Equal(CircuitState.Open, pipeline.GetCircuitState(B));
        Assert.Equal(CircuitState.Closed, pipeline.GetCircuitState(C)); // one success in the window keeps it below ratio 1.0
        Assert.Equal(2, logger.Count("CircuitOpened"));

        // C recovers: a non-idempotent call skips the open A and B (nothing sent there) and goes to C once.
        nodes.Heal(C);
        nodes.Calls.Clear();
        Assert.Equal(5003, await pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.NotIdempotent));
        Assert.Equal([C], nodes.Calls);
        Assert.Equal(C, pipeline.CurrentEndpoint);
    }

    [Fact]
    public async Task ExecuteAsync_OnlyEndpointBreakerOpen_ThrowsNoHealthyEndpointWithoutSendingThenRecoversAfterBreak()
    {
        var clock = new TestClock();
        var nodes = new FakeNodes();
        var options = Options(A);
        options.MaxRetryAttempts = 0;
        var pipeline = new PhoenixResiliencePipeline(options, clock);
        nodes.Fail(A);
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<PhoenixRpcException>(() => pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.Idempotent).AsTask());
        }

        Assert.Equal(CircuitState.Open, pipeline.GetCircuitState(A));
        var e = await Assert.ThrowsAsync<NoHealthyEndpointException>(() => pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.NotIdempotent).AsTask());
        Assert.True(e.IsTransient);
        Assert.IsAssignableFrom<BrokenCircuitException>(e.InnerException);
        Assert.Equal(2, nodes.Calls.Count);

        nodes.Heal(A);
        clock.Advance(options.CircuitBreakerBreakDuration);
        Assert.Equal(5001, await pipeline.ExecuteAsync(nodes.CallAsync, Idempotency.NotIdempotent));
        Assert.Equal(CircuitState.Closed, pipeline.GetCircuitState(A));
        Assert.Equal(3, nodes.Calls.Count);
    }

    [Fact]
    public async Task ExecuteAsync_CallExceedsTimeout_ThrowsTimeoutAfterRetrying()
    {
        var clock = new TestClock();
        var options = Options(A);
        options.RequestTimeout = TimeSpan.FromSeconds(2);
        options.MaxRetryAttempts = 1;
        options.CircuitBreakerMinimumThroughput = 10;
        var pipeline = new PhoenixResiliencePipeline(options, clock);
        var calls = 0;
        var e = await Assert.ThrowsAsync<PhoenixTimeoutException>(() => clock.RunAsync(() => pipeline.ExecuteAsync<int>(async (_, token) =>
        {
            calls++;
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
            }
            catch (OperationCanceledException)
            {
                // What grpc-dotnet reports when the call's token is cancelled.
                throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
            }

            return 0;
        }, Idempotency.Idempotent).AsTask(), options.RequestTimeout));

        Assert.True(e.IsTransient);
        Assert.Equal(A, e.Endpoint);
        Assert.Equal(options.RequestTimeout, e.Timeout);
        Assert.Equal(2, calls);
        Assert.Equal(2, clock.Advanced.Count(d => d == options.RequestTimeout));
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancels_ThrowsOperationCanceledWithoutRetry()
    {
        var clock = new TestClock();
        var pipeline = new PhoenixResiliencePipeline(Options(A, B), clock);
        using var cts = new CancellationTokenSource();
        var calls = 0;
        var started = new TaskCompletionSource();
        var task = pipeline.ExecuteAsync<int>(async (_, token) =>
        {
            calls++;
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return 0;
        }, Idempotency.Idempotent, cts.Token).AsTask();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(1, calls);
        Assert.Equal(A, pipeline.CurrentEndpoint);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryProblem()
    {
        var options = new PhoenixClientOptions
        {
            RequestTimeout = TimeSpan.Zero,
            MaxRetryAttempts = -1,
            CircuitBreakerFailureRatio = 0,
        };
        options.Endpoints.Add(new Uri("/relative", UriKind.Relative));
        var e = Assert.Throws<OptionsValidationException>(() => new PhoenixResiliencePipeline(options));
        Assert.Equal(4, e.Failures.Count());
        Assert.Contains(e.Failures, f => f.StartsWith("Endpoints", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("RequestTimeout", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("MaxRetryAttempts", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("CircuitBreakerFailureRatio", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Defaults_RequireOnlyAnEndpoint()
    {
        var options = new PhoenixClientOptions();
        Assert.Equal(["Endpoints: at least one node endpoint is required."], options.Validate());
        options.Endpoints.Add(A);
        Assert.Empty(options.Validate());
        Assert.True(new PhoenixClientOptionsValidator().Validate(null, options).Succeeded);
        options.Endpoints.Add(A);
        Assert.True(new PhoenixClientOptionsValidator().Validate(null, options).Failed);
    }
}
