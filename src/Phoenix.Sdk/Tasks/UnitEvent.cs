using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Tasks;

/// <summary>What happened to some units of a task.</summary>
public enum UnitEventKind
{
    /// <summary>A miner claimed a range (<c>units_claimed</c>).</summary>
    Claimed,

    /// <summary>A miner submitted a batch's results root (<c>batch_submitted</c>).</summary>
    Submitted,

    /// <summary>A claim lapsed without a submission; its bond went to the buyer (<c>claim_expired</c>).</summary>
    ClaimExpired,

    /// <summary>A submitted batch got no attestations in time (<c>batch_unattested</c>).</summary>
    Unattested,

    /// <summary>A unit was challenged (<c>unit_challenged</c>).</summary>
    Challenged,

    /// <summary>A dispute ended (<c>dispute_resolved</c>); <see cref="UnitEvent.Detail"/> holds the verdict.</summary>
    DisputeResolved,

    /// <summary>Units were paid to their miner (<c>units_finalized</c>).</summary>
    Finalized,

    /// <summary>Units became claimable again (<c>units_reopened</c>).</summary>
    Reopened,

    /// <summary>Units were refunded to the buyer (<c>units_refunded</c>).</summary>
    Refunded,
}

/// <summary>A task-market event about one task, from the node's event stream.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="TaskId">The task.</param>
/// <param name="Height">The block it happened in.</param>
/// <param name="BatchId">The batch, when the event names one.</param>
/// <param name="FirstUnit">The first unit concerned, when the event names one.</param>
/// <param name="Count">Units concerned (1 for a single unit; 0 when the event does not say).</param>
/// <param name="Miner">The miner, when the event names one.</param>
/// <param name="DisputeId">The dispute, for challenge events.</param>
/// <param name="Detail">The verdict of a resolved dispute, or the reason of a refund; otherwise empty.</param>
public sealed record UnitEvent(UnitEventKind Kind, ulong TaskId, long Height, ulong? BatchId, uint? FirstUnit, uint Count, Address? Miner, ulong? DisputeId, string Detail);
