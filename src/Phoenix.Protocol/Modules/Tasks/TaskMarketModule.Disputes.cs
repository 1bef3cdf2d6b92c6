using System.Buffers.Binary;
using Google.Protobuf;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Wire.State;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Protocol.Modules.Tasks;

public sealed partial class TaskMarketModule
{
    private enum Verdict
    {
        Upheld,
        Overturned,
        Void,
    }

    private TxResult HandleChallengeUnit(ModuleContext context, ChallengeUnitMessage m)
    {
        if (GetBatch(context.State, m.BatchId) is not { } batch)
        {
            return Fail(TaskErrors.BatchNotFound, $"No batch {m.BatchId}.");
        }

        if (batch.Status != TaskStore.BatchAttested)
        {
            return Fail(TaskErrors.WrongBatchState, "Only attested batches can be challenged.");
        }

        if (context.Time.Seconds >= batch.WindowEnd)
        {
            return Fail(TaskErrors.ChallengeWindowClosed, "The challenge window is closed.");
        }

        if (m.Unit < batch.FirstUnit || m.Unit >= batch.FirstUnit + batch.Count)
        {
            return Fail(TaskErrors.UnitNotInBatch, $"Unit {m.Unit} is not in batch {batch.Id}.");
        }

        if (batch.DisputedUnits.Contains(m.Unit))
        {
            return Fail(TaskErrors.AlreadyDisputed, $"Unit {m.Unit} is already disputed.");
        }

        var challenger = context.Signer!.Value;
        var miner = TaskStore.Addr(batch.Miner);
        if (challenger == miner)
        {
            return Fail(TaskErrors.SelfAttestation, "A miner cannot challenge its own batch.");
        }

        if (m.OutputCid.Length != Hash32.Length || m.TraceRoot.Length != Hash32.Length || m.Proof.Any(p => p.Length != Hash32.Length))
        {
            return Fail(TaskErrors.InvalidContentId, "output_cid, trace_root and proof entries must be 32 bytes.");
        }

        var outputCid = new Hash32(m.OutputCid.Span);
        var minerTrace = new Hash32(m.TraceRoot.Span);
        var leaf = BatchMerkle.UnitLeaf(outputCid, minerTrace);
        if (!BatchMerkle.VerifyInclusion(m.Unit - batch.FirstUnit, batch.Count, leaf, [.. m.Proof.Select(p => new Hash32(p.Span))], TaskStore.Hash(batch.ResultsRoot)))
        {
            return Fail(TaskErrors.InvalidProof, "The leaf is not in the batch's results root.");
        }

        var task = GetTask(context.State, batch.TaskId)!;
        var exact = task.Policy == (uint)VerificationPolicy.Exact;
        if (exact && (m.ChallengerTraceRoot.Length != Hash32.Length || m.TraceLength == 0 || m.TraceLength > (1UL << 40)
                      || m.ChallengerTraceRoot.Span.SequenceEqual(m.TraceRoot.Span)))
        {
            return Fail(TaskErrors.InvalidTraceClaim, "An exact-policy challenge needs a different 32-byte trace root and a trace length.");
        }

        var dispute = new DisputeRecord
        {
            Id = TaskStore.NextId(context.State, "dispute"),
            BatchId = batch.Id,
            TaskId = task.Id,
            Unit = m.Unit,
            Challenger = TaskStore.Addr(challenger),
            Miner = batch.Miner,
            MinerBond = task.BondPerUnit,
            OutputCid = ByteString.CopyFrom(m.OutputCid.Span),
            MinerTraceRoot = ByteString.CopyFrom(m.TraceRoot.Span),
        };
        UInt128 total = 0;
        foreach (var a in batch.Attestations)
        {
            var portion = TaskStore.U128(a.Stake) / batch.Count;
            total += portion;
            dispute.Stakes.Add(new Attestation { Attester = a.Attester, Stake = TaskStore.U128(portion) });
        }

        if (total == UInt128.Zero)
        {
            return Fail(TaskErrors.InvalidAmount, "The unit has no attested stake behind it to dispute.");
        }

        var staked = BankModule.SendToModule(context, challenger, ChallengeAccount, new Amount(total, Denom.Phnx));
        if (!staked.IsOk)
        {
            return staked;
        }

        dispute.ChallengerStake = TaskStore.U128(total);
        if (exact)
        {
            dispute.Phase = TaskStore.PhaseBisect;
            dispute.ChallengerTraceRoot = ByteString.CopyFrom(m.ChallengerTraceRoot.Span);
            dispute.TraceLength = m.TraceLength;
            dispute.Lo = 0;
            dispute.Hi = m.TraceLength - 1;
            dispute.Turn = 0;
            dispute.Deadline = checked(context.Time.Seconds + context.Parameters.DisputeMoveTimeoutSeconds);
            dispute.TurnHeight = context.Height;
        }
        else
        {
            dispute.Phase = TaskStore.PhaseVote;
            dispute.Deadline = checked(context.Time.Seconds + context.Parameters.DisputeVotingSeconds);
        }

        batch.DisputedUnits.Add(m.Unit);
        TaskStore.Write(context.State, TaskStore.BatchKey(batch.Id), batch);
        var unitValue = new byte[9];
        unitValue[0] = TaskStore.UnitDisputed;
        BinaryPrimitives.WriteUInt64BigEndian(unitValue.AsSpan(1), batch.Id);
        context.State.Set(TaskStore.UnitKey(task.Id, m.Unit), unitValue);
        SaveDispute(context, dispute, previousDeadline: null);
        context.Emit("unit_challenged", ("dispute_id", S(dispute.Id)), ("task_id", S(task.Id)), ("batch_id", S(batch.Id)), ("unit", S(m.Unit)),
            ("challenger", challenger.ToString()), ("stake", new Amount(total, Denom.Phnx).ToString()), ("mode", exact ? "reexecution" : "vote"),
            ("deadline", S((ulong)dispute.Deadline)));
        return TxResult.Success();
    }

