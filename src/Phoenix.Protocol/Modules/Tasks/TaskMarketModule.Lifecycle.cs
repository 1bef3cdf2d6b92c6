using System.Buffers.Binary;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Wire.State;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Tasks;

public sealed partial class TaskMarketModule
{
    private static TxResult Fail(ResultCode code, string log) => TxResult.Fail(code, log);

    private TxResult HandlePostTask(ModuleContext context, PostTaskMessage m)
    {
        if (m.Kind.Length is 0 or > 32 || m.Kind.Any(c => c is < '!' or > '~'))
        {
            return Fail(TaskErrors.InvalidWorkloadKind, "kind must be 1-32 printable ASCII characters.");
        }

        if (m.ModelCid.Length != Hash32.Length || m.InputsCid.Length != Hash32.Length)
        {
            return Fail(TaskErrors.InvalidContentId, "model_cid and inputs_cid must be 32-byte content ids.");
        }

        var policyOk = m.Policy switch
        {
            VerificationPolicy.Exact => m.RtolPpb == 0 && m.AtolPpb == 0,
            VerificationPolicy.Tolerance => true,
            _ => false,
        };
        if (!policyOk)
        {
            return Fail(TaskErrors.InvalidPolicy, "policy must be exact (no tolerances) or tolerance.");
        }

        if (m.Units == 0 || m.Units > MaxUnits)
        {
            return Fail(TaskErrors.InvalidUnits, $"units must be 1 to {MaxUnits}.");
        }

        if (!TaskStore.TryParseAmount(m.PricePerUnit, out var price))
        {
            return Fail(TaskErrors.InvalidPrice, "price_per_unit must be a canonical, non-zero uspark amount.");
        }

        if (m.AttestationsRequired == 0 || m.AttestationsRequired > MaxAttestations)
        {
            return Fail(TaskErrors.InvalidAttestationsRequired, $"attestations_required must be 1 to {MaxAttestations}.");
        }

        if (m.DeadlineUnixSeconds <= context.Time.Seconds)
        {
            return Fail(TaskErrors.InvalidDeadline, "The deadline must be after the block time.");
        }

        if (m.ClaimDurationSeconds <= 0 || m.ClaimDurationSeconds > MaxClaimDurationSeconds)
        {
            return Fail(TaskErrors.InvalidClaimDuration, "claim_duration_seconds must be positive and at most 30 days.");
        }

        UInt128 fee, bond, escrow;
        try
        {
            fee = context.Parameters.TaskFeeRate.MultiplyFloor(price);
            bond = context.Parameters.ClaimBondRate.MultiplyFloor(price);
            escrow = checked(m.Units * (price + fee));
        }
        catch (OverflowException)
        {
            return Fail(TaskErrors.AmountOverflow, "units × price × (1 + fee rate) overflows.");
        }

        var buyer = context.Signer!.Value;
        var paid = BankModule.SendToModule(context, buyer, EscrowAccount, new Amount(escrow, Denom.Spark));
        if (!paid.IsOk)
        {
            return paid;
        }

        var id = TaskStore.NextId(context.State, "task");
        var task = new TaskRecord
        {
            Id = id,
            Buyer = TaskStore.Addr(buyer),
            Kind = m.Kind,
            ModelCid = Google.Protobuf.ByteString.CopyFrom(m.ModelCid.Span),
            InputsCid = Google.Protobuf.ByteString.CopyFrom(m.InputsCid.Span),
            Policy = (uint)m.Policy,
            RtolPpb = m.RtolPpb,
            AtolPpb = m.AtolPpb,
            Units = m.Units,
            PricePerUnit = TaskStore.U128(price),
            FeePerUnit = TaskStore.U128(fee),
            BondPerUnit = TaskStore.U128(bond),
            AttestationsRequired = m.AttestationsRequired,
            Deadline = m.DeadlineUnixSeconds,
            ClaimDuration = m.ClaimDurationSeconds,
            Status = TaskStore.TaskAccepting,
            LiveUnits = m.Units,
            OpenUnits = m.Units,
        };
        TaskStore.Write(context.State, TaskStore.TaskKey(id), task);
        context.State.Set(TaskStore.QueueKey(TaskStore.QueueDeadline, m.DeadlineUnixSeconds, id), [1]);
        context.Emit("task_posted", ("task_id", S(id)), ("buyer", buyer.ToString()), ("units", S(m.Units)),
            ("price_per_unit", S(price)), ("escrow", new Amount(escrow, Denom.Spark).ToString()), ("kind", m.Kind));
        return TxResult.Success();
    }

