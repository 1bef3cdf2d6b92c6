using System.Globalization;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Wire.State;

namespace Phoenix.Protocol.Modules.Tasks;

/// <summary>
/// The task market's invariants (<see cref="TaskMarketModule.CheckInvariants"/>) kept incrementally: each market record's
/// share of the four module accounts is remembered, and <see cref="Update"/> re-reads only the records a block changed,
/// so checking after every block costs O(records changed), not O(every record ever written).
/// </summary>
/// <remarks>
/// <para>
/// The rules are exactly those of <see cref="TaskMarketModule.CheckInvariants"/> (which is a <see cref="Load"/> followed by
/// <see cref="Violations"/>): escrow = Σ live units × (price + fee) + Σ unredeemed credits; bonds = Σ bonds of open
/// batches and disputes; challenges = Σ open challenger stakes; asks = Σ open asks; and per task
/// live + finalized + refunded = units.
/// </para>
/// <para>The caller must pass every changed key (a key missed is a record whose share goes stale). Not thread-safe.</para>
/// </remarks>
public sealed class TaskMarketAudit
{
    private static readonly byte[] Prefix = System.Text.Encoding.ASCII.GetBytes(TaskStore.Prefix);

    // Only records with a non-zero share or a broken rule are kept: ended tasks and batches take no memory.
    private readonly Dictionary<byte[], Share> _shares = new(ByteKeyComparer.Instance);
    private readonly SortedDictionary<byte[], string> _broken = new(ByteKeyComparer.Instance);
    private UInt128 _escrow;
    private UInt128 _bonds;
    private UInt128 _challenges;
    private UInt128 _asks;

    private TaskMarketAudit()
    {
    }

    /// <summary>Audits every market record of <paramref name="state"/> once.</summary>
    /// <param name="state">The state (keys as modules see them, e.g. <c>tasks/t…</c>).</param>
    /// <returns>The audit, ready for <see cref="Update"/> and <see cref="Violations"/>.</returns>
    public static TaskMarketAudit Load(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var audit = new TaskMarketAudit();
        foreach (var tag in "trbdk")
        {
            foreach (var kv in state.Scan(System.Text.Encoding.ASCII.GetBytes(TaskStore.Prefix + tag)))
            {
                audit.Add(kv.Key, ShareOf(state, kv.Key, kv.Value));
            }
        }

        return audit;
    }

    /// <summary>Re-reads the market records among <paramref name="changedKeys"/> (any other key is ignored).</summary>
    /// <param name="state">The state after the change.</param>
    /// <param name="changedKeys">Every key written or deleted since the last load or update (module keys, e.g. <c>tasks/t…</c>).</param>
    public void Update(IStateReader state, IEnumerable<byte[]> changedKeys)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(changedKeys);
        foreach (var key in changedKeys)
        {
            if (Tag(key) is null)
            {
                continue;
            }

            if (_shares.Remove(key, out var old))
            {
                _escrow -= old.Escrow;
                _bonds -= old.Bonds;
                _challenges -= old.Challenges;
                _asks -= old.Asks;
            }

            _broken.Remove(key);
            if (state.Get(key) is { } value)
            {
                Add(key, ShareOf(state, key, value));
            }
        }
    }

    /// <summary>The broken rules, as <see cref="TaskMarketModule.CheckInvariants"/> words them (empty when all hold).</summary>
    /// <param name="state">The same state (the module accounts' balances are read from it).</param>
    /// <returns>One line per broken rule.</returns>
    public IEnumerable<string> Violations(IStateReader state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var violations = new List<string>(_broken.Values);
        foreach (var (account, denom, expected) in new[]
        {
            (TaskMarketModule.EscrowAccount, Denom.Spark, _escrow), (TaskMarketModule.BondAccount, Denom.Spark, _bonds),
            (TaskMarketModule.ChallengeAccount, Denom.Phnx, _challenges), (TaskMarketModule.AskAccount, Denom.Phnx, _asks),
        })
        {
            var actual = BankModule.GetBalance(state, Address.ForModule(account), denom).Value;
            if (actual != expected)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture, $"tasks: {account} holds {actual} {denom} but the records account for {expected}."));
            }
        }

        return violations;
    }

    private static char? Tag(byte[] key)
        => key.Length > Prefix.Length && key.AsSpan().StartsWith(Prefix) && "trbdk".Contains((char)key[Prefix.Length], StringComparison.Ordinal)
            ? (char)key[Prefix.Length]
            : null;

    private static Share ShareOf(IStateReader state, byte[] key, byte[] value)
    {
        switch (Tag(key))
        {
            case 't':
                var t = TaskRecord.Parser.ParseFrom(value);
                var broken = (ulong)t.LiveUnits + t.FinalizedUnits + t.RefundedUnits != t.Units
                    ? $"tasks: task {t.Id} accounts for {t.LiveUnits}+{t.FinalizedUnits}+{t.RefundedUnits} of {t.Units} units."
                    : null;
                return new Share(t.LiveUnits * (TaskStore.U128(t.PricePerUnit) + TaskStore.U128(t.FeePerUnit)), 0, 0, 0, broken);
            case 'r':
                return new Share(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(value), 0, 0, 0, null);
            case 'b':
                var b = BatchRecord.Parser.ParseFrom(value);
                if (b.Status == TaskStore.BatchEnded)
                {
                    return default;
                }

                // A task's bond per unit is fixed when it is posted, so a batch's share never depends on later task writes.
                return TaskStore.Read(state, TaskStore.Key("t", b.TaskId), TaskRecord.Parser) is { } task
                    ? new Share(0, (UInt128)(uint)(b.Count - b.DisputedUnits.Count) * TaskStore.U128(task.BondPerUnit), 0, 0, null)
                    : new Share(0, 0, 0, 0, $"tasks: batch {b.Id} belongs to task {b.TaskId}, which does not exist.");
            case 'd':
                var d = DisputeRecord.Parser.ParseFrom(value);
                return new Share(0, TaskStore.U128(d.MinerBond), TaskStore.U128(d.ChallengerStake), 0, null);
            default:
                return new Share(0, 0, 0, TaskStore.U128(AskRecord.Parser.ParseFrom(value).PhnxAmount), null);
        }
    }

    private void Add(byte[] key, Share share)
    {
        if (share.Broken is { } broken)
        {
            _broken[key] = broken;
        }

        if (share.Escrow == 0 && share.Bonds == 0 && share.Challenges == 0 && share.Asks == 0)
        {
            return;
        }

        _shares[key] = share;
        _escrow += share.Escrow;
        _bonds += share.Bonds;
        _challenges += share.Challenges;
        _asks += share.Asks;
    }

    private readonly record struct Share(UInt128 Escrow, UInt128 Bonds, UInt128 Challenges, UInt128 Asks, string? Broken);
}
