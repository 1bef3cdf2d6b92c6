using Google.Protobuf;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Tasks;

// Conversion from the wire is structural only; each field is validated by the handler, which
// returns a typed TaskErrors code for every invalid field (so a client learns which field is wrong).

/// <summary>Posts a task and escrows <c>units × (price + fee)</c> SPARK (wire <c>MsgPostTask</c>, type id 100).</summary>
/// <param name="Kind">Workload kind, such as <c>onnx/v1</c>.</param>
/// <param name="ModelCid">Model content id (32 bytes).</param>
/// <param name="InputsCid">Content id of the input manifest (the units' input content ids, 32 bytes each, in unit order).</param>
/// <param name="Policy">Verification policy.</param>
/// <param name="RtolPpb">Relative tolerance in parts per billion (tolerance policy only).</param>
/// <param name="AtolPpb">Absolute tolerance in parts per billion (tolerance policy only).</param>
/// <param name="Units">Number of units.</param>
/// <param name="PricePerUnit">uspark per unit, canonical decimal.</param>
/// <param name="AttestationsRequired">Attestations that open the challenge window.</param>
/// <param name="DeadlineUnixSeconds">Block time after which nothing can be claimed or submitted.</param>
/// <param name="ClaimDurationSeconds">How long a claim may wait for its submission.</param>
public sealed record PostTaskMessage(
    string Kind,
    ReadOnlyMemory<byte> ModelCid,
    ReadOnlyMemory<byte> InputsCid,
    VerificationPolicy Policy,
    ulong RtolPpb,
    ulong AtolPpb,
    uint Units,
    string PricePerUnit,
    uint AttestationsRequired,
    long DeadlineUnixSeconds,
    long ClaimDurationSeconds) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/post_task";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new()
    {
        PostTask = new MsgPostTask
        {
            Workload = new Workload
            {
                Kind = Kind,
                ModelCid = ByteString.CopyFrom(ModelCid.Span),
                InputsCid = ByteString.CopyFrom(InputsCid.Span),
                Policy = Policy,
                RtolPpb = RtolPpb,
                AtolPpb = AtolPpb,
            },
            Units = Units,
            PricePerUnit = PricePerUnit,
            AttestationsRequired = AttestationsRequired,
            DeadlineUnixSeconds = DeadlineUnixSeconds,
            ClaimDurationSeconds = ClaimDurationSeconds,
        },
    };

    internal static bool TryConvert(Message wire, out PostTaskMessage? message, out string error)
    {
        var m = wire.PostTask;
        var w = m.Workload ?? new Workload();
        message = new PostTaskMessage(w.Kind, w.ModelCid.ToByteArray(), w.InputsCid.ToByteArray(), w.Policy, w.RtolPpb, w.AtolPpb,
            m.Units, m.PricePerUnit, m.AttestationsRequired, m.DeadlineUnixSeconds, m.ClaimDurationSeconds);
        error = string.Empty;
        return true;
    }
}

/// <summary>Cancels a task: its open units are refunded to the buyer (wire <c>MsgCancelTask</c>, type id 101).</summary>
/// <param name="TaskId">The task.</param>
public sealed record CancelTaskMessage(ulong TaskId) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/cancel_task";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { CancelTask = new MsgCancelTask { TaskId = TaskId } };

    internal static bool TryConvert(Message wire, out CancelTaskMessage? message, out string error)
    {
        message = new CancelTaskMessage(wire.CancelTask.TaskId);
        error = string.Empty;
        return true;
    }
}

/// <summary>Claims units <c>[FirstUnit, FirstUnit + Count)</c> as one batch, posting the bond (wire <c>MsgClaimUnits</c>, type id 102).</summary>
/// <param name="TaskId">The task.</param>
/// <param name="FirstUnit">First unit index.</param>
/// <param name="Count">Number of units.</param>
public sealed record ClaimUnitsMessage(ulong TaskId, uint FirstUnit, uint Count) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/claim_units";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { ClaimUnits = new MsgClaimUnits { TaskId = TaskId, FirstUnit = FirstUnit, Count = Count } };

    internal static bool TryConvert(Message wire, out ClaimUnitsMessage? message, out string error)
    {
        var m = wire.ClaimUnits;
        message = new ClaimUnitsMessage(m.TaskId, m.FirstUnit, m.Count);
        error = string.Empty;
        return true;
    }
}

