using System.Globalization;
using System.Runtime.CompilerServices;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Tasks;

/// <summary>
/// A posted task: follow its units (<see cref="WatchAsync"/>), wait until every unit is finalized or refunded
/// (<see cref="WaitForCompletionAsync"/>), download the finalized outputs verified against their content ids
/// (<see cref="DownloadResultsAsync"/>), or cancel it.
/// </summary>
/// <remarks>Immutable and thread-safe; it holds no connection of its own (every call goes through the <see cref="PhoenixClient"/>).</remarks>
public sealed class TaskHandle
{
    private static readonly string[] UnitEventTypes =
        ["units_claimed", "batch_submitted", "claim_expired", "batch_unattested", "unit_challenged", "dispute_resolved", "units_finalized", "units_reopened", "units_refunded"];

    private readonly PhoenixClient _client;

    internal TaskHandle(PhoenixClient client, ulong taskId, long postedHeight, uint units)
    {
        _client = client;
        TaskId = taskId;
        PostedHeight = postedHeight;
        Units = units;
    }

    /// <summary>The task id.</summary>
    public ulong TaskId { get; }

    /// <summary>The height the task was posted at (or earlier).</summary>
    public long PostedHeight { get; }

    /// <summary>The number of units.</summary>
    public uint Units { get; }

    /// <summary>Reads the task's current record.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task.</returns>
    /// <exception cref="PhoenixProtocolViolationException">The node has no such task.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TaskInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        await _client.GetTaskAsync(TaskId, cancellationToken).ConfigureAwait(false)
        ?? throw new PhoenixProtocolViolationException(string.Create(CultureInfo.InvariantCulture, $"task {TaskId} is missing from state"));

    /// <summary>Streams the task's unit events as they are committed (from now on; the stream rides through node restarts).</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, in chain order.</returns>
    /// <remarks>The stream never ends by itself; stop it with <paramref name="cancellationToken"/> (for example once
    /// <see cref="WaitForCompletionAsync"/> returns).</remarks>
    public IAsyncEnumerable<UnitEvent> WatchAsync(CancellationToken cancellationToken = default) => WatchCoreAsync(cancellationToken);

    /// <summary>Waits until every unit is finalized or refunded, checking the task after every block.</summary>
    /// <param name="cancellationToken">Stops waiting (use a timeout token to bound the wait).</param>
    /// <returns>The completed task.</returns>
    /// <exception cref="PhoenixException">A call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TaskInfo> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var info = await GetInfoAsync(cancellationToken).ConfigureAwait(false);
        if (info.IsComplete)
        {
            return info;
        }

