using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Agents.Internal;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tasks;
using Phoenix.Sdk.Wallets;
using TaskStatus = Phoenix.Sdk.Tasks.TaskStatus;

namespace Phoenix.Sdk.Agents;

/// <summary>
/// A miner as a hosted service: once per block it answers re-execution-game moves on its challenged units,
/// finds open units of tasks whose kind one of its <see cref="IWorkloadExecutor"/>s runs, claims a range as a
/// batch, runs the units, uploads the outputs and the batch manifest, submits the batch root, notices claims
/// that expired, and redeems the bTASK it earned.
/// </summary>
/// <remarks>
/// <para>Compose it with DI (<c>services.AddMinerAgent(...)</c>) or directly: <c>new MinerAgent(client, wallet, executors)</c>,
/// then <see cref="BackgroundService.StartAsync"/> / <see cref="BackgroundService.StopAsync"/>, or drive it pass by pass with
/// <see cref="RunOnceAsync"/> (what the hosted loop calls after every block). Passes never overlap.</para>
/// <para>What a miner computes is entirely its executor's: a miner with a wrong executor submits wrong results and
/// loses its bond when validators challenge them. Failures are logged (source-generated, event ids 63xx) and the
/// pass runs again at the next block; cancellation stops the agent cleanly.</para>
/// </remarks>
public sealed class MinerAgent : BackgroundService
{
    private readonly PhoenixClient _client;
    private readonly Wallet _wallet;
    private readonly Dictionary<string, IWorkloadExecutor> _executors;
    private readonly Dictionary<string, IUnitTraceSource> _traces;
    private readonly MinerAgentOptions _options;
    private readonly ILogger _logger;
    private readonly ClientBlobReader _blobs;
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly Dictionary<ulong, uint> _cursor = [];
    private readonly HashSet<ulong> _closedTasks = [];
    private readonly Dictionary<ulong, IReadOnlyList<Hash32>> _inputs = [];
    private readonly Dictionary<ulong, BatchInfo> _submitted = [];
    private readonly SortedSet<ulong> _openDisputes = [];
    private readonly Dictionary<ulong, (ulong Dispute, IReadOnlyList<Hash32> Leaves)> _traceCache = [];
    private ulong _disputeCursor;