/// <summary>Submits a batch's results root (wire <c>MsgSubmitBatch</c>, type id 103).</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="ResultsRoot">RFC 6962 root over the units' leaves (output content id ‖ trace root).</param>
public sealed record SubmitBatchMessage(ulong BatchId, ReadOnlyMemory<byte> ResultsRoot) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/submit_batch";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { SubmitBatch = new MsgSubmitBatch { BatchId = BatchId, ResultsRoot = ByteString.CopyFrom(ResultsRoot.Span) } };

    internal static bool TryConvert(Message wire, out SubmitBatchMessage? message, out string error)
    {
        var m = wire.SubmitBatch;
        message = new SubmitBatchMessage(m.BatchId, m.ResultsRoot.ToByteArray());
        error = string.Empty;
        return true;
    }
}

/// <summary>Attests a submitted batch, locking bonded PHNX stake (wire <c>MsgAttestBatch</c>, type id 104).</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="ResultsRoot">The root the attester checked (must equal the submitted one).</param>
/// <param name="Stake">uphnx to lock, canonical decimal.</param>
public sealed record AttestBatchMessage(ulong BatchId, ReadOnlyMemory<byte> ResultsRoot, string Stake) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/attest_batch";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { AttestBatch = new MsgAttestBatch { BatchId = BatchId, ResultsRoot = ByteString.CopyFrom(ResultsRoot.Span), Stake = Stake } };

    internal static bool TryConvert(Message wire, out AttestBatchMessage? message, out string error)
    {
        var m = wire.AttestBatch;
        message = new AttestBatchMessage(m.BatchId, m.ResultsRoot.ToByteArray(), m.Stake);
        error = string.Empty;
        return true;
    }
}

/// <summary>Challenges one unit of an attested batch (wire <c>MsgChallengeUnit</c>, type id 105).</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="Unit">The unit index (within the task).</param>
/// <param name="OutputCid">The miner's output content id for the unit.</param>
/// <param name="TraceRoot">The miner's trace root for the unit.</param>
/// <param name="Proof">RFC 6962 audit path of the leaf in the batch, 32 bytes per entry.</param>
/// <param name="ChallengerTraceRoot">Exact policy: the challenger's trace root.</param>
/// <param name="TraceLength">Exact policy: the number of trace leaves (graph nodes).</param>
public sealed record ChallengeUnitMessage(
    ulong BatchId,
    uint Unit,
    ReadOnlyMemory<byte> OutputCid,
    ReadOnlyMemory<byte> TraceRoot,
    IReadOnlyList<ReadOnlyMemory<byte>> Proof,
    ReadOnlyMemory<byte> ChallengerTraceRoot,
    ulong TraceLength) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/challenge_unit";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire()
    {
        var m = new MsgChallengeUnit
        {
            BatchId = BatchId,
            Unit = Unit,
            OutputCid = ByteString.CopyFrom(OutputCid.Span),
            TraceRoot = ByteString.CopyFrom(TraceRoot.Span),
            ChallengerTraceRoot = ByteString.CopyFrom(ChallengerTraceRoot.Span),
            TraceLength = TraceLength,
        };
        m.Proof.AddRange(Proof.Select(p => ByteString.CopyFrom(p.Span)));
        return new Message { ChallengeUnit = m };
    }

    internal static bool TryConvert(Message wire, out ChallengeUnitMessage? message, out string error)
    {
        var m = wire.ChallengeUnit;
        message = null;
        if (m.Proof.Count > 64)
        {
            error = "proof has more than 64 entries.";
            return false;
        }

        message = new ChallengeUnitMessage(m.BatchId, m.Unit, m.OutputCid.ToByteArray(), m.TraceRoot.ToByteArray(),
            [.. m.Proof.Select(p => (ReadOnlyMemory<byte>)p.ToByteArray())], m.ChallengerTraceRoot.ToByteArray(), m.TraceLength);
        error = string.Empty;
        return true;
    }
}

