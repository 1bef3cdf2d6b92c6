using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.State;
using Phoenix.Sdk.Resilience;
using Phoenix.Sdk.Tasks;
using Phoenix.Sdk.Tasks.Internal;
using Phoenix.Sdk.Transactions.Internal;
using Phoenix.Sdk.Wallets;
using TaskStatus = Phoenix.Sdk.Tasks.TaskStatus;
using Wire = Phoenix.Protocol.Node.V1;
using WireTx = Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Sdk.Client;

public sealed partial class PhoenixClient
{
    /// <summary>
    /// Posts a task: uploads the model, every input and the input manifest as content-addressed blobs,
    /// checks that the buyer can fund the escrow (<c>units × (price + fee)</c> SPARK), burns PHNX for the
    /// missing SPARK when <see cref="TaskRequest.Purchase"/> allows it, and posts the task.
    /// </summary>
    /// <param name="buyer">The buyer, who pays the escrow.</param>
    /// <param name="request">The task.</param>
    /// <param name="cancellationToken">Cancels the call (blobs already uploaded stay on the node).</param>
    /// <returns>A handle to follow the task, wait for it and download its results.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The request is invalid (no model, no inputs, zero or non-SPARK price, out-of-range attestations or durations).</exception>
    /// <exception cref="TaskFundingException">The buyer lacks SPARK and no purchase is allowed, or the purchase would exceed its PHNX limit. Nothing was burned or posted.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused the burn (for example <c>MintErrors.SlippageExceeded</c>) or the task (codespace <c>tasks</c>).</exception>
    /// <exception cref="PhoenixException">A call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TaskHandle> PostTaskAsync(Wallet buyer, TaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(buyer);
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);

        var parameters = await GetParametersAsync(cancellationToken).ConfigureAwait(false);
        var price = request.PricePerUnit.Value;
        var units = (uint)request.Inputs.Count;
        UInt128 escrow;
        try
        {
            escrow = checked(units * (price + parameters.TaskFeeRate.MultiplyFloor(price)));
        }
        catch (OverflowException)
        {
            throw new ArgumentException("units × price × (1 + fee rate) overflows 128 bits.", nameof(request));
        }

        var sparkFees = _defaultFee.Denom == Denom.Spark ? _defaultFee.Value * 2 : UInt128.Zero;
        var required = escrow + sparkFees;
        var balance = (await GetBalanceAsync(buyer.Address, Denom.Spark, 0, cancellationToken).ConfigureAwait(false)).Value;
        if (balance < required)
        {
            var missing = required - balance;
            if (request.Purchase is not { } purchase)
            {
                throw new TaskFundingException(required, balance, "no SparkPurchase was allowed");
            }

            var burn = ((missing * 10_000) + purchase.MinPriceMicroUsd - 1) / purchase.MinPriceMicroUsd;
            if (burn > purchase.MaxPhnx.Value)
            {
                throw new TaskFundingException(required, balance, string.Create(CultureInfo.InvariantCulture, $"minting the missing {missing} uspark at {purchase.MinPriceMicroUsd} micro-USD/PHNX burns {burn} uphnx, above the limit of {purchase.MaxPhnx.Value}"));
            }

            await BurnForSparkAsync(buyer, new Amount(burn, Denom.Phnx), new Amount(missing, Denom.Spark), cancellationToken).ConfigureAwait(false);
        }

        var model = await Blobs.UploadAsync(request.Model, cancellationToken).ConfigureAwait(false);
        var manifest = new byte[Hash32.Length * request.Inputs.Count];
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var id = await Blobs.UploadAsync(request.Inputs[i], cancellationToken).ConfigureAwait(false);
            id.TryWriteBytes(manifest.AsSpan(i * Hash32.Length));
        }

        var inputs = await Blobs.UploadAsync(manifest, cancellationToken).ConfigureAwait(false);
        var status = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var deadline = checked(status.LatestBlockTime.Seconds + (long)request.Duration.TotalSeconds);
        var message = new PostTaskMessage(
            request.Kind,
            model.ToArray(),
            inputs.ToArray(),
            request.Mode == VerificationMode.Exact ? WireTx.VerificationPolicy.Exact : WireTx.VerificationPolicy.Tolerance,
            request.RelativeTolerancePpb,
            request.AbsoluteTolerancePpb,
            units,
            price.ToString(CultureInfo.InvariantCulture),
            request.AttestationsRequired,
            deadline,
            (long)request.ClaimDuration.TotalSeconds);
        var result = await SendMessagesAsync(buyer, [message], cancellationToken).ConfigureAwait(false);
        var taskId = EventId(result, "task_posted", "task_id");
        return new TaskHandle(this, taskId, result.Height, units);
    }

    /// <summary>A handle to a task that is already on chain (to follow, wait for or download it).</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="postedHeight">The height it was posted at, or earlier (where <see cref="TaskHandle.DownloadResultsAsync"/> starts looking for submissions); 1 to scan from the start.</param>
    /// <param name="units">The number of units.</param>
    /// <returns>The handle (nothing is read until it is used).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="postedHeight"/> is below 1 or <paramref name="units"/> is zero.</exception>
    public TaskHandle GetTaskHandle(ulong taskId, long postedHeight, uint units)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(postedHeight, 1);
        ArgumentOutOfRangeException.ThrowIfZero(units);
        return new TaskHandle(this, taskId, postedHeight, units);
    }

    /// <summary>Reads a task.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, or <see langword="null"/> when there is none with that id.</returns>
    /// <exception cref="LightClientVerificationException">The answer does not match its proof or the trusted app hash.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<TaskInfo?> GetTaskAsync(ulong taskId, CancellationToken cancellationToken = default)
    {
        var raw = await QueryKeyAsync(TaskKeys.Task(taskId), cancellationToken).ConfigureAwait(false);
        return raw is null ? null : ToTaskInfo(Parse(TaskRecord.Parser, raw, "task"));
    }

    /// <summary>Reads a batch.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The batch, or <see langword="null"/> when there is none with that id.</returns>
    /// <exception cref="LightClientVerificationException">The answer does not match its proof or the trusted app hash.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<BatchInfo?> GetBatchAsync(ulong batchId, CancellationToken cancellationToken = default)
    {
        var raw = await QueryKeyAsync(TaskKeys.Batch(batchId), cancellationToken).ConfigureAwait(false);
        if (raw is null)
        {
            return null;
        }

        var b = Parse(BatchRecord.Parser, raw, "batch");
        return new BatchInfo(
            b.Id,
            b.TaskId,
            b.FirstUnit,
            b.Count,
            Addr(b.Miner),
            (BatchStatus)b.Status,
            DateTimeOffset.FromUnixTimeSeconds(b.ClaimExpires),
            b.ResultsRoot.Length == Hash32.Length ? new Hash32(b.ResultsRoot.Span) : null,
            [.. b.Attestations.Select(a => new AttestationInfo(Addr(a.Attester), new Amount(U128(a.Stake), Denom.Phnx)))],
            DateTimeOffset.FromUnixTimeSeconds(b.WindowEnd),
            [.. b.DisputedUnits]);
    }

    /// <summary>Reads a running dispute.</summary>
    /// <param name="disputeId">The dispute id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dispute, or <see langword="null"/> when there is none running with that id (resolved disputes are removed from state).</returns>
    /// <exception cref="LightClientVerificationException">The answer does not match its proof or the trusted app hash.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<DisputeInfo?> GetDisputeAsync(ulong disputeId, CancellationToken cancellationToken = default)
    {
        var raw = await QueryKeyAsync(TaskKeys.Dispute(disputeId), cancellationToken).ConfigureAwait(false);
        if (raw is null)
        {
            return null;
        }

        var d = Parse(DisputeRecord.Parser, raw, "dispute");
        return new DisputeInfo(
            d.Id,
            d.BatchId,
            d.TaskId,
            d.Unit,
            Addr(d.Challenger),
            new Amount(U128(d.ChallengerStake), Denom.Phnx),
            Addr(d.Miner),
            [.. d.Stakes.Select(s => Addr(s.Attester))],
            (DisputePhase)d.Phase,
            HashOf(d.OutputCid),
            HashOf(d.MinerTraceRoot),
            d.ChallengerTraceRoot.Length == Hash32.Length ? new Hash32(d.ChallengerTraceRoot.Span) : null,
            d.TraceLength,
            d.Turn == 0,
            TaskMarketModule.NextBisectIndex(d),
            DateTimeOffset.FromUnixTimeSeconds(d.Deadline));
    }

    /// <summary>Reads the state of one unit.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="unit">The unit index.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The unit's state and batch.</returns>
    /// <exception cref="LightClientVerificationException">The answer does not match its proof or the trusted app hash.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<UnitInfo> GetUnitAsync(ulong taskId, uint unit, CancellationToken cancellationToken = default)
    {
        var v = await QueryKeyAsync(TaskKeys.Unit(taskId, unit), cancellationToken).ConfigureAwait(false);
        if (v is null)
        {
            var task = await GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false);
            return new UnitInfo(taskId, unit, task is null || task.Status == TaskStatus.Accepting ? UnitState.Open : UnitState.Refunded, 0);
        }

        if (v.Length != 9)
        {
            throw new PhoenixProtocolViolationException("a unit record is not 9 bytes");
        }

        var batchId = BinaryPrimitives.ReadUInt64BigEndian(v.AsSpan(1));
        switch (v[0])
        {
            case 3:
                return new UnitInfo(taskId, unit, UnitState.Finalized, batchId);
            case 2:
                return new UnitInfo(taskId, unit, UnitState.Disputed, batchId);
        }

        var batch = await GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false)
            ?? throw new PhoenixProtocolViolationException($"unit {unit} of task {taskId} names batch {batchId}, which does not exist");
        var state = batch.Status switch
        {
            BatchStatus.Claimed => UnitState.Claimed,
            BatchStatus.Submitted => UnitState.Submitted,
            _ => UnitState.Attested,
        };
        return new UnitInfo(taskId, unit, state, batchId);
    }

    /// <summary>The bTASK an account earned in the market and has not redeemed (what <see cref="RedeemAsync"/> may redeem).</summary>
    /// <param name="address">The miner.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The redeemable bTASK.</returns>
    /// <exception cref="LightClientVerificationException">The answer does not match its proof or the trusted app hash.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Amount> GetRedeemableAsync(Address address, CancellationToken cancellationToken = default)
    {
        var v = await QueryKeyAsync(TaskKeys.Credit(address), cancellationToken).ConfigureAwait(false);
        return new Amount(v is { Length: 16 } ? BinaryPrimitives.ReadUInt128BigEndian(v) : UInt128.Zero, Denom.BTask);
    }

    /// <summary>The highest task id assigned so far (0 before the first task).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The id.</returns>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ulong> GetLatestTaskIdAsync(CancellationToken cancellationToken = default) => LatestIdAsync("task", cancellationToken);

    /// <summary>The highest batch id assigned so far (0 before the first claim).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The id.</returns>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ulong> GetLatestBatchIdAsync(CancellationToken cancellationToken = default) => LatestIdAsync("batch", cancellationToken);

    /// <summary>The highest dispute id assigned so far (0 before the first challenge).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The id.</returns>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ulong> GetLatestDisputeIdAsync(CancellationToken cancellationToken = default) => LatestIdAsync("dispute", cancellationToken);

    /// <summary>Cancels a task (buyer only): its open units are refunded.</summary>
    /// <param name="buyer">The buyer.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="buyer"/> is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="TaskErrors.NotBuyer"/>, <see cref="TaskErrors.TaskClosed"/>, ...).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> CancelTaskAsync(Wallet buyer, ulong taskId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(buyer);
        return SendMessagesAsync(buyer, [new CancelTaskMessage(taskId)], cancellationToken);
    }

    /// <summary>Claims units <c>[firstUnit, firstUnit + count)</c> as one batch, posting the bond.</summary>
    /// <param name="miner">The miner.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="firstUnit">The first unit.</param>
    /// <param name="count">Number of units (1 to 10,000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new batch id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="miner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is zero or above 10,000.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="TaskErrors.UnitNotOpen"/>, <see cref="TaskErrors.TaskClosed"/>, insufficient SPARK for the bond, ...).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ulong> ClaimUnitsAsync(Wallet miner, ulong taskId, uint firstUnit, uint count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(miner);
        ArgumentOutOfRangeException.ThrowIfZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, TaskMarketModule.MaxBatchUnits);
        var result = await SendMessagesAsync(miner, [new ClaimUnitsMessage(taskId, firstUnit, count)], cancellationToken).ConfigureAwait(false);
        return EventId(result, "units_claimed", "batch_id");
    }

    /// <summary>
    /// Submits a batch: uploads its <see cref="BatchManifest"/> (per-unit output id and trace root) as a blob and
    /// commits to its root with <c>SubmitBatch</c>, naming the manifest in the memo. Upload the outputs first.
    /// </summary>
    /// <param name="miner">The batch's miner.</param>
    /// <param name="batchId">The batch.</param>
    /// <param name="results">Per unit of the batch, in unit order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The manifest that was submitted.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="results"/> is empty or too large.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="TaskErrors.ClaimExpired"/>, <see cref="TaskErrors.NotMiner"/>, ...).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<BatchManifest> SubmitBatchAsync(Wallet miner, ulong batchId, IReadOnlyList<ClaimedResult> results, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(miner);
        var manifest = new BatchManifest(batchId, results);
        var manifestId = await Blobs.UploadAsync(manifest.ToBytes(), cancellationToken).ConfigureAwait(false);
        await SendMessagesAsync(miner, [new SubmitBatchMessage(batchId, manifest.Root.ToArray())], cancellationToken, BatchManifest.Memo(manifestId)).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>Attests a submitted batch as a bonded validator, locking PHNX stake until the units finalize.</summary>
    /// <param name="validator">The validator's operator.</param>
    /// <param name="batchId">The batch.</param>
    /// <param name="resultsRoot">The root the validator checked (must equal the submitted root).</param>
    /// <param name="stake">PHNX to lock; must be worth at least the chain's multiple (2×) of the batch's value at the oracle price.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="validator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stake"/> is zero or not PHNX.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="TaskErrors.StakeTooLow"/>, <see cref="TaskErrors.NotBonded"/>, <see cref="TaskErrors.RootMismatch"/>, ...).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> AttestBatchAsync(Wallet validator, ulong batchId, Hash32 resultsRoot, Amount stake, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(validator);
        RequireDenom(stake, Denom.Phnx, nameof(stake), nonZero: true);
        return SendMessagesAsync(validator, [new AttestBatchMessage(batchId, resultsRoot.ToArray(), stake.Value.ToString(CultureInfo.InvariantCulture))], cancellationToken);
    }

    /// <summary>Challenges one unit of an attested batch within its challenge window, staking PHNX equal to the unit's share of the attested stake.</summary>
    /// <param name="challenger">The challenger.</param>
    /// <param name="manifest">The batch's manifest (proves the unit's leaf against the results root).</param>
    /// <param name="unit">The unit (a task unit index inside the batch).</param>
    /// <param name="firstUnit">The batch's first unit.</param>
    /// <param name="challengerTraceRoot">Exact policy: the challenger's own trace root for the unit; <see langword="null"/> for tolerance policy.</param>
    /// <param name="traceLength">Exact policy: the number of trace leaves; 0 for tolerance policy.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new dispute id.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unit"/> is outside the manifest's batch.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="TaskErrors.ChallengeWindowClosed"/>, <see cref="TaskErrors.AlreadyDisputed"/>, ...).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ulong> ChallengeUnitAsync(Wallet challenger, BatchManifest manifest, uint unit, uint firstUnit, Hash32? challengerTraceRoot, ulong traceLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenger);
        ArgumentNullException.ThrowIfNull(manifest);
        if (unit < firstUnit || unit - firstUnit >= manifest.Results.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(unit), unit, "The unit is not in the manifest's batch.");
        }

        var offset = (int)(unit - firstUnit);
        var claimed = manifest.Results[offset];
        var message = new ChallengeUnitMessage(
            manifest.BatchId,
            unit,
            claimed.OutputId.ToArray(),
            claimed.TraceRoot.ToArray(),
            [.. manifest.ProofOf(offset).Select(p => (ReadOnlyMemory<byte>)p.ToArray())],
            challengerTraceRoot is { } r ? r.ToArray() : ReadOnlyMemory<byte>.Empty,
            traceLength);
        var result = await SendMessagesAsync(challenger, [message], cancellationToken).ConfigureAwait(false);
        return EventId(result, "unit_challenged", "dispute_id");
    }

    /// <summary>Plays a move of the re-execution game: reveals the mover's trace leaf at the asked index with its audit path.</summary>
    /// <param name="mover">The miner or challenger whose turn it is.</param>
    /// <param name="disputeId">The dispute.</param>
    /// <param name="index">The index the game asks for (<see cref="DisputeInfo.NextIndex"/>).</param>
    /// <param name="leaf">The node digest at that index (the leaf data; the chain hashes it into the leaf <c>SHA-256(0x00 ‖ digest)</c>, see <c>TaskMarketModule.VerifyTraceLeaf</c>).</param>
    /// <param name="proof">The leaf's RFC 6962 audit path in the mover's trace tree.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="TaskErrors.WrongDisputePhase"/>, <see cref="TaskErrors.WrongIndex"/>, <see cref="TaskErrors.InvalidProof"/>).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> BisectAsync(Wallet mover, ulong disputeId, ulong index, Hash32 leaf, IReadOnlyList<Hash32> proof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mover);
        ArgumentNullException.ThrowIfNull(proof);
        return SendMessagesAsync(mover, [new BisectMessage(disputeId, index, leaf.ToArray(), [.. proof.Select(p => (ReadOnlyMemory<byte>)p.ToArray())])], cancellationToken);
    }

    /// <summary>Reports, as a bonded non-party validator on a dispute's committee, the output hash of the disputed graph node.</summary>
    /// <param name="validator">The validator's operator.</param>
    /// <param name="disputeId">The dispute.</param>
    /// <param name="outputHash">The leaf hash (<c>SHA-256(0x00 ‖ node digest)</c>) of the disputed node from re-execution, compared with the miner's revealed leaf.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="validator"/> is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> ReportNodeAsync(Wallet validator, ulong disputeId, Hash32 outputHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(validator);
        return SendMessagesAsync(validator, [new ReportNodeMessage(disputeId, outputHash.ToArray())], cancellationToken);
    }

    /// <summary>Votes, with bonded stake, in a tolerance-policy dispute.</summary>
    /// <param name="staker">A bonded staker who is not a party.</param>
    /// <param name="disputeId">The dispute.</param>
    /// <param name="uphold"><see langword="true"/> to keep the miner's result, <see langword="false"/> to overturn it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="staker"/> is <see langword="null"/>.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it.</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> VoteDisputeAsync(Wallet staker, ulong disputeId, bool uphold, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(staker);
        return SendMessagesAsync(staker, [new VoteDisputeMessage(disputeId, uphold)], cancellationToken);
    }

    /// <summary>Redeems bTASK earned in the market for the same amount of SPARK from escrow.</summary>
    /// <param name="miner">The holder.</param>
    /// <param name="amount">bTASK (non-zero, at most <see cref="GetRedeemableAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The committed result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="miner"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="amount"/> is zero or not bTASK.</exception>
    /// <exception cref="TransactionRejectedException">The chain refused it (<see cref="TaskErrors.NotRedeemable"/>).</exception>
    /// <exception cref="PhoenixException">The call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<BroadcastResult> RedeemAsync(Wallet miner, Amount amount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(miner);
        RequireDenom(amount, Denom.BTask, nameof(amount), nonZero: true);
        return SendMessagesAsync(miner, [new RedeemMessage(amount.Value.ToString(CultureInfo.InvariantCulture))], cancellationToken);
    }

    /// <summary>
    /// Finds and downloads a submitted batch's <see cref="BatchManifest"/>: the <c>SubmitBatch</c> transaction is
    /// looked up by <paramref name="submitTxHash"/> when known, else found by reading blocks from
    /// <paramref name="fromHeight"/>; the manifest must belong to the batch and reproduce its results root.
    /// </summary>
    /// <param name="batch">The batch (submitted or later).</param>
    /// <param name="fromHeight">Where to start reading blocks when the transaction hash is unknown.</param>
    /// <param name="submitTxHash">The <c>SubmitBatch</c> transaction's hash, when known (for example from a <c>batch_submitted</c> event).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The manifest, or <see langword="null"/> when none is found or it does not match the batch's root (the miner did not publish its results).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="PhoenixException">A call failed after retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<BatchManifest?> GetBatchManifestAsync(BatchInfo batch, long fromHeight, Hash32? submitTxHash = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.ResultsRoot is not { } root)
        {
            return null;
        }

        Hash32? manifestId = null;
        if (submitTxHash is { } hash && await GetTxAsync(hash, cancellationToken).ConfigureAwait(false) is { Pending: false } tx)
        {
            manifestId = ManifestIdIn(tx.Raw.Span, batch.Id);
        }

        if (manifestId is null)
        {
            var latest = (await GetStatusAsync(cancellationToken).ConfigureAwait(false)).LatestHeight;
            for (var h = Math.Max(1, fromHeight); h <= latest && manifestId is null; h++)
            {
                var block = await GetBlockAsync(h, cancellationToken).ConfigureAwait(false);
                foreach (var raw in block?.Transactions ?? [])
                {
                    if (ManifestIdIn(raw.Span, batch.Id) is { } found)
                    {
                        manifestId = found;
                        break;
                    }
                }
            }
        }

        if (manifestId is not { } id)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = await Blobs.DownloadAsync(id, 64 + (64L * TaskMarketModule.MaxBatchUnits), cancellationToken).ConfigureAwait(false);
        }
        catch (PhoenixRpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            return null;
        }

        return BatchManifest.TryParse(bytes, out var manifest) && manifest!.BatchId == batch.Id && manifest.Results.Count == batch.Count && manifest.Root == root
            ? manifest
            : null;
    }

    private static Hash32? ManifestIdIn(ReadOnlySpan<byte> raw, ulong batchId)
    {
        var decoded = SdkTxDecoderAccess.Decode(raw);
        if (decoded is null || !decoded.Messages.OfType<SubmitBatchMessage>().Any(m => m.BatchId == batchId))
        {
            return null;
        }

        return BatchManifest.TryParseMemo(decoded.Memo, out var id) ? id : null;
    }

    internal async Task<byte[]?> QueryKeyAsync(byte[] key, CancellationToken cancellationToken)
    {
        var prove = _trusted is not null;
        var r = await Pipeline.ExecuteAsync(
            async (uri, token) => await GetNode(uri).Api.QueryStateAsync(new Wire.QueryStateRequest { Path = "/store/key", Data = ByteString.CopyFrom(key), Prove = prove }, cancellationToken: token).ConfigureAwait(false),
            Idempotency.Idempotent,
            cancellationToken).ConfigureAwait(false);
        if (r.Code != 0)
        {
            throw new QueryFailedException("/store/key", r.Code, r.Codespace, r.Log);
        }

        var absent = r.Value.IsEmpty && string.Equals(r.Log, "absent", StringComparison.Ordinal);
        var value = absent ? null : r.Value.ToByteArray();
        if (prove)
        {
            var answer = new QueryAnswer("/store/key", r.Height, r.Key.ToByteArray(), r.Value.ToByteArray(), [.. r.ProofOps]);
            await VerifyAsync(answer, key, value ?? [], allowAbsent: absent, cancellationToken).ConfigureAwait(false);
        }

        return value;
    }

    private async Task<ulong> LatestIdAsync(string counter, CancellationToken cancellationToken)
    {
        var v = await QueryKeyAsync(TaskKeys.Counter(counter), cancellationToken).ConfigureAwait(false);
        return v is { Length: 8 } ? BinaryPrimitives.ReadUInt64BigEndian(v) - 1 : 0;
    }

    internal static ulong EventId(BroadcastResult result, string type, string attribute)
    {
        var value = result.Result?.Events.FirstOrDefault(e => e.Type == type)?.Attributes.FirstOrDefault(a => a.Key == attribute).Value;
        return ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new PhoenixProtocolViolationException($"the committed transaction carries no {type} event with a numeric {attribute}");
    }

    private static void Validate(TaskRequest request)
    {
        if (string.IsNullOrEmpty(request.Kind) || request.Kind.Length > 32 || request.Kind.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException("Kind must be 1-32 printable ASCII characters.", nameof(request));
        }

        if (request.Model.IsEmpty)
        {
            throw new ArgumentException("The model is empty.", nameof(request));
        }

        if (request.Inputs is null || request.Inputs.Count == 0 || request.Inputs.Count > TaskMarketModule.MaxUnits)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A task has 1 to {TaskMarketModule.MaxUnits} inputs (one per unit)."), nameof(request));
        }

        if (request.PricePerUnit.Denom != Denom.Spark || request.PricePerUnit.IsZero)
        {
            throw new ArgumentException("The price per unit must be a non-zero SPARK amount.", nameof(request));
        }

        if (request.AttestationsRequired is 0 or > TaskMarketModule.MaxAttestations)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"AttestationsRequired must be 1 to {TaskMarketModule.MaxAttestations}."), nameof(request));
        }

        if (request.Duration < TimeSpan.FromSeconds(1) || request.ClaimDuration < TimeSpan.FromSeconds(1) || request.ClaimDuration > TimeSpan.FromSeconds(TaskMarketModule.MaxClaimDurationSeconds))
        {
            throw new ArgumentException("Duration must be at least one second, and ClaimDuration between one second and 30 days.", nameof(request));
        }

        if (request.Mode == VerificationMode.Exact && (request.RelativeTolerancePpb != 0 || request.AbsoluteTolerancePpb != 0))
        {
            throw new ArgumentException("Exact verification takes no tolerances.", nameof(request));
        }

        if (request.Purchase is { } p && (p.MinPriceMicroUsd == 0 || p.MaxPhnx.Denom != Denom.Phnx))
        {
            throw new ArgumentException("A SparkPurchase needs a non-zero minimum price and a PHNX limit.", nameof(request));
        }
    }

    private static TaskInfo ToTaskInfo(TaskRecord t) => new(
        t.Id,
        Addr(t.Buyer),
        t.Kind,
        HashOf(t.ModelCid),
        HashOf(t.InputsCid),
        t.Policy == 2 ? VerificationMode.Tolerance : VerificationMode.Exact,
        t.RtolPpb,
        t.AtolPpb,
        t.Units,
        new Amount(U128(t.PricePerUnit), Denom.Spark),
        new Amount(U128(t.FeePerUnit), Denom.Spark),
        new Amount(U128(t.BondPerUnit), Denom.Spark),
        t.AttestationsRequired,
        DateTimeOffset.FromUnixTimeSeconds(t.Deadline),
        TimeSpan.FromSeconds(t.ClaimDuration),
        (TaskStatus)t.Status,
        t.OpenUnits,
        t.LiveUnits,
        t.FinalizedUnits,
        t.RefundedUnits);

    private static T Parse<T>(MessageParser<T> parser, byte[] raw, string what)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(raw);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new PhoenixProtocolViolationException($"the {what} record is not valid protobuf: {e.Message}");
        }
    }

    private static Address Addr(ByteString b) => b.Length == Address.Length
        ? new Address(b.Span)
        : throw new PhoenixProtocolViolationException("an address in a task record is not 20 bytes");

    private static Hash32 HashOf(ByteString b) => b.Length == Hash32.Length
        ? new Hash32(b.Span)
        : throw new PhoenixProtocolViolationException("a content id in a task record is not 32 bytes");

    private static UInt128 U128(ByteString b) => b.Length switch
    {
        0 => UInt128.Zero,
        16 => BinaryPrimitives.ReadUInt128BigEndian(b.Span),
        _ => throw new PhoenixProtocolViolationException("an amount in a task record is not 16 bytes"),
    };
}