    private static TxResult HandleCancelTask(ModuleContext context, CancelTaskMessage m)
    {
        if (GetTask(context.State, m.TaskId) is not { } task)
        {
            return Fail(TaskErrors.TaskNotFound, $"No task {m.TaskId}.");
        }

        if (TaskStore.Addr(task.Buyer) != context.Signer)
        {
            return Fail(TaskErrors.NotBuyer, "Only the buyer can cancel a task.");
        }

        if (task.Status != TaskStore.TaskAccepting)
        {
            return Fail(TaskErrors.TaskClosed, "The task is already cancelled or past its deadline.");
        }

        task.Status = TaskStore.TaskCancelled;
        RefundOpenUnits(context, task, "cancelled");
        return TxResult.Success();
    }

    private static void RefundOpenUnits(ModuleContext context, TaskRecord task, string reason)
    {
        var n = task.OpenUnits;
        var refund = n * (TaskStore.U128(task.PricePerUnit) + TaskStore.U128(task.FeePerUnit));
        if (n > 0)
        {
            Must(BankModule.SendFromModule(context, EscrowAccount, TaskStore.Addr(task.Buyer), new Amount(refund, Denom.Spark)));
        }

        task.OpenUnits = 0;
        task.LiveUnits -= n;
        task.RefundedUnits += n;
        TaskStore.Write(context.State, TaskStore.TaskKey(task.Id), task);
        context.Emit("units_refunded", ("task_id", S(task.Id)), ("units", S(n)), ("amount", new Amount(refund, Denom.Spark).ToString()), ("reason", reason));
    }

    private static TxResult HandleClaimUnits(ModuleContext context, ClaimUnitsMessage m)
    {
        if (GetTask(context.State, m.TaskId) is not { } task)
        {
            return Fail(TaskErrors.TaskNotFound, $"No task {m.TaskId}.");
        }

        if (task.Status != TaskStore.TaskAccepting || context.Time.Seconds >= task.Deadline)
        {
            return Fail(TaskErrors.TaskClosed, "The task no longer accepts claims.");
        }

        if (m.Count == 0 || (ulong)m.FirstUnit + m.Count > task.Units)
        {
            return Fail(TaskErrors.InvalidUnitRange, "The range is empty or outside the task.");
        }

        if (m.Count > MaxBatchUnits)
        {
            return Fail(TaskErrors.BatchTooLarge, $"A batch holds at most {MaxBatchUnits} units.");
        }

        for (var u = m.FirstUnit; u < m.FirstUnit + m.Count; u++)
        {
            if (context.State.Get(TaskStore.UnitKey(task.Id, u)) is not null)
            {
                return Fail(TaskErrors.UnitNotOpen, $"Unit {u} is not open.");
            }
        }

        var miner = context.Signer!.Value;
        var bond = m.Count * TaskStore.U128(task.BondPerUnit);
        if (bond != UInt128.Zero)
        {
            var paid = BankModule.SendToModule(context, miner, BondAccount, new Amount(bond, Denom.Spark));
            if (!paid.IsOk)
            {
                return paid;
            }
        }

        var id = TaskStore.NextId(context.State, "batch");
        var expires = Math.Min(checked(context.Time.Seconds + task.ClaimDuration), task.Deadline);
        var batch = new BatchRecord
        {
            Id = id,
            TaskId = task.Id,
            FirstUnit = m.FirstUnit,
            Count = m.Count,
            Miner = TaskStore.Addr(miner),
            Status = TaskStore.BatchClaimed,
            ClaimExpires = expires,
            ClaimHeight = context.Height,
        };
        var unitValue = new byte[9];
        unitValue[0] = TaskStore.UnitInBatch;
        BinaryPrimitives.WriteUInt64BigEndian(unitValue.AsSpan(1), id);
        for (var u = m.FirstUnit; u < m.FirstUnit + m.Count; u++)
        {
            context.State.Set(TaskStore.UnitKey(task.Id, u), unitValue);
        }

        task.OpenUnits -= m.Count;
        TaskStore.Write(context.State, TaskStore.TaskKey(task.Id), task);
        TaskStore.Write(context.State, TaskStore.BatchKey(id), batch);
        context.State.Set(TaskStore.QueueKey(TaskStore.QueueClaimExpiry, expires, id), [1]);
        context.Emit("units_claimed", ("task_id", S(task.Id)), ("batch_id", S(id)), ("miner", miner.ToString()),
            ("first_unit", S(m.FirstUnit)), ("count", S(m.Count)), ("bond", new Amount(bond, Denom.Spark).ToString()), ("expires", S((ulong)expires)));
        return TxResult.Success();
    }