/// <summary>A bonded staker's stake-weighted vote in a tolerance-policy dispute (wire <c>MsgVoteDispute</c>, type id 106).</summary>
/// <param name="DisputeId">The dispute.</param>
/// <param name="Uphold">True to keep the miner's result, false to overturn it.</param>
public sealed record VoteDisputeMessage(ulong DisputeId, bool Uphold) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/vote_dispute";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { VoteDispute = new MsgVoteDispute { DisputeId = DisputeId, Uphold = Uphold } };

    internal static bool TryConvert(Message wire, out VoteDisputeMessage? message, out string error)
    {
        message = new VoteDisputeMessage(wire.VoteDispute.DisputeId, wire.VoteDispute.Uphold);
        error = string.Empty;
        return true;
    }
}

/// <summary>Burns bTASK earned in the market and pays as much SPARK from escrow (wire <c>MsgRedeem</c>, type id 107).</summary>
/// <param name="Amount">ubtask, canonical decimal.</param>
public sealed record RedeemMessage(string Amount) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/redeem";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { Redeem = new MsgRedeem { Amount = Amount } };

    internal static bool TryConvert(Message wire, out RedeemMessage? message, out string error)
    {
        message = new RedeemMessage(wire.Redeem.Amount);
        error = string.Empty;
        return true;
    }
}

/// <summary>A move of the re-execution game: the party to move reveals its trace leaf at the asked index (wire <c>MsgBisect</c>, type id 108).</summary>
/// <param name="DisputeId">The dispute.</param>
/// <param name="Index">The trace index the game asks for.</param>
/// <param name="LeafHash">The hash of that graph node's outputs (the trace leaf data, 32 bytes).</param>
/// <param name="Proof">RFC 6962 audit path of the leaf in the mover's trace tree.</param>
public sealed record BisectMessage(ulong DisputeId, ulong Index, ReadOnlyMemory<byte> LeafHash, IReadOnlyList<ReadOnlyMemory<byte>> Proof) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/bisect";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire()
    {
        var m = new MsgBisect { DisputeId = DisputeId, Index = Index, LeafHash = ByteString.CopyFrom(LeafHash.Span) };
        m.Proof.AddRange(Proof.Select(p => ByteString.CopyFrom(p.Span)));
        return new Message { Bisect = m };
    }

    internal static bool TryConvert(Message wire, out BisectMessage? message, out string error)
    {
        var m = wire.Bisect;
        message = null;
        if (m.Proof.Count > 64)
        {
            error = "proof has more than 64 entries.";
            return false;
        }

        message = new BisectMessage(m.DisputeId, m.Index, m.LeafHash.ToByteArray(), [.. m.Proof.Select(p => (ReadOnlyMemory<byte>)p.ToByteArray())]);
        error = string.Empty;
        return true;
    }
}

/// <summary>A committee member's output hash from re-executing the disputed graph node (wire <c>MsgReportNode</c>, type id 109).</summary>
/// <param name="DisputeId">The dispute.</param>
/// <param name="OutputHash">The hash of the node's outputs.</param>
public sealed record ReportNodeMessage(ulong DisputeId, ReadOnlyMemory<byte> OutputHash) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/report_node";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { ReportNode = new MsgReportNode { DisputeId = DisputeId, OutputHash = ByteString.CopyFrom(OutputHash.Span) } };

    internal static bool TryConvert(Message wire, out ReportNodeMessage? message, out string error)
    {
        message = new ReportNodeMessage(wire.ReportNode.DisputeId, wire.ReportNode.OutputHash.ToByteArray());
        error = string.Empty;
        return true;
    }
}

/// <summary>A buy-back ask: sell PHNX at no less than a price, settled at the next epoch boundary (wire <c>MsgPlaceAsk</c>, type id 110).</summary>
/// <param name="PhnxAmount">uphnx offered, canonical decimal (escrowed).</param>
/// <param name="MinPrice">Minimum uspark per PHNX, canonical decimal.</param>
public sealed record PlaceAskMessage(string PhnxAmount, string MinPrice) : ITxMessage
{
    /// <summary>The type name.</summary>
    public const string Type = "tasks/place_ask";

    /// <inheritdoc />
    public string TypeName => Type;

    /// <summary>The wire form.</summary>
    /// <returns>The message.</returns>
    public Message ToWire() => new() { PlaceAsk = new MsgPlaceAsk { PhnxAmount = PhnxAmount, MinPrice = MinPrice } };

    internal static bool TryConvert(Message wire, out PlaceAskMessage? message, out string error)
    {
        message = new PlaceAskMessage(wire.PlaceAsk.PhnxAmount, wire.PlaceAsk.MinPrice);
        error = string.Empty;
        return true;
    }
}