    /// <summary>
    /// The check a bisection move must pass: <paramref name="nodeDigest"/> is the data of leaf <paramref name="index"/>
    /// of the execution trace with root <paramref name="traceRoot"/> and <paramref name="traceLength"/> graph nodes.
    /// </summary>
    /// <remarks>
    /// The trace format is Phoenix.Compute's (<c>Phoenix.Compute.Commitments</c>, DESIGN §6): node digest
    /// <c>d_i = TraceNodeDigest(i, op_type, outputs)</c> (<c>ExecutionTrace.NodeDigests[i]</c>), leaf hash
    /// <c>SHA-256(0x00 ‖ d_i)</c> (<c>MerkleTree.LeafHash(i)</c>), root = the RFC 6962 root over the leaf hashes in
    /// graph order, proof = <c>MerkleTree.InclusionProof(i)</c> (leaf level first). A move carries the node digest
    /// <c>d_i</c> (the hash of the node's outputs) and the chain hashes it into the leaf; a committee member reports
    /// the node digest of its own re-execution of the disputed node, compared with the digest the miner revealed.
    /// </remarks>
    /// <param name="traceRoot">The mover's trace root.</param>
    /// <param name="traceLength">The number of graph nodes (leaves).</param>
    /// <param name="index">The leaf index.</param>
    /// <param name="nodeDigest">The node digest <c>d_i</c> (leaf data, not yet leaf-hashed).</param>
    /// <param name="proof">The audit path, leaf level first.</param>
    /// <returns>Whether the node digest is at <paramref name="index"/> in the trace. Never throws on malformed input.</returns>
    public static bool VerifyTraceLeaf(Hash32 traceRoot, ulong traceLength, ulong index, Hash32 nodeDigest, IReadOnlyList<Hash32> proof)
        => proof is not null && BatchMerkle.VerifyInclusion(index, traceLength, BatchMerkle.LeafHash(nodeDigest.ToArray()), proof, traceRoot);

    /// <summary>The trace index the re-execution game asks for next.</summary>
    /// <param name="dispute">The dispute.</param>
    /// <returns>The index.</returns>
    public static ulong NextBisectIndex(DisputeRecord dispute)
    {
        ArgumentNullException.ThrowIfNull(dispute);
        return dispute.Lo == dispute.Hi ? dispute.Hi : dispute.Lo + ((dispute.Hi - dispute.Lo) / 2);
    }

