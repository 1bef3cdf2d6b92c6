using System.Globalization;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.State;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Tasks;

/// <summary>
/// The task market (DESIGN §4 "Tasks" and "Buy-back and burn"): posting with SPARK escrow, batched
/// claims with bonds, submissions of one RFC 6962 results root per batch, attestations by bonded
/// validators under the 2× value rule, the challenge window, disputes (the on-chain re-execution game
/// for exact-policy workloads, the stake-weighted vote for tolerance-policy ones), finalization that
/// mints bTASK, redemption, refunds, the 85/15 fee split and the hourly buy-back auction.
/// </summary>
/// <remarks>
/// <para>
/// Money lives in bank module accounts so the supply invariant covers it: <c>tasks_escrow</c> (SPARK:
/// unpaid unit prices and fees, and the price of finalized units until redeemed),
/// <c>tasks_bonds</c> (SPARK claim bonds), <c>tasks_challenges</c> (PHNX challenger stakes),
/// <c>tasks_buyback</c> (SPARK pool) and <c>tasks_asks</c> (PHNX escrowed by buy-back asks).
/// Attestation stake stays in staking and is locked and slashed through <see cref="ITaskStakingPort"/>.
/// </para>
/// <para>
/// Time is the block's BFT time only. Everything that happens "when time passes" (claim expiry,
/// deadlines, the end of challenge windows, missed moves, the end of votes, the auction) runs in
/// <see cref="EndBlock"/>, from time-ordered queues, so a block costs O(due items), not O(tasks).
/// </para>
/// </remarks>
public sealed partial class TaskMarketModule : PhoenixModule
{
    /// <summary>The module name (codespace and store prefix).</summary>
    public const string ModuleName = "tasks";

    /// <summary>Escrow account (SPARK).</summary>
    public const string EscrowAccount = "tasks_escrow";

    /// <summary>Claim bond account (SPARK).</summary>
    public const string BondAccount = "tasks_bonds";

    /// <summary>Challenger stake account (PHNX).</summary>
    public const string ChallengeAccount = "tasks_challenges";

    /// <summary>Buy-back pool (SPARK).</summary>
    public const string BuyBackAccount = "tasks_buyback";

    /// <summary>Escrowed buy-back asks (PHNX).</summary>
    public const string AskAccount = "tasks_asks";

    /// <summary>Maximum units per task.</summary>
    public const uint MaxUnits = 1_000_000;

    /// <summary>Maximum units per batch (one claim).</summary>
    public const uint MaxBatchUnits = 10_000;

    /// <summary>Maximum attestations a task may require.</summary>
    public const uint MaxAttestations = 16;

    /// <summary>Maximum claim duration (30 days).</summary>
    public const long MaxClaimDurationSeconds = 30L * 24 * 3600;

    /// <summary>One SPARK is 0.01 USD: micro-USD per SPARK.</summary>
    public const ulong MicroUsdPerSpark = 10_000;

    private readonly ITaskStakingPort _staking;
    private readonly ITaskPricePort _price;

    /// <summary>Creates the module.</summary>
    /// <param name="staking">Staking: bonded validators and stakers, locks and slashes.</param>
    /// <param name="price">The oracle's PHNX/USD price.</param>
    public TaskMarketModule(ITaskStakingPort staking, ITaskPricePort price)
    {
        ArgumentNullException.ThrowIfNull(staking);
        ArgumentNullException.ThrowIfNull(price);
        _staking = staking;
        _price = price;
    }

    /// <inheritdoc />
    public override string Name => ModuleName;

    /// <inheritdoc />
    public override void RegisterMessages(MessageRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<PostTaskMessage>(Message.SumOneofCase.PostTask, PostTaskMessage.Type, PostTaskMessage.TryConvert, HandlePostTask, Name);
        registry.Register<CancelTaskMessage>(Message.SumOneofCase.CancelTask, CancelTaskMessage.Type, CancelTaskMessage.TryConvert, HandleCancelTask, Name);
        registry.Register<ClaimUnitsMessage>(Message.SumOneofCase.ClaimUnits, ClaimUnitsMessage.Type, ClaimUnitsMessage.TryConvert, HandleClaimUnits, Name);
        registry.Register<SubmitBatchMessage>(Message.SumOneofCase.SubmitBatch, SubmitBatchMessage.Type, SubmitBatchMessage.TryConvert, HandleSubmitBatch, Name);
        registry.Register<AttestBatchMessage>(Message.SumOneofCase.AttestBatch, AttestBatchMessage.Type, AttestBatchMessage.TryConvert, HandleAttestBatch, Name);
        registry.Register<ChallengeUnitMessage>(Message.SumOneofCase.ChallengeUnit, ChallengeUnitMessage.Type, ChallengeUnitMessage.TryConvert, HandleChallengeUnit, Name);
        registry.Register<VoteDisputeMessage>(Message.SumOneofCase.VoteDispute, VoteDisputeMessage.Type, VoteDisputeMessage.TryConvert, HandleVoteDispute, Name);
        registry.Register<RedeemMessage>(Message.SumOneofCase.Redeem, RedeemMessage.Type, RedeemMessage.TryConvert, HandleRedeem, Name);
        registry.Register<BisectMessage>(Message.SumOneofCase.Bisect, BisectMessage.Type, BisectMessage.TryConvert, HandleBisect, Name);
        registry.Register<ReportNodeMessage>(Message.SumOneofCase.ReportNode, ReportNodeMessage.Type, ReportNodeMessage.TryConvert, HandleReportNode, Name);
        registry.Register<PlaceAskMessage>(Message.SumOneofCase.PlaceAsk, PlaceAskMessage.Type, PlaceAskMessage.TryConvert, HandlePlaceAsk, Name);
    }