    private static TxResult HandleSubmitBatch(ModuleContext context, SubmitBatchMessage m)
    {
        if (GetBatch(context.State, m.BatchId) is not { } batch)
        {
            return Fail(TaskErrors.BatchNotFound, $"No batch {m.BatchId}.");
        }

        if (TaskStore.Addr(batch.Miner) != context.Signer)
        {
            return Fail(TaskErrors.NotMiner, "Only the batch's miner can submit it.");
        }

        if (batch.Status != TaskStore.BatchClaimed)
        {
            return Fail(TaskErrors.WrongBatchState, "The batch is not awaiting a submission.");
        }

        if (context.Time.Seconds > batch.ClaimExpires)
        {
            return Fail(TaskErrors.ClaimExpired, "The claim expired.");
        }

        if (m.ResultsRoot.Length != Hash32.Length)
        {
            return Fail(TaskErrors.InvalidContentId, "results_root must be 32 bytes.");
        }

        var task = GetTask(context.State, batch.TaskId)!;
        context.State.Delete(TaskStore.QueueKey(TaskStore.QueueClaimExpiry, batch.ClaimExpires, batch.Id));
        batch.Status = TaskStore.BatchSubmitted;
        batch.ResultsRoot = Google.Protobuf.ByteString.CopyFrom(m.ResultsRoot.Span);
        TaskStore.Write(context.State, TaskStore.BatchKey(batch.Id), batch);

        // If attestations never come, the batch ends one challenge window after the deadline with no loss to anyone.
        var giveUp = checked(Math.Max(task.Deadline, context.Time.Seconds) + context.Parameters.ChallengeWindowSeconds);
        context.State.Set(TaskStore.QueueKey(TaskStore.QueueUnattested, giveUp, batch.Id), [1]);
        context.Emit("batch_submitted", ("task_id", S(batch.TaskId)), ("batch_id", S(batch.Id)), ("results_root", Convert.ToHexStringLower(m.ResultsRoot.Span)));
        return TxResult.Success();
    }

    private TxResult HandleAttestBatch(ModuleContext context, AttestBatchMessage m)
    {
        if (GetBatch(context.State, m.BatchId) is not { } batch)
        {
            return Fail(TaskErrors.BatchNotFound, $"No batch {m.BatchId}.");
        }

        if (batch.Status != TaskStore.BatchSubmitted)
        {
            return Fail(TaskErrors.WrongBatchState, "The batch is not awaiting attestations.");
        }

        if (!m.ResultsRoot.Span.SequenceEqual(batch.ResultsRoot.Span))
        {
            return Fail(TaskErrors.RootMismatch, "The attested root differs from the submitted one.");
        }

        var attester = context.Signer!.Value;
        if (TaskStore.Addr(batch.Miner) == attester)
        {
            return Fail(TaskErrors.SelfAttestation, "A miner cannot attest its own batch.");
        }

        if (!_staking.IsBondedValidator(context, attester))
        {
            return Fail(TaskErrors.NotBonded, "Only bonded validators attest.");
        }

        if (batch.Attestations.Any(a => TaskStore.Addr(a.Attester) == attester))
        {
            return Fail(TaskErrors.AlreadyDone, "Already attested.");
        }

        if (!TaskStore.TryParseAmount(m.Stake, out var stake))
        {
            return Fail(TaskErrors.InvalidAmount, "stake must be a canonical, non-zero uphnx amount.");
        }

        if (!_price.TryGetPrice(context, out var microUsd) || microUsd == 0)
        {
            return Fail(TaskErrors.PriceUnavailable, "The PHNX price is missing or stale.");
        }

        // stake (uphnx) × price (µUSD/PHNX) / 10^6 ≥ multiple × value (uspark) × 10^4 µUSD/SPARK / 10^6, exactly.
        var task = GetTask(context.State, batch.TaskId)!;
        var value = batch.Count * TaskStore.U128(task.PricePerUnit);
        var multiple = context.Parameters.AttestationStakeMultiple;
        var lhs = (System.Numerics.BigInteger)stake * microUsd * multiple.Denominator;
        var rhs = (System.Numerics.BigInteger)value * MicroUsdPerSpark * multiple.Numerator;
        if (lhs < rhs)
        {
            return Fail(TaskErrors.StakeTooLow, "The stake is worth less than the required multiple of the batch's value at the oracle price.");
        }

        if (_staking.AvailableStake(context, attester) < stake)
        {
            return Fail(TaskErrors.InsufficientStake, "Not enough unlocked bonded stake.");
        }

        var locked = _staking.Lock(context, attester, stake);
        if (!locked.IsOk)
        {
            return locked;
        }

        batch.Attestations.Add(new Attestation { Attester = TaskStore.Addr(attester), Stake = TaskStore.U128(stake) });
        context.Emit("batch_attested", ("batch_id", S(batch.Id)), ("attester", attester.ToString()), ("stake", new Amount(stake, Denom.Phnx).ToString()));
        if (batch.Attestations.Count >= task.AttestationsRequired)
        {
            batch.Status = TaskStore.BatchAttested;
            batch.WindowEnd = checked(context.Time.Seconds + context.Parameters.ChallengeWindowSeconds);
            context.State.Set(TaskStore.QueueKey(TaskStore.QueueFinalize, batch.WindowEnd, batch.Id), [1]);
            context.Emit("challenge_window_opened", ("batch_id", S(batch.Id)), ("window_end", S((ulong)batch.WindowEnd)));
        }

        TaskStore.Write(context.State, TaskStore.BatchKey(batch.Id), batch);
        return TxResult.Success();
    }