    private TxResult HandleBisect(ModuleContext context, BisectMessage m)
    {
        if (GetDispute(context.State, m.DisputeId) is not { } dispute)
        {
            return Fail(TaskErrors.DisputeNotFound, $"No dispute {m.DisputeId}.");
        }

        var mover = dispute.Turn == 0 ? dispute.Miner : dispute.Challenger;
        if (dispute.Phase != TaskStore.PhaseBisect || TaskStore.Addr(mover) != context.Signer || context.Time.Seconds >= dispute.Deadline)
        {
            return Fail(TaskErrors.WrongDisputePhase, "It is not the signer's move in a running re-execution game.");
        }

        var index = NextBisectIndex(dispute);
        if (m.Index != index)
        {
            return Fail(TaskErrors.WrongIndex, $"The game asks for trace index {index}.");
        }

        if (m.LeafHash.Length != Hash32.Length || m.Proof.Any(p => p.Length != Hash32.Length))
        {
            return Fail(TaskErrors.InvalidContentId, "leaf_hash and proof entries must be 32 bytes.");
        }

        var root = TaskStore.Hash(dispute.Turn == 0 ? dispute.MinerTraceRoot : dispute.ChallengerTraceRoot);
        if (!VerifyTraceLeaf(root, dispute.TraceLength, index, new Hash32(m.LeafHash.Span), [.. m.Proof.Select(p => new Hash32(p.Span))]))
        {
            return Fail(TaskErrors.InvalidProof, "The leaf is not in the mover's trace commitment.");
        }

        var previous = dispute.Deadline;
        var leaf = ByteString.CopyFrom(m.LeafHash.Span);
        context.Emit("bisect_move", ("dispute_id", S(dispute.Id)), ("index", S(index)), ("by", dispute.Turn == 0 ? "miner" : "challenger"),
            ("leaf_hash", Convert.ToHexStringLower(m.LeafHash.Span)));
        if (dispute.Turn == 0)
        {
            dispute.MinerLeaf = leaf;
            dispute.Turn = 1;
        }
        else
        {
            var agree = dispute.MinerLeaf.Equals(leaf);
            if (dispute.Lo == dispute.Hi)
            {
                dispute.MinerLeafHi = dispute.MinerLeaf;
                dispute.ChallengerLeafHi = leaf;
                if (agree)
                {
                    // The challenger's own trace agrees with the miner's at the end: nothing to dispute.
                    Resolve(context, dispute, Verdict.Upheld, "challenger_agrees");
                    return TxResult.Success();
                }

                dispute.Phase = TaskStore.PhaseCommittee;
            }
            else if (agree)
            {
                dispute.Lo = index + 1;
                if (dispute.Lo == dispute.Hi && !dispute.MinerLeafHi.IsEmpty)
                {
                    dispute.Phase = TaskStore.PhaseCommittee;
                }
            }
            else
            {
                dispute.Hi = index;
                dispute.MinerLeafHi = dispute.MinerLeaf;
                dispute.ChallengerLeafHi = leaf;
                if (dispute.Lo == dispute.Hi)
                {
                    dispute.Phase = TaskStore.PhaseCommittee;
                }
            }

            dispute.Turn = 0;
            dispute.MinerLeaf = ByteString.Empty;
            if (dispute.Phase == TaskStore.PhaseCommittee)
            {
                context.Emit("committee_called", ("dispute_id", S(dispute.Id)), ("node_index", S(dispute.Hi)),
                    ("miner_output", Convert.ToHexStringLower(dispute.MinerLeafHi.Span)), ("challenger_output", Convert.ToHexStringLower(dispute.ChallengerLeafHi.Span)));
            }
        }

        dispute.Deadline = checked(context.Time.Seconds + context.Parameters.DisputeMoveTimeoutSeconds);
        dispute.TurnHeight = context.Height;
        SaveDispute(context, dispute, previous);
        return TxResult.Success();
    }

