using Microsoft.Extensions.Logging;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Agents.Internal;

/// <summary>Agent log messages (event ids 6300-6399).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6301, EventName = "AgentStarted", Level = LogLevel.Information, Message = "{Agent} {Address} started (kinds: {Kinds})")]
    public static partial void AgentStarted(ILogger logger, string agent, Address address, string kinds);

    [LoggerMessage(EventId = 6302, EventName = "AgentStopped", Level = LogLevel.Information, Message = "{Agent} {Address} stopped")]
    public static partial void AgentStopped(ILogger logger, string agent, Address address);

    [LoggerMessage(EventId = 6303, EventName = "AgentPassFailed", Level = LogLevel.Error, Message = "{Agent} {Address}: a pass at height {Height} failed; it runs again at the next block")]
    public static partial void AgentPassFailed(ILogger logger, string agent, Address address, long height, Exception exception);

    [LoggerMessage(EventId = 6310, EventName = "UnitsClaimed", Level = LogLevel.Information, Message = "Miner {Address} claimed units {FirstUnit}..+{Count} of task {TaskId} as batch {BatchId}")]
    public static partial void UnitsClaimed(ILogger logger, Address address, ulong taskId, uint firstUnit, uint count, ulong batchId);

    [LoggerMessage(EventId = 6311, EventName = "BatchSubmitted", Level = LogLevel.Information, Message = "Miner {Address} submitted batch {BatchId} with root {Root}")]
    public static partial void BatchSubmitted(ILogger logger, Address address, ulong batchId, Hash32 root);

    [LoggerMessage(EventId = 6312, EventName = "ClaimLost", Level = LogLevel.Warning, Message = "Miner {Address} lost batch {BatchId}: {Reason}")]
    public static partial void ClaimLost(ILogger logger, Address address, ulong batchId, string reason);

    [LoggerMessage(EventId = 6313, EventName = "ExecutionFailed", Level = LogLevel.Error, Message = "Miner {Address} failed to execute batch {BatchId}; the claim will expire and its bond goes to the buyer")]
    public static partial void ExecutionFailed(ILogger logger, Address address, ulong batchId, Exception exception);

    [LoggerMessage(EventId = 6314, EventName = "Redeemed", Level = LogLevel.Information, Message = "Miner {Address} redeemed {Amount}")]
    public static partial void Redeemed(ILogger logger, Address address, Amount amount);

    [LoggerMessage(EventId = 6315, EventName = "ClaimRaced", Level = LogLevel.Debug, Message = "Miner {Address} lost the race for units of task {TaskId}: {Reason}")]
    public static partial void ClaimRaced(ILogger logger, Address address, ulong taskId, string reason);

    [LoggerMessage(EventId = 6320, EventName = "BisectMove", Level = LogLevel.Information, Message = "{Address} revealed trace index {Index} in dispute {DisputeId}")]
    public static partial void BisectMove(ILogger logger, Address address, ulong disputeId, ulong index);

    [LoggerMessage(EventId = 6321, EventName = "NoTraceSource", Level = LogLevel.Warning, Message = "{Address} cannot play dispute {DisputeId}: no IUnitTraceSource for kind {Kind}")]
    public static partial void NoTraceSource(ILogger logger, Address address, ulong disputeId, string kind);

    [LoggerMessage(EventId = 6322, EventName = "DisputeActionRejected", Level = LogLevel.Warning, Message = "{Address}: the chain refused an action in dispute {DisputeId}")]
    public static partial void DisputeActionRejected(ILogger logger, Address address, ulong disputeId, Exception exception);

    [LoggerMessage(EventId = 6330, EventName = "BatchAttested", Level = LogLevel.Information, Message = "Validator {Address} attested batch {BatchId} ({Checked} of {Count} units re-executed) with {Stake}")]
    public static partial void BatchAttested(ILogger logger, Address address, ulong batchId, int @checked, uint count, Amount stake);

    [LoggerMessage(EventId = 6331, EventName = "WrongResult", Level = LogLevel.Warning, Message = "Validator {Address} found unit {Unit} of batch {BatchId} wrong: {Reason}")]
    public static partial void WrongResult(ILogger logger, Address address, ulong batchId, uint unit, string reason);

    [LoggerMessage(EventId = 6332, EventName = "UnitChallenged", Level = LogLevel.Information, Message = "Validator {Address} challenged unit {Unit} of batch {BatchId} (dispute {DisputeId})")]
    public static partial void UnitChallenged(ILogger logger, Address address, ulong batchId, uint unit, ulong disputeId);

    [LoggerMessage(EventId = 6333, EventName = "NodeReported", Level = LogLevel.Information, Message = "Validator {Address} reported node {Index} of dispute {DisputeId}")]
    public static partial void NodeReported(ILogger logger, Address address, ulong disputeId, ulong index);

    [LoggerMessage(EventId = 6334, EventName = "DisputeVoted", Level = LogLevel.Information, Message = "Validator {Address} voted uphold={Uphold} in dispute {DisputeId}")]
    public static partial void DisputeVoted(ILogger logger, Address address, ulong disputeId, bool uphold);

    [LoggerMessage(EventId = 6335, EventName = "PriceReported", Level = LogLevel.Debug, Message = "Validator {Address} reported {PriceMicroUsd} micro-USD/PHNX")]
    public static partial void PriceReported(ILogger logger, Address address, ulong priceMicroUsd);

    [LoggerMessage(EventId = 6336, EventName = "BatchNotAttested", Level = LogLevel.Warning, Message = "Validator {Address} does not attest batch {BatchId}: {Reason}")]
    public static partial void BatchNotAttested(ILogger logger, Address address, ulong batchId, string reason);

    [LoggerMessage(EventId = 6337, EventName = "AttestRejected", Level = LogLevel.Warning, Message = "Validator {Address}: the chain refused the attestation of batch {BatchId}")]
    public static partial void AttestRejected(ILogger logger, Address address, ulong batchId, Exception exception);

    [LoggerMessage(EventId = 6338, EventName = "PriceReportRejected", Level = LogLevel.Warning, Message = "Validator {Address}: the chain refused the price report")]
    public static partial void PriceReportRejected(ILogger logger, Address address, Exception exception);
}
