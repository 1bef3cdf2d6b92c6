using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Tasks;

/// <summary>Whether a task still accepts claims.</summary>
public enum TaskStatus
{
    /// <summary>Open for claims until its deadline.</summary>
    Accepting = 0,

    /// <summary>Cancelled by the buyer: its open units were refunded.</summary>
    Cancelled = 1,

    /// <summary>Past its deadline: its open units were refunded.</summary>
    Expired = 2,
}

/// <summary>A batch's place in the lifecycle (DESIGN §4).</summary>
public enum BatchStatus
{
    /// <summary>Claimed; the miner has until <see cref="BatchInfo.ClaimExpires"/> to submit.</summary>
    Claimed = 1,

    /// <summary>Submitted; waiting for attestations.</summary>
    Submitted = 2,

    /// <summary>Attested; the challenge window runs until <see cref="BatchInfo.WindowEnd"/>.</summary>
    Attested = 3,

    /// <summary>Settled (finalized, expired or unattested).</summary>
    Ended = 4,
}

/// <summary>How a dispute is being decided.</summary>
public enum DisputePhase
{
    /// <summary>Exact policy: miner and challenger bisect their trace commitments.</summary>
    Bisection = 1,

    /// <summary>Exact policy: bonded non-party validators report the disputed graph node's output hash.</summary>
    Committee = 2,

    /// <summary>Tolerance policy: bonded stakers vote with their stake.</summary>
    Vote = 3,
}

/// <summary>A task as recorded on chain.</summary>
/// <param name="Id">The task id.</param>
/// <param name="Buyer">Who posted (and paid for) it.</param>
/// <param name="Kind">The workload kind, such as <c>onnx/v1</c>.</param>
/// <param name="ModelId">The model blob's content id.</param>
/// <param name="InputsId">The input manifest's content id (the units' input content ids, 32 bytes each, in unit order).</param>
/// <param name="Mode">Exact or tolerance verification.</param>
/// <param name="RelativeTolerancePpb">rtol in parts per billion (tolerance mode).</param>
/// <param name="AbsoluteTolerancePpb">atol in parts per billion (tolerance mode).</param>
/// <param name="Units">Number of units.</param>
/// <param name="PricePerUnit">SPARK paid per finalized unit.</param>
/// <param name="FeePerUnit">SPARK fee escrowed per unit on top of the price.</param>
/// <param name="BondPerUnit">SPARK a miner bonds per claimed unit.</param>
/// <param name="AttestationsRequired">Attestations that open a batch's challenge window.</param>
/// <param name="Deadline">Block time after which nothing can be claimed or submitted.</param>
/// <param name="ClaimDuration">How long a claim waits for its submission.</param>
/// <param name="Status">Accepting, cancelled or expired.</param>
/// <param name="OpenUnits">Units claimable now.</param>
/// <param name="LiveUnits">Units not yet finalized or refunded.</param>
/// <param name="FinalizedUnits">Units paid to miners.</param>
/// <param name="RefundedUnits">Units refunded to the buyer.</param>
public sealed record TaskInfo(
    ulong Id,
    Address Buyer,
    string Kind,
    Hash32 ModelId,
    Hash32 InputsId,
    VerificationMode Mode,
    ulong RelativeTolerancePpb,
    ulong AbsoluteTolerancePpb,
    uint Units,
    Amount PricePerUnit,
    Amount FeePerUnit,
    Amount BondPerUnit,
    uint AttestationsRequired,
    DateTimeOffset Deadline,
    TimeSpan ClaimDuration,
    TaskStatus Status,
    uint OpenUnits,
    uint LiveUnits,
    uint FinalizedUnits,
    uint RefundedUnits)
{
    /// <summary>Whether every unit is finalized or refunded (nothing more will happen to the task).</summary>
    public bool IsComplete => (ulong)FinalizedUnits + RefundedUnits == Units;

    /// <summary>The workload as the executor and verifier contracts describe it (determinism class and parameters are not recorded on chain and are empty).</summary>
    /// <returns>The spec.</returns>
    public WorkloadSpec ToWorkloadSpec() => new(
        Kind,
        ModelId,
        Mode == VerificationMode.Exact ? VerificationPolicy.Exact : new VerificationPolicy(VerificationMode.Tolerance, RelativeTolerancePpb * 1000, AbsoluteTolerancePpb * 1000),
        string.Empty,
        ReadOnlyMemory<byte>.Empty);
}

