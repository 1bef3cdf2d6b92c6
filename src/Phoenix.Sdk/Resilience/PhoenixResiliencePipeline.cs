using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Phoenix.Sdk.Resilience.Internal;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Phoenix.Sdk.Resilience;

/// <summary>
/// Runs node calls with the Phoenix client's resilience policy: a per-attempt timeout, a circuit
/// breaker per endpoint, failover across endpoints, and jittered exponential retries for idempotent
/// calls on transient failures only.
/// </summary>
/// <remarks>
/// <para>Each attempt goes to the current endpoint. Then:</para>
/// <list type="bullet">
/// <item>A gRPC failure is converted at the call level into <see cref="PhoenixRpcException"/> (gRPC
/// carries <c>Unavailable</c> inside HTTP 200, so HTTP-level handling would miss it), and a timeout into
/// <see cref="PhoenixTimeoutException"/>.</item>
/// <item>After a transient failure the next attempt goes to the next endpoint (round robin); the
/// endpoint that worked stays current.</item>
/// <item>An endpoint whose breaker is open is skipped at once, without a delay and without using a
/// retry, because nothing was sent. When every breaker is open the attempt fails with
/// <see cref="NoHealthyEndpointException"/> (transient). After the break duration one trial call is let
/// through to the endpoint again.</item>
/// <item>Only <see cref="Idempotency.Idempotent"/> calls are retried, and only when the failure is
/// transient (<see cref="PhoenixException.IsTransient"/>). Non-transient failures and cancellation by
/// the caller are thrown at once.</item>
/// </list>
/// <para>Thread-safe; share one instance per client. Time (timeouts, back-off, breaker windows) comes from
/// the injected <see cref="TimeProvider"/>.</para>
/// </remarks>
public sealed class PhoenixResiliencePipeline
{
    private readonly Endpoint[] _endpoints;
    private readonly Uri[] _uris;
    private readonly ResiliencePipeline _retry;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private int _current;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="options">The client options (validated here).</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where to log failovers, breaker changes and retries; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid; every problem is listed.</exception>
    public PhoenixResiliencePipeline(PhoenixClientOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PhoenixClientOptions), errors);
        }

        timeProvider ??= TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _timeout = options.RequestTimeout;
        _endpoints = options.Endpoints.Select(uri => new Endpoint(uri, options, timeProvider, _logger)).ToArray();
        _uris = _endpoints.Select(e => e.Uri).ToArray();
        _retry = options.MaxRetryAttempts == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = timeProvider }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    MaxDelay = options.RetryMaxDelay,
                    ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is PhoenixException { IsTransient: true }),
                    OnRetry = args =>
                    {
                        Log.RetryScheduled(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception);
                        return default;
                    },
                })
                .Build();
    }

    /// <summary>The configured endpoints, in order.</summary>
    public IReadOnlyList<Uri> Endpoints => Array.AsReadOnly(_uris);

    /// <summary>The endpoint the next attempt goes to.</summary>
    public Uri CurrentEndpoint => _endpoints[Volatile.Read(ref _current)].Uri;

    /// <summary>The circuit-breaker state of an endpoint.</summary>
    /// <param name="endpoint">One of <see cref="Endpoints"/>.</param>
    /// <returns>The state (<see cref="CircuitState.Open"/> while the endpoint is skipped).</returns>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not configured.</exception>
    public CircuitState GetCircuitState(Uri endpoint) =>
        (_endpoints.FirstOrDefault(e => e.Uri == endpoint) ?? throw new ArgumentException($"'{endpoint}' is not a configured endpoint.", nameof(endpoint)))
            .State.CircuitState;

    /// <summary>Runs a node call under the policy.</summary>
    /// <typeparam name="TResult">The call's result.</typeparam>
    /// <param name="call">The call: sends the request to the given endpoint, honouring the token (which
    /// carries the per-attempt timeout). It may throw <see cref="RpcException"/>; it is converted here.</param>
    /// <param name="idempotency">Whether the call may be retried.</param>
    /// <param name="cancellationToken">Cancels the call and any wait between retries.</param>
    /// <returns>The call's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="call"/> is <see langword="null"/>.</exception>
    /// <exception cref="PhoenixRpcException">The call failed (after retries, when transient and idempotent).</exception>
    /// <exception cref="PhoenixTimeoutException">The last attempt timed out.</exception>
    /// <exception cref="NoHealthyEndpointException">Every endpoint's breaker was open.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<TResult> ExecuteAsync<TResult>(Func<Uri, CancellationToken, ValueTask<TResult>> call, Idempotency idempotency, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (idempotency == Idempotency.NotIdempotent)
        {
            return await AttemptAsync(call, cancellationToken).ConfigureAwait(false);
        }

        return await _retry.ExecuteAsync(
            static (state, token) => state.Self.AttemptAsync(state.Call, token),
            (Self: this, Call: call),
            cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<TResult> AttemptAsync<TResult>(Func<Uri, CancellationToken, ValueTask<TResult>> call, CancellationToken cancellationToken)
    {
        BrokenCircuitException? lastRejection = null;
        for (var tried = 0; tried < _endpoints.Length; tried++)
        {
            var index = Volatile.Read(ref _current);
            var endpoint = _endpoints[index];
            try
            {
                return await endpoint.Pipeline.ExecuteAsync(
                    static (state, token) => InvokeAsync(state.Call, state.Uri, token),
                    (Call: call, endpoint.Uri),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (BrokenCircuitException e)
            {
                // Not sent: move on at once, whatever the call's idempotency.
                lastRejection = e;
                MoveNext(index);
            }
            catch (TimeoutRejectedException e)
            {
                MoveNext(index);
                throw new PhoenixTimeoutException(_timeout, endpoint.Uri, e);
            }
            catch (PhoenixException e) when (e.IsTransient)
            {
                MoveNext(index);
                throw;
            }
        }

        throw new NoHealthyEndpointException(_endpoints.Length, lastRejection);
    }

    private static async ValueTask<TResult> InvokeAsync<TResult>(Func<Uri, CancellationToken, ValueTask<TResult>> call, Uri uri, CancellationToken token)
    {
        try
        {
            return await call(uri, token).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && token.IsCancellationRequested)
        {
            // Our own cancellation or per-attempt timeout, reported by gRPC: let Polly see it as such.
            throw new OperationCanceledException(e.Message, e, token);
        }
        catch (RpcException e)
        {
            throw new PhoenixRpcException(e);
        }
    }

    private void MoveNext(int from)
    {
        if (_endpoints.Length == 1)
        {
            return;
        }

        var to = (from + 1) % _endpoints.Length;
        if (Interlocked.CompareExchange(ref _current, to, from) == from)
        {
            Log.EndpointSwitched(_logger, _endpoints[from].Uri, _endpoints[to].Uri);
        }
    }

    private static bool CountsAsFailure(Exception? exception) =>
        exception is TimeoutRejectedException or PhoenixException { IsTransient: true };

    private sealed class Endpoint
    {
        public Endpoint(Uri uri, PhoenixClientOptions options, TimeProvider timeProvider, ILogger logger)
        {
            Uri = uri;
            State = new CircuitBreakerStateProvider();
            Pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitBreakerFailureRatio,
                    MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                    SamplingDuration = options.CircuitBreakerSamplingDuration,
                    BreakDuration = options.CircuitBreakerBreakDuration,
                    StateProvider = State,
                    ShouldHandle = static args => ValueTask.FromResult(CountsAsFailure(args.Outcome.Exception)),
                    OnOpened = args =>
                    {
                        Log.CircuitOpened(logger, uri, args.BreakDuration.TotalMilliseconds);
                        return default;
                    },
                    OnClosed = _ =>
                    {
                        Log.CircuitClosed(logger, uri);
                        return default;
                    },
                })
                .AddTimeout(options.RequestTimeout)
                .Build();
        }

        public Uri Uri { get; }

        public CircuitBreakerStateProvider State { get; }

        public ResiliencePipeline Pipeline { get; }
    }
}