    private static TxResult HandleRedeem(ModuleContext context, RedeemMessage m)
    {
        if (!TaskStore.TryParseAmount(m.Amount, out var amount))
        {
            return Fail(TaskErrors.InvalidAmount, "amount must be a canonical, non-zero ubtask amount.");
        }

        var holder = context.Signer!.Value;
        var key = TaskStore.CreditKey(holder);
        var credit = TaskStore.ReadU128(context.State, key);
        if (credit < amount)
        {
            return Fail(TaskErrors.NotRedeemable, "More than the bTASK this account earned and has not redeemed.");
        }

        var burned = BankModule.Burn(context, holder, new Amount(amount, Denom.BTask));
        if (!burned.IsOk)
        {
            return burned;
        }

        TaskStore.WriteU128(context.State, key, credit - amount);
        Must(BankModule.SendFromModule(context, EscrowAccount, holder, new Amount(amount, Denom.Spark)));
        context.Emit("redeemed", ("holder", holder.ToString()), ("btask_burned", S(amount)), ("spark_paid", new Amount(amount, Denom.Spark).ToString()));
        return TxResult.Success();
    }

    /// <summary>Pays finalized units: bTASK to the miner (redeemable from escrow), the fee split to attesters (pro rata to weights) and the buy-back pool.</summary>
    private static void PayUnits(ModuleContext context, TaskRecord task, Address miner, uint n, IReadOnlyList<(Address Attester, UInt128 Weight)> weights, string source)
    {
        var price = TaskStore.U128(task.PricePerUnit);
        var earned = n * price;
        Must(BankModule.Mint(context, miner, new Amount(earned, Denom.BTask)));
        var creditKey = TaskStore.CreditKey(miner);
        TaskStore.WriteU128(context.State, creditKey, TaskStore.ReadU128(context.State, creditKey) + earned);

        var fee = n * TaskStore.U128(task.FeePerUnit);
        var attesterShare = context.Parameters.AttesterFeeShare.MultiplyFloor(fee);
        UInt128 totalWeight = 0;
        foreach (var (_, w) in weights)
        {
            totalWeight += w;
        }

        UInt128 paid = 0;
        if (totalWeight != UInt128.Zero)
        {
            foreach (var (attester, w) in weights)
            {
                var part = (UInt128)((System.Numerics.BigInteger)attesterShare * w / totalWeight);
                if (part != UInt128.Zero)
                {
                    Must(BankModule.SendFromModule(context, EscrowAccount, attester, new Amount(part, Denom.Spark)));
                    context.Emit("attester_fee_paid", ("task_id", S(task.Id)), ("attester", attester.ToString()), ("amount", new Amount(part, Denom.Spark).ToString()));
                    paid += part;
                }
            }
        }

        var toPool = fee - paid;
        if (toPool != UInt128.Zero)
        {
            Must(BankModule.SendFromModule(context, EscrowAccount, Address.ForModule(BuyBackAccount), new Amount(toPool, Denom.Spark)));
        }

        task.LiveUnits -= n;
        task.FinalizedUnits += n;
        TaskStore.Write(context.State, TaskStore.TaskKey(task.Id), task);
        context.Emit("units_finalized", ("task_id", S(task.Id)), ("miner", miner.ToString()), ("units", S(n)), ("btask_minted", S(earned)),
            ("fee_to_attesters", new Amount(paid, Denom.Spark).ToString()), ("fee_to_buyback", new Amount(toPool, Denom.Spark).ToString()), ("source", source));
    }

    /// <summary>Returns units to Open (or refunds them at once when the task no longer accepts claims).</summary>
    private static void ReopenUnits(ModuleContext context, TaskRecord task, uint first, uint count, IReadOnlySet<uint>? skip = null)
    {
        uint n = 0;
        for (var u = first; u < first + count; u++)
        {
            if (skip is not null && skip.Contains(u))
            {
                continue;
            }

            context.State.Delete(TaskStore.UnitKey(task.Id, u));
            n++;
        }

        task.OpenUnits += n;
        context.Emit("units_reopened", ("task_id", S(task.Id)), ("first_unit", S(first)), ("count", S(n)));
        if (task.Status != TaskStore.TaskAccepting)
        {
            RefundOpenUnits(context, task, "closed");
        }
        else
        {
            TaskStore.Write(context.State, TaskStore.TaskKey(task.Id), task);
        }
    }
}