/// <summary>One attestation behind a batch.</summary>
/// <param name="Attester">The validator operator.</param>
/// <param name="Stake">PHNX locked.</param>
public sealed record AttestationInfo(Address Attester, Amount Stake);

/// <summary>A batch (a claimed range of units) as recorded on chain.</summary>
/// <param name="Id">The batch id.</param>
/// <param name="TaskId">The task.</param>
/// <param name="FirstUnit">The first unit.</param>
/// <param name="Count">Number of units.</param>
/// <param name="Miner">Who claimed it.</param>
/// <param name="Status">Where it is in the lifecycle.</param>
/// <param name="ClaimExpires">When the claim lapses unless submitted.</param>
/// <param name="ResultsRoot">The submitted results root, or <see langword="null"/> before submission.</param>
/// <param name="Attestations">The attestations so far.</param>
/// <param name="WindowEnd">When the challenge window ends (meaningful once attested).</param>
/// <param name="DisputedUnits">Units of the batch under dispute.</param>
public sealed record BatchInfo(
    ulong Id,
    ulong TaskId,
    uint FirstUnit,
    uint Count,
    Address Miner,
    BatchStatus Status,
    DateTimeOffset ClaimExpires,
    Hash32? ResultsRoot,
    IReadOnlyList<AttestationInfo> Attestations,
    DateTimeOffset WindowEnd,
    IReadOnlyList<uint> DisputedUnits)
{
    /// <summary>Whether <paramref name="unit"/> lies in this batch.</summary>
    /// <param name="unit">A unit index of the task.</param>
    /// <returns><see langword="true"/> when <c>FirstUnit ≤ unit &lt; FirstUnit + Count</c>.</returns>
    public bool Contains(uint unit) => unit >= FirstUnit && unit - FirstUnit < Count;
}

/// <summary>A running dispute as recorded on chain.</summary>
/// <param name="Id">The dispute id.</param>
/// <param name="BatchId">The batch.</param>
/// <param name="TaskId">The task.</param>
/// <param name="Unit">The disputed unit.</param>
/// <param name="Challenger">Who challenged.</param>
/// <param name="ChallengerStake">PHNX the challenger staked.</param>
/// <param name="Miner">The batch's miner.</param>
/// <param name="Attesters">The attesters whose stake stands behind the unit.</param>
/// <param name="Phase">Bisection, committee or vote.</param>
/// <param name="OutputId">The miner's output content id for the unit.</param>
/// <param name="MinerTraceRoot">The miner's trace root.</param>
/// <param name="ChallengerTraceRoot">The challenger's trace root (exact policy).</param>
/// <param name="TraceLength">Number of trace leaves (exact policy).</param>
/// <param name="MinerToMove">In bisection: whether the miner moves next (otherwise the challenger).</param>
/// <param name="NextIndex">In bisection: the trace index the next move must reveal; in committee: the disputed node's index.</param>
/// <param name="Deadline">When the current phase (or move) times out.</param>
public sealed record DisputeInfo(
    ulong Id,
    ulong BatchId,
    ulong TaskId,
    uint Unit,
    Address Challenger,
    Amount ChallengerStake,
    Address Miner,
    IReadOnlyList<Address> Attesters,
    DisputePhase Phase,
    Hash32 OutputId,
    Hash32 MinerTraceRoot,
    Hash32? ChallengerTraceRoot,
    ulong TraceLength,
    bool MinerToMove,
    ulong NextIndex,
    DateTimeOffset Deadline)
{
    /// <summary>Whether <paramref name="address"/> is a party (miner, challenger or attester), who may not judge the dispute.</summary>
    /// <param name="address">An account.</param>
    /// <returns><see langword="true"/> for a party.</returns>
    public bool IsParty(Address address) => address == Miner || address == Challenger || Attesters.Contains(address);
}

/// <summary>The state of one unit.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Unit">The unit index.</param>
/// <param name="State">Open, claimed, submitted, attested, disputed, finalized or refunded.</param>
/// <param name="BatchId">The batch holding it, or 0 when open or refunded.</param>
public sealed record UnitInfo(ulong TaskId, uint Unit, UnitState State, ulong BatchId);

/// <summary>A finalized unit's output, verified against its content id.</summary>
/// <param name="Unit">The unit index.</param>
/// <param name="OutputId">The output's content id (as committed in the miner's batch root).</param>
/// <param name="Output">The output bytes.</param>
public sealed record UnitOutput(uint Unit, Hash32 OutputId, ReadOnlyMemory<byte> Output);