    private TxResult HandleReportNode(ModuleContext context, ReportNodeMessage m)
    {
        if (GetDispute(context.State, m.DisputeId) is not { } dispute)
        {
            return Fail(TaskErrors.DisputeNotFound, $"No dispute {m.DisputeId}.");
        }

        if (dispute.Phase != TaskStore.PhaseCommittee || context.Time.Seconds >= dispute.Deadline)
        {
            return Fail(TaskErrors.WrongDisputePhase, "The dispute is not waiting for re-execution reports.");
        }

        var reporter = context.Signer!.Value;
        if (IsParty(dispute, reporter))
        {
            return Fail(TaskErrors.WrongDisputePhase, "Parties to the dispute cannot judge it.");
        }

        if (!_staking.IsBondedValidator(context, reporter))
        {
            return Fail(TaskErrors.NotBonded, "Only bonded validators sit on the committee.");
        }

        if (m.OutputHash.Length != Hash32.Length)
        {
            return Fail(TaskErrors.InvalidContentId, "output_hash must be 32 bytes.");
        }

        var key = TaskStore.DisputeMemberKey("wr", dispute.Id, reporter);
        if (context.State.Get(key) is not null)
        {
            return Fail(TaskErrors.AlreadyDone, "Already reported.");
        }

        var weight = _staking.BondedStake(context, reporter);
        var value = new byte[48];
        m.OutputHash.Span.CopyTo(value);
        BinaryPrimitives.WriteUInt128BigEndian(value.AsSpan(32), weight);
        context.State.Set(key, value);
        context.Emit("node_reported", ("dispute_id", S(dispute.Id)), ("reporter", reporter.ToString()), ("output_hash", Convert.ToHexStringLower(m.OutputHash.Span)), ("weight", S(weight)));
        return TxResult.Success();
    }

    private TxResult HandleVoteDispute(ModuleContext context, VoteDisputeMessage m)
    {
        if (GetDispute(context.State, m.DisputeId) is not { } dispute)
        {
            return Fail(TaskErrors.DisputeNotFound, $"No dispute {m.DisputeId}.");
        }

        if (dispute.Phase != TaskStore.PhaseVote || context.Time.Seconds >= dispute.Deadline)
        {
            return Fail(TaskErrors.WrongDisputePhase, "The dispute is not open for votes.");
        }

        var voter = context.Signer!.Value;
        if (IsParty(dispute, voter))
        {
            return Fail(TaskErrors.WrongDisputePhase, "Parties to the dispute cannot vote on it.");
        }

        var weight = _staking.BondedStake(context, voter);
        if (weight == UInt128.Zero)
        {
            return Fail(TaskErrors.NotBonded, "Only bonded stakers vote.");
        }

        var key = TaskStore.DisputeMemberKey("wv", dispute.Id, voter);
        if (context.State.Get(key) is not null)
        {
            return Fail(TaskErrors.AlreadyDone, "Already voted.");
        }

        context.State.Set(key, [m.Uphold ? (byte)1 : (byte)0]);
        if (m.Uphold)
        {
            dispute.StakeUphold = TaskStore.U128(TaskStore.U128(dispute.StakeUphold) + weight);
        }
        else
        {
            dispute.StakeOverturn = TaskStore.U128(TaskStore.U128(dispute.StakeOverturn) + weight);
        }

        TaskStore.Write(context.State, TaskStore.DisputeKey(dispute.Id), dispute);
        context.Emit("dispute_vote", ("dispute_id", S(dispute.Id)), ("voter", voter.ToString()), ("uphold", m.Uphold ? "true" : "false"), ("weight", S(weight)));
        return TxResult.Success();
    }

    private static bool IsParty(DisputeRecord dispute, Address who)
        => TaskStore.Addr(dispute.Miner) == who || TaskStore.Addr(dispute.Challenger) == who || dispute.Stakes.Any(s => TaskStore.Addr(s.Attester) == who);

    private static void SaveDispute(ModuleContext context, DisputeRecord dispute, long? previousDeadline)
    {
        if (previousDeadline is { } p)
        {
            context.State.Delete(TaskStore.QueueKey(TaskStore.QueueDispute, p, dispute.Id));
        }

        TaskStore.Write(context.State, TaskStore.DisputeKey(dispute.Id), dispute);
        context.State.Set(TaskStore.QueueKey(TaskStore.QueueDispute, dispute.Deadline, dispute.Id), [1]);
    }