    /// <inheritdoc />
    public override IReadOnlyList<ValidatorUpdate> InitGenesis(ModuleContext context, Genesis.Genesis genesis)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var account in new[] { EscrowAccount, BondAccount, ChallengeAccount, BuyBackAccount, AskAccount })
        {
            BankModule.CreateModuleAccount(context, account);
        }

        SetLastEpoch(context.State, Epoch(context));
        return [];
    }

    /// <inheritdoc />
    public override IReadOnlyList<ValidatorUpdate> EndBlock(ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ProcessDeadlines(context);
        ProcessClaimExpiries(context);
        ProcessUnattested(context);
        ProcessDisputeDeadlines(context);
        ProcessFinalizations(context);
        ProcessBuyBack(context);
        return [];
    }

    /// <summary>A task's record, or null.</summary>
    /// <param name="state">State to read.</param>
    /// <param name="taskId">The task id.</param>
    /// <returns>The record (a wire DTO: treat as read-only).</returns>
    public static TaskRecord? GetTask(IStateReader state, ulong taskId) => TaskStore.Read(state, TaskStore.TaskKey(taskId), TaskRecord.Parser);

    /// <summary>A batch's record, or null.</summary>
    /// <param name="state">State to read.</param>
    /// <param name="batchId">The batch id.</param>
    /// <returns>The record (a wire DTO: treat as read-only).</returns>
    public static BatchRecord? GetBatch(IStateReader state, ulong batchId) => TaskStore.Read(state, TaskStore.BatchKey(batchId), BatchRecord.Parser);

    /// <summary>A dispute's record, or null.</summary>
    /// <param name="state">State to read.</param>
    /// <param name="disputeId">The dispute id.</param>
    /// <returns>The record (a wire DTO: treat as read-only).</returns>
    public static DisputeRecord? GetDispute(IStateReader state, ulong disputeId) => TaskStore.Read(state, TaskStore.DisputeKey(disputeId), DisputeRecord.Parser);

    /// <summary>The bTASK an account earned in the market and has not redeemed yet.</summary>
    /// <param name="state">State to read.</param>
    /// <param name="address">The miner.</param>
    /// <returns>ubtask redeemable for SPARK.</returns>
    public static UInt128 RedeemableCredit(IStateReader state, Address address) => TaskStore.ReadU128(state, TaskStore.CreditKey(address));

    /// <summary>The lifecycle state of one unit.</summary>
    /// <param name="state">State to read.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="unit">The unit index.</param>
    /// <returns>The unit's state and, when in a batch, the batch id.</returns>
    public static (UnitState State, ulong BatchId) GetUnit(IStateReader state, ulong taskId, uint unit)
    {
        ArgumentNullException.ThrowIfNull(state);
        var v = state.Get(TaskStore.UnitKey(taskId, unit));
        if (v is null)
        {
            var task = GetTask(state, taskId);
            return (task is null || task.Status == TaskStore.TaskAccepting ? UnitState.Open : UnitState.Refunded, 0);
        }

        var batchId = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(v.AsSpan(1));
        if (v[0] == TaskStore.UnitFinalized)
        {
            return (UnitState.Finalized, batchId);
        }

        if (v[0] == TaskStore.UnitDisputed)
        {
            return (UnitState.Disputed, batchId);
        }

        var batch = GetBatch(state, batchId)!;
        return (batch.Status switch
        {
            TaskStore.BatchClaimed => UnitState.Claimed,
            TaskStore.BatchSubmitted => UnitState.Submitted,
            _ => UnitState.Attested,
        }, batchId);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Checks that each module account holds exactly what the market's records say it should:
    /// escrow = Σ live units × (price + fee) + Σ unredeemed credits; bonds = Σ bonds of open batches and
    /// disputes; challenges = Σ open challenger stakes; asks = Σ open asks; and per task
    /// live + finalized + refunded = units. A full pass over every market record; <see cref="TaskMarketAudit"/> keeps the
    /// same checks incrementally for callers that check after every block.
    /// </remarks>
    public override IEnumerable<string> CheckInvariants(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return TaskMarketAudit.Load(state).Violations(state);
    }

    private static void Must(TxResult result)
    {
        if (!result.IsOk)
        {
            throw new InvalidOperationException("Task market accounting broke an invariant: " + result);
        }
    }

    private static string S(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    private static string S(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The lifecycle state of a unit (DESIGN §4).</summary>
public enum UnitState
{
    /// <summary>Claimable.</summary>
    Open,

    /// <summary>Claimed by a miner, awaiting its submission.</summary>
    Claimed,

    /// <summary>Submitted, awaiting attestations.</summary>
    Submitted,

    /// <summary>Attested; in (or past) the challenge window.</summary>
    Attested,

    /// <summary>Under dispute.</summary>
    Disputed,

    /// <summary>Paid: bTASK minted to the miner.</summary>
    Finalized,

    /// <summary>Refunded to the buyer (cancelled or past the deadline).</summary>
    Refunded,
}
