using System.Buffers.Binary;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks.Internal;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Modules.Tasks;

public sealed partial class TaskMarketModule
{
    private static void ProcessDeadlines(ModuleContext context)
    {
        foreach (var (_, id, key) in TaskStore.Due(context.State, TaskStore.QueueDeadline, context.Time.Seconds))
        {
            context.State.Delete(key);
            var task = GetTask(context.State, id)!;
            if (task.Status == TaskStore.TaskAccepting)
            {
                task.Status = TaskStore.TaskExpired;
                RefundOpenUnits(context, task, "deadline");
            }
        }
    }

    private static void ProcessClaimExpiries(ModuleContext context)
    {
        foreach (var (_, id, key) in TaskStore.Due(context.State, TaskStore.QueueClaimExpiry, context.Time.Seconds))
        {
            context.State.Delete(key);
            var batch = GetBatch(context.State, id)!;
            if (batch.Status != TaskStore.BatchClaimed)
            {
                continue;
            }

            var task = GetTask(context.State, batch.TaskId)!;
            if (context.Height <= batch.ClaimHeight + 1)
            {
                // The first block after the claim is already past its expiry (a halt or a jump in block time): the
                // miner had no block to submit in, so the claim runs one more claim duration from this block.
                batch.ClaimExpires = checked(context.Time.Seconds + task.ClaimDuration);
                batch.ClaimHeight = context.Height;
                TaskStore.Write(context.State, TaskStore.BatchKey(batch.Id), batch);
                context.State.Set(TaskStore.QueueKey(TaskStore.QueueClaimExpiry, batch.ClaimExpires, batch.Id), [1]);
                context.Emit("claim_extended", ("task_id", S(task.Id)), ("batch_id", S(batch.Id)), ("expires", S((ulong)batch.ClaimExpires)),
                    ("reason", "no_block_before_expiry"));
                continue;
            }

            var buyer = TaskStore.Addr(task.Buyer);
            var bond = batch.Count * TaskStore.U128(task.BondPerUnit);
            if (bond != UInt128.Zero)
            {
                Must(BankModule.SendFromModule(context, BondAccount, buyer, new Amount(bond, Denom.Spark)));
            }

            batch.Status = TaskStore.BatchEnded;
            TaskStore.Write(context.State, TaskStore.BatchKey(batch.Id), batch);
            context.Emit("claim_expired", ("task_id", S(task.Id)), ("batch_id", S(batch.Id)), ("miner", TaskStore.Addr(batch.Miner).ToString()),
                ("bond_to_buyer", new Amount(bond, Denom.Spark).ToString()));
            ReopenUnits(context, task, batch.FirstUnit, batch.Count);
        }
    }

    private void ProcessUnattested(ModuleContext context)
    {
        foreach (var (_, id, key) in TaskStore.Due(context.State, TaskStore.QueueUnattested, context.Time.Seconds))
        {
            context.State.Delete(key);
            var batch = GetBatch(context.State, id)!;
            if (batch.Status != TaskStore.BatchSubmitted)
            {
                continue;
            }

            // Not enough attesters came: nobody vouched, so nobody is paid and nobody loses.
            var task = GetTask(context.State, batch.TaskId)!;
            var miner = TaskStore.Addr(batch.Miner);
            var bond = batch.Count * TaskStore.U128(task.BondPerUnit);
            if (bond != UInt128.Zero)
            {
                Must(BankModule.SendFromModule(context, BondAccount, miner, new Amount(bond, Denom.Spark)));
            }

            foreach (var a in batch.Attestations)
            {
                _staking.Unlock(context, TaskStore.Addr(a.Attester), TaskStore.U128(a.Stake));
            }

            batch.Status = TaskStore.BatchEnded;
            TaskStore.Write(context.State, TaskStore.BatchKey(batch.Id), batch);
            context.Emit("batch_unattested", ("task_id", S(task.Id)), ("batch_id", S(batch.Id)), ("bond_to_miner", new Amount(bond, Denom.Spark).ToString()));
            ReopenUnits(context, task, batch.FirstUnit, batch.Count);
        }
    }

    private void ProcessFinalizations(ModuleContext context)
    {
        foreach (var (_, id, key) in TaskStore.Due(context.State, TaskStore.QueueFinalize, context.Time.Seconds))
        {
            context.State.Delete(key);
            var batch = GetBatch(context.State, id)!;
            if (batch.Status != TaskStore.BatchAttested)
            {
                continue;
            }

            var task = GetTask(context.State, batch.TaskId)!;
            var miner = TaskStore.Addr(batch.Miner);
            var disputed = batch.DisputedUnits.ToHashSet();
            var n = (uint)(batch.Count - disputed.Count);
            var finalized = new byte[9];
            finalized[0] = TaskStore.UnitFinalized;
            BinaryPrimitives.WriteUInt64BigEndian(finalized.AsSpan(1), batch.Id);
            for (var u = batch.FirstUnit; u < batch.FirstUnit + batch.Count; u++)
            {
                if (!disputed.Contains(u))
                {
                    context.State.Set(TaskStore.UnitKey(task.Id, u), finalized);
                }
            }

            var bond = n * TaskStore.U128(task.BondPerUnit);
            if (bond != UInt128.Zero)
            {
                Must(BankModule.SendFromModule(context, BondAccount, miner, new Amount(bond, Denom.Spark)));
            }

            var weights = new List<(Address, UInt128)>();
            foreach (var a in batch.Attestations)
            {
                var stake = TaskStore.U128(a.Stake);
                var held = (stake / batch.Count) * (uint)disputed.Count;
                _staking.Unlock(context, TaskStore.Addr(a.Attester), stake - held);
                weights.Add((TaskStore.Addr(a.Attester), stake));
            }

            batch.Status = TaskStore.BatchEnded;
            TaskStore.Write(context.State, TaskStore.BatchKey(batch.Id), batch);
            if (n > 0)
            {
                PayUnits(context, task, miner, n, weights, "batch " + S(batch.Id));
            }
        }
    }
}