    /// <summary>Creates a miner.</summary>
    /// <param name="client">The client to the node.</param>
    /// <param name="wallet">The miner's account (pays bonds and fees in SPARK/PHNX, receives bTASK).</param>
    /// <param name="executors">One executor per workload kind it runs; those that also implement <see cref="IUnitTraceSource"/> let it defend exact-policy results in the re-execution game.</param>
    /// <param name="options">Local settings (defaults when <see langword="null"/>).</param>
    /// <param name="logger">The logger (none when <see langword="null"/>).</param>
    /// <param name="traces">Trace sources for exact-policy disputes, for kinds whose executor does not implement <see cref="IUnitTraceSource"/> itself (an executor's own source wins).</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/>, <paramref name="wallet"/> or <paramref name="executors"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No executor, or two for one kind.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (batch size 1 to 10,000, at least one batch per pass, first task id at least 1).</exception>
    public MinerAgent(PhoenixClient client, Wallet wallet, IEnumerable<IWorkloadExecutor> executors, MinerAgentOptions? options = null, ILogger<MinerAgent>? logger = null, IEnumerable<IUnitTraceSource>? traces = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentNullException.ThrowIfNull(executors);
        _client = client;
        _wallet = wallet;
        _executors = [];
        foreach (var e in executors)
        {
            if (!_executors.TryAdd(e.Kind, e))
            {
                throw new ArgumentException($"Two executors for kind '{e.Kind}'.", nameof(executors));
            }
        }

        if (_executors.Count == 0)
        {
            throw new ArgumentException("A miner needs at least one executor.", nameof(executors));
        }

        _traces = _executors.Values.OfType<IUnitTraceSource>().ToDictionary(t => t.Kind);
        foreach (var t in traces ?? [])
        {
            _traces.TryAdd(t.Kind, t);
        }

        _options = options ?? new MinerAgentOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchUnits, 1, "options.MaxBatchUnits");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxBatchUnits, (int)TaskMarketModule.MaxBatchUnits, "options.MaxBatchUnits");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchesPerPass, 1, "options.MaxBatchesPerPass");
        ArgumentOutOfRangeException.ThrowIfZero(_options.FirstTaskId, "options.FirstTaskId");
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _blobs = new ClientBlobReader(client.Blobs);
    }

    /// <summary>The miner's address.</summary>
    public Address Address => _wallet.Address;

    /// <summary>The workload kinds it runs.</summary>
    public IReadOnlyCollection<string> Kinds => _executors.Keys;

    /// <summary>Runs one pass: dispute moves, then claims and submissions, then redemption.</summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>A task that completes when the pass is done.</returns>
    /// <exception cref="PhoenixException">A node call failed after retries (the hosted loop logs it and tries again at the next block).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var status = await _client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            var now = DateTimeOffset.FromUnixTimeSeconds(status.LatestBlockTime.Seconds);
            await PlayDisputesAsync(cancellationToken).ConfigureAwait(false);
            await TrackSubmittedAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < _options.MaxBatchesPerPass; i++)
            {
                if (!await ClaimAndRunAsync(now, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }

            await RedeemAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        AgentLoop.RunAsync(_client, "MinerAgent", Address, string.Join(",", Kinds), _logger, RunOnceAsync, stoppingToken);

    /// <inheritdoc />
    public override void Dispose()
    {
        _pass.Dispose();
        base.Dispose();
    }

    private async Task<bool> ClaimAndRunAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var latest = await _client.GetLatestTaskIdAsync(cancellationToken).ConfigureAwait(false);
        for (var id = _options.FirstTaskId; id <= latest; id++)
        {
            if (_closedTasks.Contains(id))
            {
                continue;
            }

            var task = await _client.GetTaskAsync(id, cancellationToken).ConfigureAwait(false);
            if (task is null || task.Status != TaskStatus.Accepting || !_executors.ContainsKey(task.Kind))
            {
                _closedTasks.Add(id);
                continue;
            }

            if (task.OpenUnits == 0 || task.Deadline - now < _options.MinimumTimeLeft)
            {
                continue;
            }

            if (await FindOpenRangeAsync(task, cancellationToken).ConfigureAwait(false) is not { } range)
            {
                continue;
            }

            ulong batchId;
            try
            {
                batchId = await _client.ClaimUnitsAsync(_wallet, task.Id, range.First, range.Count, cancellationToken).ConfigureAwait(false);
            }
            catch (TransactionRejectedException e) when (e.Is(TaskErrors.UnitNotOpen) || e.Is(TaskErrors.TaskClosed))
            {
                Log.ClaimRaced(_logger, Address, task.Id, e.Log);
                continue;
            }

            Log.UnitsClaimed(_logger, Address, task.Id, range.First, range.Count, batchId);
            _cursor[task.Id] = range.First + range.Count;
            await RunBatchAsync(task, batchId, range.First, range.Count, cancellationToken).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private async Task<(uint First, uint Count)?> FindOpenRangeAsync(TaskInfo task, CancellationToken cancellationToken)
    {
        var start = _cursor.GetValueOrDefault(task.Id);
        for (var pass = 0; pass < 2; pass++)
        {
            uint? first = null;
            uint count = 0;
            for (var u = start; u < task.Units && count < _options.MaxBatchUnits; u++)
            {
                var unit = await _client.GetUnitAsync(task.Id, u, cancellationToken).ConfigureAwait(false);
                if (unit.State == UnitState.Open)
                {
                    first ??= u;
                    count++;
                }
                else if (first is not null)
                {
                    break;
                }
            }

            if (first is { } f)
            {
                return (f, count);
            }

            // Units before the cursor may have reopened (expired claims, overturned results): look again from the start.
            start = 0;
        }

        return null;
    }

    private async Task RunBatchAsync(TaskInfo task, ulong batchId, uint first, uint count, CancellationToken cancellationToken)
    {
        List<ClaimedResult> results;
        try
        {
            var inputs = await InputsOfAsync(task, cancellationToken).ConfigureAwait(false);
            var executor = _executors[task.Kind];
            var spec = task.ToWorkloadSpec();
            results = new List<ClaimedResult>((int)count);
            for (var u = first; u < first + count; u++)
            {
                var result = await executor.ExecuteAsync(new UnitWork(spec, u, inputs[(int)u]), _blobs, cancellationToken).ConfigureAwait(false);
                var uploaded = await _client.Blobs.UploadAsync(result.Output, cancellationToken).ConfigureAwait(false);
                if (uploaded != result.OutputId)
                {
                    throw new InvalidOperationException($"The executor for '{task.Kind}' reported output id {result.OutputId} for bytes whose id is {uploaded}.");
                }

                results.Add(new ClaimedResult(result.OutputId, result.TraceRoot));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ExecutionFailed(_logger, Address, batchId, e);
            return;
        }

        try
        {
            var manifest = await _client.SubmitBatchAsync(_wallet, batchId, results, cancellationToken).ConfigureAwait(false);
            Log.BatchSubmitted(_logger, Address, batchId, manifest.Root);
            if (await _client.GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false) is { } batch)
            {
                _submitted[batchId] = batch;
            }
        }
        catch (TransactionRejectedException e) when (e.Is(TaskErrors.ClaimExpired) || e.Is(TaskErrors.WrongBatchState))
        {
            Log.ClaimLost(_logger, Address, batchId, "the claim expired before the submission: " + e.Log);
        }
    }

    private async Task TrackSubmittedAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _submitted.Keys.ToList())
        {
            var batch = await _client.GetBatchAsync(id, cancellationToken).ConfigureAwait(false);
            if (batch is null || batch.Status == BatchStatus.Ended)
            {
                _submitted.Remove(id);
            }
            else
            {
                _submitted[id] = batch;
            }
        }
    }

    private async Task<IReadOnlyList<Hash32>> InputsOfAsync(TaskInfo task, CancellationToken cancellationToken)
    {
        if (_inputs.TryGetValue(task.Id, out var known))
        {
            return known;
        }

        var manifest = await _client.Blobs.DownloadAsync(task.InputsId, (long)task.Units * Hash32.Length, cancellationToken).ConfigureAwait(false);
        if (manifest.Length != (long)task.Units * Hash32.Length)
        {
            throw new PhoenixProtocolViolationException(string.Create(CultureInfo.InvariantCulture, $"the input manifest of task {task.Id} holds {manifest.Length} bytes, not {task.Units} content ids"));
        }

        var inputs = Enumerable.Range(0, (int)task.Units).Select(i => new Hash32(manifest.AsSpan(i * Hash32.Length, Hash32.Length))).ToArray();
        _inputs[task.Id] = inputs;
        return inputs;
    }

    private async Task PlayDisputesAsync(CancellationToken cancellationToken)
    {
        var latest = await _client.GetLatestDisputeIdAsync(cancellationToken).ConfigureAwait(false);
        for (var id = _disputeCursor + 1; id <= latest; id++)
        {
            _openDisputes.Add(id);
        }

        _disputeCursor = Math.Max(_disputeCursor, latest);
        foreach (var id in _openDisputes.ToList())
        {
            var dispute = await _client.GetDisputeAsync(id, cancellationToken).ConfigureAwait(false);
            if (dispute is null || dispute.Miner != Address)
            {
                _openDisputes.Remove(id);
                _traceCache.Remove(id);
                continue;
            }

            if (dispute.Phase != DisputePhase.Bisection || !dispute.MinerToMove)
            {
                continue;
            }

            var task = await _client.GetTaskAsync(dispute.TaskId, cancellationToken).ConfigureAwait(false);
            if (task is null)
            {
                continue;
            }

            if (!_traces.TryGetValue(task.Kind, out var source))
            {
                Log.NoTraceSource(_logger, Address, id, task.Kind);
                continue;
            }

            if (!_traceCache.TryGetValue(id, out var cached))
            {
                var inputs = await InputsOfAsync(task, cancellationToken).ConfigureAwait(false);
                var leaves = await source.TraceAsync(new UnitWork(task.ToWorkloadSpec(), dispute.Unit, inputs[(int)dispute.Unit]), _blobs, cancellationToken).ConfigureAwait(false);
                cached = (id, leaves);
                _traceCache[id] = cached;
            }

            if (dispute.NextIndex >= (ulong)cached.Leaves.Count)
            {
                Log.DisputeActionRejected(_logger, Address, id, new InvalidOperationException($"The game asks for trace index {dispute.NextIndex} but the trace has {cached.Leaves.Count} leaves."));
                continue;
            }

            try
            {
                await _client.BisectAsync(_wallet, id, dispute.NextIndex, cached.Leaves[(int)dispute.NextIndex], ExecutionTraces.Proof(cached.Leaves, dispute.NextIndex), cancellationToken).ConfigureAwait(false);
                Log.BisectMove(_logger, Address, id, dispute.NextIndex);
            }
            catch (TransactionRejectedException e)
            {
                Log.DisputeActionRejected(_logger, Address, id, e);
            }
        }
    }

    private async Task RedeemAsync(CancellationToken cancellationToken)
    {
        if (_options.RedeemThreshold == 0)
        {
            return;
        }

        var redeemable = await _client.GetRedeemableAsync(Address, cancellationToken).ConfigureAwait(false);
        if (redeemable.Value < _options.RedeemThreshold)
        {
            return;
        }

        await _client.RedeemAsync(_wallet, redeemable, cancellationToken).ConfigureAwait(false);
        Log.Redeemed(_logger, Address, redeemable);
    }
}