    private void ProcessDisputeDeadlines(ModuleContext context)
    {
        foreach (var (_, id, key) in TaskStore.Due(context.State, TaskStore.QueueDispute, context.Time.Seconds))
        {
            context.State.Delete(key);
            var dispute = GetDispute(context.State, id)!;
            if (dispute.Phase != TaskStore.PhaseVote && context.Height <= dispute.TurnHeight + 1)
            {
                // This is the first block since the turn began and it is already past the deadline (the chain
                // halted or block time jumped): the side to move had no block to move in. Missing a move it could
                // not send must not cost anyone a bond or a stake, so the turn starts again from this block.
                var previous = dispute.Deadline;
                dispute.Deadline = checked(context.Time.Seconds + context.Parameters.DisputeMoveTimeoutSeconds);
                dispute.TurnHeight = context.Height;
                SaveDispute(context, dispute, previous);
                context.Emit("move_deadline_extended", ("dispute_id", S(dispute.Id)), ("deadline", S((ulong)dispute.Deadline)),
                    ("reason", "no_block_before_deadline"));
                continue;
            }

            switch (dispute.Phase)
            {
                case TaskStore.PhaseBisect:
                    // The side to move missed its move and loses.
                    Resolve(context, dispute, dispute.Turn == 0 ? Verdict.Overturned : Verdict.Upheld, dispute.Turn == 0 ? "miner_missed_move" : "challenger_missed_move");
                    break;
                case TaskStore.PhaseCommittee:
                    Resolve(context, dispute, TallyCommittee(context, dispute), "committee");
                    break;
                default:
                    Resolve(context, dispute, TallyVote(context, dispute), "vote");
                    break;
            }
        }
    }

    private Verdict TallyCommittee(ModuleContext context, DisputeRecord dispute)
    {
        var byHash = new SortedDictionary<string, UInt128>(StringComparer.Ordinal);
        UInt128 reported = 0;
        foreach (var kv in context.State.Scan(TaskStore.Key("wr", dispute.Id)))
        {
            var hash = Convert.ToHexStringLower(kv.Value.AsSpan(0, 32));
            var weight = BinaryPrimitives.ReadUInt128BigEndian(kv.Value.AsSpan(32));
            byHash[hash] = byHash.GetValueOrDefault(hash) + weight;
            reported += weight;
            context.State.Delete(kv.Key);
        }

        if (reported == UInt128.Zero || !context.Parameters.DisputeQuorum.IsReachedBy(reported, _staking.TotalBondedStake(context)))
        {
            return Verdict.Void;
        }

        var (winner, winnerWeight) = byHash.MaxBy(kv => kv.Value);
        if (winnerWeight * 2 <= reported)
        {
            return Verdict.Void;
        }

        return string.Equals(winner, Convert.ToHexStringLower(dispute.MinerLeafHi.Span), StringComparison.Ordinal) ? Verdict.Upheld : Verdict.Overturned;
    }

    private Verdict TallyVote(ModuleContext context, DisputeRecord dispute)
    {
        foreach (var kv in context.State.Scan(TaskStore.Key("wv", dispute.Id)))
        {
            context.State.Delete(kv.Key);
        }

        var uphold = TaskStore.U128(dispute.StakeUphold);
        var overturn = TaskStore.U128(dispute.StakeOverturn);
        var cast = uphold + overturn;
        if (cast == UInt128.Zero || !context.Parameters.DisputeQuorum.IsReachedBy(cast, _staking.TotalBondedStake(context)))
        {
            return Verdict.Void;
        }

        return overturn > uphold ? Verdict.Overturned : Verdict.Upheld;
    }

