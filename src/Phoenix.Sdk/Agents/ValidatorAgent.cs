using System.Buffers.Binary;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Agents.Internal;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tasks;
using Phoenix.Sdk.Transactions.Internal;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Agents;

/// <summary>
/// A validator's market duties as a hosted service: once per block it reports the PHNX price to the oracle,
/// spot-checks submitted batches (a seeded random sample of units re-executed through its
/// <see cref="IResultVerifier"/>s), attests those that pass with enough stake, challenges wrong units of
/// attested batches within the challenge window, plays its moves in the re-execution game, sits on dispute
/// committees (reporting the disputed node's output hash) and votes in tolerance-policy disputes.
/// </summary>
/// <remarks>
/// <para>Compose it with DI (<c>services.AddValidatorAgent(...)</c>) or directly:
/// <c>new ValidatorAgent(client, operatorWallet, verifiers, options)</c>, then start/stop it or drive it with
/// <see cref="RunOnceAsync"/>. Passes never overlap. The wallet is the validator's operator account: it must be
/// bonded to attest, report prices and sit on committees, and hold liquid PHNX for challenge stakes.</para>
/// <para>Exact-policy disputes need the unit's execution trace: verifiers (or the extra trace sources) that implement
/// <see cref="IUnitTraceSource"/> provide it. Failures are logged (event ids 63xx) and retried at the next block.</para>
/// </remarks>
public sealed class ValidatorAgent : BackgroundService
{
    private readonly PhoenixClient _client;
    private readonly Wallet _wallet;
    private readonly Dictionary<string, IResultVerifier> _verifiers;
    private readonly Dictionary<string, IUnitTraceSource> _traces;
    private readonly ValidatorAgentOptions _options;
    private readonly ILogger _logger;
    private readonly UnitSampler _sampler;
    private readonly ClientBlobReader _blobs;
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly Dictionary<ulong, (Hash32 ManifestId, long Height)> _submissions = [];
    private readonly SortedSet<ulong> _batches = [];
    private readonly Dictionary<ulong, Evaluation> _evaluations = [];
    private readonly SortedSet<ulong> _disputes = [];
    private readonly HashSet<ulong> _disputesDone = [];
    private readonly Dictionary<ulong, IReadOnlyList<Hash32>> _disputeTraces = [];
    private readonly Dictionary<ulong, IReadOnlyList<Hash32>> _inputs = [];
    private long _scannedHeight;
    private ulong _batchCursor;
    private ulong _disputeCursor;
    private long? _lastReport;