        try
        {
            await foreach (var _ in _client.SubscribeEventsAsync(new ChainEventFilter { NewBlocks = true }, stop.Token).ConfigureAwait(false))
            {
                info = await GetInfoAsync(cancellationToken).ConfigureAwait(false);
                if (info.IsComplete)
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    return info;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return info;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return info;
    }

    /// <summary>
    /// Downloads the outputs of the task's finalized units: finds each batch's manifest (named by its
    /// <c>SubmitBatch</c> transaction), checks it against the batch's on-chain results root, and downloads
    /// each output verified against the content id the root commits to.
    /// </summary>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The outputs, in unit order (units not finalized are absent).</returns>
    /// <exception cref="BlobVerificationException">An output does not match its content id.</exception>
    /// <exception cref="PhoenixProtocolViolationException">A finalized unit's batch has no manifest matching its root.</exception>
    /// <exception cref="PhoenixException">A call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<UnitOutput>> DownloadResultsAsync(CancellationToken cancellationToken = default)
    {
        var outputs = new List<UnitOutput>();
        var manifests = new Dictionary<ulong, (BatchInfo Batch, BatchManifest Manifest)>();
        for (uint unit = 0; unit < Units; unit++)
        {
            var state = await _client.GetUnitAsync(TaskId, unit, cancellationToken).ConfigureAwait(false);
            if (state.State != UnitState.Finalized)
            {
                continue;
            }

            if (!manifests.TryGetValue(state.BatchId, out var entry))
            {
                var batch = await _client.GetBatchAsync(state.BatchId, cancellationToken).ConfigureAwait(false)
                    ?? throw new PhoenixProtocolViolationException($"batch {state.BatchId} of a finalized unit is missing");
                var manifest = await _client.GetBatchManifestAsync(batch, PostedHeight, null, cancellationToken).ConfigureAwait(false)
                    ?? throw new PhoenixProtocolViolationException($"batch {batch.Id} has no published manifest matching its results root");
                entry = (batch, manifest);
                manifests[state.BatchId] = entry;
            }

            var claimed = entry.Manifest.Results[(int)(unit - entry.Batch.FirstUnit)];
            var bytes = await _client.Blobs.DownloadAsync(claimed.OutputId, cancellationToken: cancellationToken).ConfigureAwait(false);
            outputs.Add(new UnitOutput(unit, claimed.OutputId, bytes));
        }

        return outputs;
    }

    /// <summary>Cancels the task: its open units are refunded to the buyer.</summary>
    /// <param name="buyer">The buyer who posted it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="buyer"/> is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="TaskErrors.NotBuyer"/>, <see cref="TaskErrors.TaskClosed"/>).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> CancelAsync(Wallet buyer, CancellationToken cancellationToken = default) => _client.CancelTaskAsync(buyer, TaskId, cancellationToken);

    private async IAsyncEnumerable<UnitEvent> WatchCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = new ChainEventFilter
        {
            EventTypePrefixes = UnitEventTypes,
            AttributeFilters = [new("task_id", TaskId.ToString(CultureInfo.InvariantCulture))],
        };
        await foreach (var e in _client.SubscribeEventsAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            if (e is ApplicationEvent app && ToUnitEvent(TaskId, app) is { } unitEvent)
            {
                yield return unitEvent;
            }
        }
    }

    internal static UnitEvent? ToUnitEvent(ulong taskId, ApplicationEvent e)
    {
        string? A(string key) => e.Event.Attributes.FirstOrDefault(a => a.Key == key).Value;
        ulong? U64(string key) => ulong.TryParse(A(key), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        uint? U32(string key) => uint.TryParse(A(key), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        Address? Who(string key) => Address.TryParse(A(key), CultureInfo.InvariantCulture, out var a) ? a : null;
        return e.Event.Type switch
        {
            "units_claimed" => new(UnitEventKind.Claimed, taskId, e.Height, U64("batch_id"), U32("first_unit"), U32("count") ?? 0, Who("miner"), null, string.Empty),
            "batch_submitted" => new(UnitEventKind.Submitted, taskId, e.Height, U64("batch_id"), null, 0, null, null, string.Empty),
            "claim_expired" => new(UnitEventKind.ClaimExpired, taskId, e.Height, U64("batch_id"), null, 0, Who("miner"), null, string.Empty),
            "batch_unattested" => new(UnitEventKind.Unattested, taskId, e.Height, U64("batch_id"), null, 0, null, null, string.Empty),
            "unit_challenged" => new(UnitEventKind.Challenged, taskId, e.Height, U64("batch_id"), U32("unit"), 1, null, U64("dispute_id"), string.Empty),
            "dispute_resolved" => new(UnitEventKind.DisputeResolved, taskId, e.Height, null, U32("unit"), 1, null, U64("dispute_id"), A("verdict") ?? string.Empty),
            "units_finalized" => new(UnitEventKind.Finalized, taskId, e.Height, null, null, U32("units") ?? 0, Who("miner"), null, string.Empty),
            "units_reopened" => new(UnitEventKind.Reopened, taskId, e.Height, null, U32("first_unit"), U32("count") ?? 0, null, null, string.Empty),
            "units_refunded" => new(UnitEventKind.Refunded, taskId, e.Height, null, null, U32("units") ?? 0, null, null, A("reason") ?? string.Empty),
            _ => null,
        };
    }
}
