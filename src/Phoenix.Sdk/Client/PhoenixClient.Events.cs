using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client.Internal;
using Phoenix.Sdk.Resilience;
using Wire = Phoenix.Protocol.Node.V1;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient
{
    /// <summary>
    /// Streams chain events that match <paramref name="filter"/>, riding through transient disconnects:
    /// the stream reconnects (to the next endpoint, with jittered back-off) and fills the gap from the
    /// last seen height by reading the missed blocks and their transaction results.
    /// </summary>
    /// <param name="filter">What to deliver; validated before the stream starts.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, in chain order, each delivered once.</returns>
    /// <remarks>
    /// <para>To detect gaps the subscription always asks the node for block events and hides them when
    /// <see cref="ChainEventFilter.NewBlocks"/> is off. Events of a block are delivered in the node's order:
    /// the block, then per transaction its result and its events, then block-level events.</para>
    /// <para>Limitation: block-level application events (not emitted by a transaction) of blocks missed
    /// during a disconnect cannot be recovered from the block API and are skipped.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The filter asks for nothing or has empty prefixes.</exception>
    public IAsyncEnumerable<ChainEvent> SubscribeEventsAsync(ChainEventFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter.Validate();
        return SubscribeCoreAsync(filter, cancellationToken);
    }

    private async IAsyncEnumerable<ChainEvent> SubscribeCoreAsync(ChainEventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new Wire.SubscribeEventsRequest { NewBlocks = true, TxResults = filter.TransactionResults };
        request.EventTypePrefixes.AddRange(filter.EventTypePrefixes);
        request.AttributeFilters.AddRange(filter.AttributeFilters.Select(a => new Wire.AttributeFilter { Key = a.Key, Value = a.Value }));
        request.TxHashes.AddRange(filter.TransactionHashes.Select(h => ByteString.CopyFrom(h.ToArray())));

        long currentHeight = 0;   // the height of the last block event seen
        var seenAtCurrent = 0;    // events of that block already handled (including the hidden block event)
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var uri = failures == 0 ? Pipeline.CurrentEndpoint : await ReachableEndpointAsync(failures, cancellationToken).ConfigureAwait(false);
            if (failures > 0)
            {
                Log.EventStreamResumed(_logger, uri, currentHeight);
            }

            using var call = GetNode(uri).Api.SubscribeEvents(request, cancellationToken: cancellationToken);
            var reconnected = currentHeight > 0;
            var stream = call.ResponseStream;
            while (true)
            {
                Wire.ChainEvent wire;
                try
                {
                    if (!await stream.MoveNext(cancellationToken).ConfigureAwait(false))
                    {
                        // The node ended the stream (shutting down): reconnect.
                        break;
                    }

                    wire = stream.Current;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(e.Message, e, cancellationToken);
                }
                catch (RpcException e) when (new PhoenixRpcException(e).IsTransient)
                {
                    Log.EventStreamInterrupted(_logger, uri, currentHeight, e);
                    break;
                }
                catch (RpcException e)
                {
                    throw new PhoenixRpcException(e);
                }

                failures = 0;
                if (WireMapping.Event(wire) is not { } e1)
                {
                    continue;
                }

                if (e1 is NewBlockEvent block)
                {
                    if (reconnected || (currentHeight > 0 && block.Height > currentHeight + 1))
                    {
                        // Fill the gap: the rest of the block we were in, then every block missed.
                        await foreach (var missed in BackfillAsync(filter, currentHeight, seenAtCurrent, block.Height - 1, cancellationToken).ConfigureAwait(false))
                        {
                            yield return missed;
                        }

                        reconnected = false;
                    }

                    if (block.Height <= currentHeight)
                    {
                        continue;
                    }

                    currentHeight = block.Height;
                    seenAtCurrent = 1;
                    if (filter.NewBlocks)
                    {
                        yield return block;
                    }

                    continue;
                }

                if (e1.Height != currentHeight)
                {
                    continue;
                }

                seenAtCurrent++;
                yield return e1;
            }

            failures++;
        }
    }

    // Finds an endpoint that answers, through the resilience pipeline (failover, retries, breakers). A stream
    // is long-lived, so it keeps trying (jittered, capped back-off) until one answers or the caller cancels.
    private async Task<Uri> ReachableEndpointAsync(int failures, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (failures > 1)
            {
                var delay = TimeSpan.FromTicks(Math.Min(_retryMaxDelay.Ticks, _retryBaseDelay.Ticks << Math.Min(failures - 2, 16)));
                await Task.Delay(TimeSpan.FromTicks((delay.Ticks / 2) + Random.Shared.NextInt64((delay.Ticks / 2) + 1)), _time, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                return await Pipeline.ExecuteAsync(
                    async (uri, token) =>
                    {
                        await GetNode(uri).Api.GetStatusAsync(new Wire.GetStatusRequest(), cancellationToken: token).ConfigureAwait(false);
                        return uri;
                    },
                    Idempotency.Idempotent,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (PhoenixException e) when (e.IsTransient)
            {
                failures++;
            }
        }
    }

    private async IAsyncEnumerable<ChainEvent> BackfillAsync(ChainEventFilter filter, long fromHeight, int skipAtFrom, long toHeight, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (fromHeight <= 0)
        {
            yield break;
        }

        var hashes = filter.TransactionHashes.Count == 0 ? null : filter.TransactionHashes.ToHashSet();
        for (var height = fromHeight; height <= toHeight; height++)
        {
            var block = await GetBlockAsync(height, cancellationToken).ConfigureAwait(false)
                ?? throw new PhoenixProtocolViolationException($"block {height} is missing while resuming the event stream");
            var events = new List<ChainEvent> { new NewBlockEvent(block.Height, block.Hash, block.Time, block.Transactions.Count, block.AppHash) };
            for (var i = 0; i < block.Transactions.Count; i++)
            {
                var hash = Hash32.Sha256(block.Transactions[i].Span);
                if (hashes is not null && !hashes.Contains(hash))
                {
                    continue;
                }

                var tx = await GetTxAsync(hash, cancellationToken).ConfigureAwait(false);
                if (tx?.Result is not { } result)
                {
                    continue;
                }

                if (filter.TransactionResults)
                {
                    events.Add(new TransactionResultEvent(height, i, hash, result));
                }

                events.AddRange(result.Events.Where(e => Matches(filter, e)).Select(e => new ApplicationEvent(height, hash, e)));
            }

            var skip = height == fromHeight ? skipAtFrom : 0;
            foreach (var e in events.Skip(skip))
            {
                if (e is not NewBlockEvent || filter.NewBlocks)
                {
                    yield return e;
                }
            }
        }
    }

    private static bool Matches(ChainEventFilter filter, ChainEventData e) =>
        filter.EventTypePrefixes.Any(p => e.Type.StartsWith(p, StringComparison.Ordinal))
        && filter.AttributeFilters.All(f => e.Attributes.Any(a => a.Key == f.Key && a.Value == f.Value));
}