    /// <summary>Ends a dispute: slashes the losers, pays the winners, and finalizes or reopens the unit.</summary>
    private void Resolve(ModuleContext context, DisputeRecord dispute, Verdict verdict, string reason)
    {
        context.State.Delete(TaskStore.QueueKey(TaskStore.QueueDispute, dispute.Deadline, dispute.Id));
        context.State.Delete(TaskStore.DisputeKey(dispute.Id));
        var task = GetTask(context.State, dispute.TaskId)!;
        var miner = TaskStore.Addr(dispute.Miner);
        var challenger = TaskStore.Addr(dispute.Challenger);
        var challengerStake = TaskStore.U128(dispute.ChallengerStake);
        var bond = TaskStore.U128(dispute.MinerBond);
        var stakes = dispute.Stakes.Select(s => (Attester: TaskStore.Addr(s.Attester), Stake: TaskStore.U128(s.Stake))).ToList();
        switch (verdict)
        {
            case Verdict.Overturned:
                // Miner's bond share and the attesters' stake behind the unit go to the challenger; its own stake comes back.
                Must(BankModule.SendFromModule(context, ChallengeAccount, challenger, new Amount(challengerStake, Denom.Phnx)));
                if (bond != UInt128.Zero)
                {
                    Must(BankModule.SendFromModule(context, BondAccount, challenger, new Amount(bond, Denom.Spark)));
                    context.Emit("slashed", ("dispute_id", S(dispute.Id)), ("who", miner.ToString()), ("amount", new Amount(bond, Denom.Spark).ToString()), ("to", challenger.ToString()));
                }

                foreach (var (attester, stake) in stakes)
                {
                    _staking.SlashLocked(context, attester, stake, challenger);
                    context.Emit("slashed", ("dispute_id", S(dispute.Id)), ("who", attester.ToString()), ("amount", new Amount(stake, Denom.Phnx).ToString()), ("to", challenger.ToString()));
                }

                break;
            case Verdict.Upheld:
                // The challenger's stake goes to the attesters pro rata to their stake behind the unit (any rounding rest to the miner).
                UInt128 totalStake = 0;
                foreach (var (_, stake) in stakes)
                {
                    totalStake += stake;
                }

                UInt128 paid = 0;
                foreach (var (attester, stake) in stakes)
                {
                    var part = totalStake == UInt128.Zero ? UInt128.Zero : (UInt128)((System.Numerics.BigInteger)challengerStake * stake / totalStake);
                    if (part != UInt128.Zero)
                    {
                        Must(BankModule.SendFromModule(context, ChallengeAccount, attester, new Amount(part, Denom.Phnx)));
                        paid += part;
                    }

                    _staking.Unlock(context, attester, stake);
                }

                if (challengerStake - paid != UInt128.Zero)
                {
                    Must(BankModule.SendFromModule(context, ChallengeAccount, miner, new Amount(challengerStake - paid, Denom.Phnx)));
                }

                context.Emit("slashed", ("dispute_id", S(dispute.Id)), ("who", challenger.ToString()), ("amount", new Amount(challengerStake, Denom.Phnx).ToString()), ("to", "attesters"));
                if (bond != UInt128.Zero)
                {
                    Must(BankModule.SendFromModule(context, BondAccount, miner, new Amount(bond, Denom.Spark)));
                }

                break;
            default:
                // No quorum or no majority: nobody is slashed, everyone gets their stake back, and the unit is redone.
                Must(BankModule.SendFromModule(context, ChallengeAccount, challenger, new Amount(challengerStake, Denom.Phnx)));
                if (bond != UInt128.Zero)
                {
                    Must(BankModule.SendFromModule(context, BondAccount, miner, new Amount(bond, Denom.Spark)));
                }

                foreach (var (attester, stake) in stakes)
                {
                    _staking.Unlock(context, attester, stake);
                }

                break;
        }

        context.Emit("dispute_resolved", ("dispute_id", S(dispute.Id)), ("task_id", S(task.Id)), ("unit", S(dispute.Unit)),
            ("verdict", verdict.ToString().ToLowerInvariant()), ("reason", reason));
        if (verdict == Verdict.Upheld)
        {
            var finalized = new byte[9];
            finalized[0] = TaskStore.UnitFinalized;
            BinaryPrimitives.WriteUInt64BigEndian(finalized.AsSpan(1), dispute.BatchId);
            context.State.Set(TaskStore.UnitKey(task.Id, dispute.Unit), finalized);
            PayUnits(context, task, miner, 1, stakes, "dispute " + S(dispute.Id));
        }
        else
        {
            ReopenUnits(context, task, dispute.Unit, 1);
        }
    }
}