    /// <summary>Creates a validator agent.</summary>
    /// <param name="client">The client to the node.</param>
    /// <param name="wallet">The validator's operator account.</param>
    /// <param name="verifiers">One verifier per workload kind it checks.</param>
    /// <param name="options">Local settings (defaults when <see langword="null"/>).</param>
    /// <param name="logger">The logger (none when <see langword="null"/>).</param>
    /// <param name="traces">Trace sources for exact-policy disputes, in addition to verifiers that implement <see cref="IUnitTraceSource"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/>, <paramref name="wallet"/> or <paramref name="verifiers"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two verifiers or trace sources for one kind.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (spot-check rate outside [0, 1], stake margin below 100 %, first batch or start height below 1).</exception>
    public ValidatorAgent(PhoenixClient client, Wallet wallet, IEnumerable<IResultVerifier> verifiers, ValidatorAgentOptions? options = null, ILogger<ValidatorAgent>? logger = null, IEnumerable<IUnitTraceSource>? traces = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentNullException.ThrowIfNull(verifiers);
        _client = client;
        _wallet = wallet;
        _verifiers = [];
        foreach (var v in verifiers)
        {
            if (!_verifiers.TryAdd(v.Kind, v))
            {
                throw new ArgumentException($"Two verifiers for kind '{v.Kind}'.", nameof(verifiers));
            }
        }

        _traces = [];
        foreach (var t in _verifiers.Values.OfType<IUnitTraceSource>().Concat(traces ?? []))
        {
            if (!_traces.TryAdd(t.Kind, t) && !ReferenceEquals(_traces[t.Kind], t))
            {
                throw new ArgumentException($"Two trace sources for kind '{t.Kind}'.", nameof(traces));
            }
        }

        _options = options ?? new ValidatorAgentOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.StakeMarginBasisPoints, 10_000u, "options.StakeMarginBasisPoints");
        ArgumentOutOfRangeException.ThrowIfZero(_options.FirstBatchId, "options.FirstBatchId");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.StartHeight, 1, "options.StartHeight");
        _sampler = new UnitSampler(_options.SpotCheckRate);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _blobs = new ClientBlobReader(client.Blobs);
        _scannedHeight = _options.StartHeight - 1;
        _batchCursor = _options.FirstBatchId - 1;
    }

    /// <summary>The operator's address.</summary>
    public Address Address => _wallet.Address;

    /// <summary>The workload kinds it verifies.</summary>
    public IReadOnlyCollection<string> Kinds => _verifiers.Keys;

    /// <summary>Runs one pass: price report, submissions index, spot checks and attestations, challenges, dispute duties.</summary>
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
            var now = status.LatestBlockTime.Seconds;
            await ReportPriceAsync(now, cancellationToken).ConfigureAwait(false);
            await ScanSubmissionsAsync(status.LatestHeight, cancellationToken).ConfigureAwait(false);
            var parameters = await _client.GetParametersAsync(cancellationToken).ConfigureAwait(false);
            await CheckBatchesAsync(status.LatestHeight, now, parameters, cancellationToken).ConfigureAwait(false);
            await PlayDisputesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        AgentLoop.RunAsync(_client, "ValidatorAgent", Address, string.Join(",", Kinds), _logger, RunOnceAsync, stoppingToken);

    /// <inheritdoc />
    public override void Dispose()
    {
        _pass.Dispose();
        base.Dispose();
    }

    private async Task ReportPriceAsync(long now, CancellationToken cancellationToken)
    {
        if (_options.PriceSource is not { } source || (_lastReport is { } last && now - last < (long)_options.PriceReportInterval.TotalSeconds))
        {
            return;
        }

        var price = source();
        _lastReport = now;
        try
        {
            await _client.ReportPriceAsync(_wallet, price, cancellationToken).ConfigureAwait(false);
            Log.PriceReported(_logger, Address, price);
        }
        catch (TransactionRejectedException e)
        {
            // For example not (or no longer) bonded: the market duties below still run.
            Log.PriceReportRejected(_logger, Address, e);
        }
    }

    private async Task ScanSubmissionsAsync(long latest, CancellationToken cancellationToken)
    {
        for (var h = _scannedHeight + 1; h <= latest; h++)
        {
            var block = await _client.GetBlockAsync(h, cancellationToken).ConfigureAwait(false);
            foreach (var raw in block?.Transactions ?? [])
            {
                if (SdkTxDecoderAccess.Decode(raw.Span) is not { } tx || !BatchManifest.TryParseMemo(tx.Memo, out var manifestId))
                {
                    continue;
                }

                foreach (var submit in tx.Messages.OfType<SubmitBatchMessage>())
                {
                    _submissions[submit.BatchId] = (manifestId, h);
                }
            }

            _scannedHeight = h;
        }
    }

    private async Task CheckBatchesAsync(long latestHeight, long now, ChainParameters parameters, CancellationToken cancellationToken)
    {
        var latest = await _client.GetLatestBatchIdAsync(cancellationToken).ConfigureAwait(false);
        for (var id = _batchCursor + 1; id <= latest; id++)
        {
            _batches.Add(id);
        }

        _batchCursor = Math.Max(_batchCursor, latest);
        foreach (var id in _batches.ToList())
        {
            var batch = await _client.GetBatchAsync(id, cancellationToken).ConfigureAwait(false);
            if (batch is null || batch.Status == BatchStatus.Ended || batch.Miner == Address)
            {
                _batches.Remove(id);
                _evaluations.Remove(id);
                continue;
            }

            if (batch.Status == BatchStatus.Claimed || !_submissions.TryGetValue(id, out var submission) || latestHeight <= submission.Height)
            {
                // Not submitted yet, or the seed block (the one after the submission) is not there yet.
                continue;
            }

            var task = await _client.GetTaskAsync(batch.TaskId, cancellationToken).ConfigureAwait(false);
            if (task is null || !_verifiers.TryGetValue(task.Kind, out var verifier))
            {
                _batches.Remove(id);
                continue;
            }

            if (!_evaluations.TryGetValue(id, out var evaluation))
            {
                evaluation = await EvaluateAsync(task, batch, submission, verifier, cancellationToken).ConfigureAwait(false);
                _evaluations[id] = evaluation;
            }

            if (batch.Status == BatchStatus.Submitted && !evaluation.Attested && !batch.Attestations.Any(a => a.Attester == Address))
            {
                await AttestAsync(task, batch, evaluation, parameters, cancellationToken).ConfigureAwait(false);
            }
            else if (batch.Status == BatchStatus.Attested && now < batch.WindowEnd.ToUnixTimeSeconds())
            {
                await ChallengeAsync(task, batch, evaluation, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<Evaluation> EvaluateAsync(TaskInfo task, BatchInfo batch, (Hash32 ManifestId, long Height) submission, IResultVerifier verifier, CancellationToken cancellationToken)
    {
        var manifest = await _client.GetBatchManifestAsync(batch, submission.Height, null, cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            return new Evaluation(null, [], 0, "the miner published no manifest matching the results root");
        }

        var seed = (await _client.GetBlockAsync(submission.Height + 1, cancellationToken).ConfigureAwait(false))?.Hash
            ?? throw new PhoenixProtocolViolationException($"block {submission.Height + 1} is missing");
        var salt = new byte[Address.Length + 8];
        Address.TryWriteBytes(salt);
        BinaryPrimitives.WriteUInt64BigEndian(salt.AsSpan(Address.Length), batch.Id);
        var selected = _sampler.Select(seed, salt, batch.FirstUnit, batch.Count);
        var inputs = await InputsOfAsync(task, cancellationToken).ConfigureAwait(false);
        var spec = task.ToWorkloadSpec();
        var wrong = new List<uint>();
        string? inconclusive = null;
        foreach (var unit in selected)
        {
            var claimed = manifest.Results[(int)(unit - batch.FirstUnit)];
            var verdict = await verifier.VerifyAsync(new UnitWork(spec, unit, inputs[(int)unit]), claimed, _blobs, cancellationToken).ConfigureAwait(false);
            switch (verdict.Verdict)
            {
                case VerificationVerdict.Invalid:
                    Log.WrongResult(_logger, Address, batch.Id, unit, verdict.Reason);
                    wrong.Add(unit);
                    break;
                case VerificationVerdict.Inconclusive:
                    inconclusive ??= $"unit {unit} is inconclusive: {verdict.Reason}";
                    break;
            }
        }

        return new Evaluation(manifest, wrong, selected.Count, wrong.Count > 0 ? $"{wrong.Count} wrong unit(s)" : inconclusive);
    }

    private async Task AttestAsync(TaskInfo task, BatchInfo batch, Evaluation evaluation, ChainParameters parameters, CancellationToken cancellationToken)
    {
        if (evaluation.Problem is { } problem)
        {
            if (!evaluation.Reported)
            {
                Log.BatchNotAttested(_logger, Address, batch.Id, problem);
                evaluation.Reported = true;
            }

            return;
        }

        if (_options.PriceSource is not { } source || source() is not (> 0 and var price))
        {
            if (!evaluation.Reported)
            {
                Log.BatchNotAttested(_logger, Address, batch.Id, "no PriceSource to size the stake with");
                evaluation.Reported = true;
            }

            return;
        }

        // stake × price × den ≥ num × value × 10,000 (the chain's check), with the configured margin on top.
        var value = (System.Numerics.BigInteger)batch.Count * (System.Numerics.BigInteger)task.PricePerUnit.Value;
        var multiple = parameters.AttestationStakeMultiple;
        var numerator = multiple.Numerator * value * TaskMarketModule.MicroUsdPerSpark * _options.StakeMarginBasisPoints;
        var denominator = (System.Numerics.BigInteger)price * multiple.Denominator * 10_000;
        var stake = (UInt128)((numerator + denominator - 1) / denominator);
        if (stake == UInt128.Zero)
        {
            stake = UInt128.One;
        }

        try
        {
            await _client.AttestBatchAsync(_wallet, batch.Id, evaluation.Manifest!.Root, new Amount(stake, Denom.Phnx), cancellationToken).ConfigureAwait(false);
            evaluation.Attested = true;
            Log.BatchAttested(_logger, Address, batch.Id, evaluation.Checked, batch.Count, new Amount(stake, Denom.Phnx));
        }
        catch (TransactionRejectedException e)
        {
            evaluation.Attested = e.Is(TaskErrors.AlreadyDone) || e.Is(TaskErrors.WrongBatchState);
            Log.AttestRejected(_logger, Address, batch.Id, e);
        }
    }

    private async Task ChallengeAsync(TaskInfo task, BatchInfo batch, Evaluation evaluation, CancellationToken cancellationToken)
    {
        var candidates = evaluation.Wrong.Where(u => !batch.DisputedUnits.Contains(u) && !evaluation.Challenged.Contains(u)).ToList();
        if (evaluation.Manifest is null || candidates.Count == 0)
        {
            return;
        }

        var unit = candidates[0];

        evaluation.Challenged.Add(unit);
        Hash32? traceRoot = null;
        ulong traceLength = 0;
        if (task.Mode == VerificationMode.Exact)
        {
            if (!_traces.TryGetValue(task.Kind, out var source))
            {
                Log.NoTraceSource(_logger, Address, 0, task.Kind);
                return;
            }

            var inputs = await InputsOfAsync(task, cancellationToken).ConfigureAwait(false);
            var leaves = await source.TraceAsync(new UnitWork(task.ToWorkloadSpec(), unit, inputs[(int)unit]), _blobs, cancellationToken).ConfigureAwait(false);
            traceRoot = ExecutionTraces.Root(leaves);
            traceLength = (ulong)leaves.Count;
            if (traceRoot == evaluation.Manifest.Results[(int)(unit - batch.FirstUnit)].TraceRoot)
            {
                Log.WrongResult(_logger, Address, batch.Id, unit, "the output differs but the trace roots agree, so the re-execution game cannot decide; not challenging");
                return;
            }
        }

        try
        {
            var disputeId = await _client.ChallengeUnitAsync(_wallet, evaluation.Manifest, unit, batch.FirstUnit, traceRoot, traceLength, cancellationToken).ConfigureAwait(false);
            Log.UnitChallenged(_logger, Address, batch.Id, unit, disputeId);
        }
        catch (TransactionRejectedException e)
        {
            Log.DisputeActionRejected(_logger, Address, 0, e);
        }
    }

    private async Task PlayDisputesAsync(CancellationToken cancellationToken)
    {
        var latest = await _client.GetLatestDisputeIdAsync(cancellationToken).ConfigureAwait(false);
        for (var id = _disputeCursor + 1; id <= latest; id++)
        {
            _disputes.Add(id);
        }

        _disputeCursor = Math.Max(_disputeCursor, latest);
        foreach (var id in _disputes.ToList())
        {
            var dispute = await _client.GetDisputeAsync(id, cancellationToken).ConfigureAwait(false);
            if (dispute is null)
            {
                _disputes.Remove(id);
                _disputesDone.Remove(id);
                _disputeTraces.Remove(id);
                continue;
            }

            var task = await _client.GetTaskAsync(dispute.TaskId, cancellationToken).ConfigureAwait(false);
            if (task is null)
            {
                continue;
            }

            try
            {
                switch (dispute.Phase)
                {
                    case DisputePhase.Bisection when dispute.Challenger == Address && !dispute.MinerToMove:
                        if (await TraceOfAsync(task, dispute, cancellationToken).ConfigureAwait(false) is { } mine && dispute.NextIndex < (ulong)mine.Count)
                        {
                            await _client.BisectAsync(_wallet, id, dispute.NextIndex, mine[(int)dispute.NextIndex], ExecutionTraces.Proof(mine, dispute.NextIndex), cancellationToken).ConfigureAwait(false);
                            Log.BisectMove(_logger, Address, id, dispute.NextIndex);
                        }

                        break;
                    case DisputePhase.Committee when !dispute.IsParty(Address) && !_disputesDone.Contains(id):
                        if (await TraceOfAsync(task, dispute, cancellationToken).ConfigureAwait(false) is { } trace && dispute.NextIndex < (ulong)trace.Count)
                        {
                            _disputesDone.Add(id);
                            await _client.ReportNodeAsync(_wallet, id, trace[(int)dispute.NextIndex], cancellationToken).ConfigureAwait(false);
                            Log.NodeReported(_logger, Address, id, dispute.NextIndex);
                        }

                        break;
                    case DisputePhase.Vote when !dispute.IsParty(Address) && !_disputesDone.Contains(id) && _verifiers.TryGetValue(task.Kind, out var verifier):
                        var inputs = await InputsOfAsync(task, cancellationToken).ConfigureAwait(false);
                        var verdict = await verifier.VerifyAsync(new UnitWork(task.ToWorkloadSpec(), dispute.Unit, inputs[(int)dispute.Unit]), new ClaimedResult(dispute.OutputId, dispute.MinerTraceRoot), _blobs, cancellationToken).ConfigureAwait(false);
                        if (verdict.Verdict != VerificationVerdict.Inconclusive)
                        {
                            _disputesDone.Add(id);
                            var uphold = verdict.Verdict == VerificationVerdict.Valid;
                            await _client.VoteDisputeAsync(_wallet, id, uphold, cancellationToken).ConfigureAwait(false);
                            Log.DisputeVoted(_logger, Address, id, uphold);
                        }

                        break;
                }
            }
            catch (TransactionRejectedException e)
            {
                Log.DisputeActionRejected(_logger, Address, id, e);
            }
        }
    }

    private async Task<IReadOnlyList<Hash32>?> TraceOfAsync(TaskInfo task, DisputeInfo dispute, CancellationToken cancellationToken)
    {
        if (_disputeTraces.TryGetValue(dispute.Id, out var known))
        {
            return known;
        }

        if (!_traces.TryGetValue(task.Kind, out var source))
        {
            Log.NoTraceSource(_logger, Address, dispute.Id, task.Kind);
            return null;
        }

        var inputs = await InputsOfAsync(task, cancellationToken).ConfigureAwait(false);
        var leaves = await source.TraceAsync(new UnitWork(task.ToWorkloadSpec(), dispute.Unit, inputs[(int)dispute.Unit]), _blobs, cancellationToken).ConfigureAwait(false);
        _disputeTraces[dispute.Id] = leaves;
        return leaves;
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
            throw new PhoenixProtocolViolationException($"the input manifest of task {task.Id} does not hold {task.Units} content ids");
        }

        var inputs = Enumerable.Range(0, (int)task.Units).Select(i => new Hash32(manifest.AsSpan(i * Hash32.Length, Hash32.Length))).ToArray();
        _inputs[task.Id] = inputs;
        return inputs;
    }

    private sealed class Evaluation(BatchManifest? manifest, IReadOnlyList<uint> wrong, int @checked, string? problem)
    {
        public BatchManifest? Manifest { get; } = manifest;

        public IReadOnlyList<uint> Wrong { get; } = wrong;

        public int Checked { get; } = @checked;

        public string? Problem { get; } = problem;

        public bool Attested { get; set; }

        public bool Reported { get; set; }

        public HashSet<uint> Challenged { get; } = [];
    }
}
