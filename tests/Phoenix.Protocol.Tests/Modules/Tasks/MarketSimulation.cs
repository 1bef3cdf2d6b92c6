using System.Globalization;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

/// <summary>
/// One random interleaving of buyers, honest and cheating miners, honest and lying validators and challengers,
/// driven block by block from a seed. After every block: <see cref="MarketChain.Block"/> checks every module's
/// invariants (for the market: each module account against its records, through the incremental
/// <see cref="TaskMarketAudit"/>, with the full pass every 50 blocks and at the end) and per-denom supply = balances (escrows,
/// bonds, stakes and pools are module accounts); <see cref="CheckAfterBlock"/> checks no unit paid twice, the
/// buyer charged only for live or finalized units, and the honest miner's SPARK plus its held bonds unchanged but
/// for its redemptions. At the end of <see cref="Run"/>: every escrow ended paid or refunded and the honest miner
/// lost no bond.
/// </summary>
/// <remarks>
/// The simulation's own bookkeeping is O(live work) per block: ended batches and disputes are forgotten, and tasks
/// that ended (no live unit left) are folded into running totals, so that long runs measure the chain, not this
/// driver. Shared with the benchmarks' <c>--market-soak</c> mode (linked source).
/// </remarks>
/// <param name="seed">The seed of every random choice.</param>
/// <param name="store">The application's store (default: a fresh in-memory one).</param>
internal sealed class MarketSimulation(int seed, Phoenix.Protocol.State.IKeyValueStore? store = null)
{
    private static readonly TestKey Honest = MarketChain.Miner;
    private static readonly TestKey Cheater = MarketChain.Miner2;
    private static readonly TestKey HonestValidator = MarketChain.Validators[0];
    private static readonly TestKey LyingValidator = MarketChain.Validators[1];

    private readonly Random _rng = new(seed);
    private readonly MarketChain _chain = new(store: store, incrementalAudit: true) { RecordEvents = false };
    private readonly Dictionary<ulong, (TestKey Miner, BatchResults Results, HashSet<uint> Cheated)> _batches = [];
    private readonly Dictionary<ulong, (BatchResults Challenger, BatchResults Miner, uint Unit, bool Honest)> _disputes = [];
    private readonly HashSet<(ulong, uint)> _challenged = [];

    // Attestations, committee reports and votes already sent, as (kind, batch or dispute id, validator): each is sent
    // once, as a validator would, instead of being re-sent (and refused) in every block until its batch or dispute ends.
    private readonly HashSet<(char Kind, ulong Id, int Validator)> _sent = [];
    private readonly List<byte[]> _txs = [];
    private readonly List<(int Tx, Action OnSuccess)> _onSuccess = [];
    private ulong _nextBatch = 1;
    private ulong _nextDispute = 1;
    private UInt128 _honestRedeemed;

    private UInt128 _buyerStart;
    private UInt128 _honestStart;
    // Tasks not yet ended (an ended task, not accepting and with no live unit, never changes again), and the next task id
    // not yet seen.
    private readonly SortedSet<ulong> _liveTasks = [];
    private ulong _nextNewTask = 1;
    private UInt128 _forfeits;

    // Totals of the tasks that ended (ended: their units are all finalized or refunded, so these never change).
    private UInt128 _endedMinted;
    private UInt128 _endedCharged;
    private UInt128 _cheaterRedeemed;

    /// <summary>The chain being driven.</summary>
    public MarketChain Chain => _chain;

    /// <summary>Blocks run so far (the drain included).</summary>
    public int BlocksRun { get; private set; }

    /// <summary>Transactions in the last block.</summary>
    public int LastBlockTransactions { get; private set; }

    /// <summary>Called after every block has been committed and checked, with the block's height.</summary>
    public Action<long>? AfterBlock { get; set; }

    /// <summary>Runs <paramref name="blocks"/> random blocks, then drains (no new work) until nothing is live, checking after every block.</summary>
    /// <param name="blocks">Random blocks before the drain.</param>
    /// <param name="workFraction">The share of those blocks (from the start) in which buyers post and miners claim new work.</param>
    public void Run(int blocks, double workFraction = 0.75)
    {
        var buyerStart = _buyerStart = _chain.Balance(MarketChain.Buyer, Denom.Spark).Value;
        var honestStart = _honestStart = _chain.Balance(Honest, Denom.Spark).Value;
        for (var i = 0; i < blocks; i++)
        {
            Step(allowNewWork: i < blocks * workFraction);
        }

        // Let everything end: respond to disputes and let deadlines, windows and votes pass.
        // Short steps first (pending claims are submitted in time), then half-hour steps: shorter than the move
        // timeout, so a side to move always gets a block before its deadline (a block-time gap as long as the
        // timeout only restarts the turn, see ReExecutionGame_FirstBlockAfterChallengeIsPastMoveDeadline_*).
        for (var i = 0; i < 120 && AnythingLive(); i++)
        {
            Step(allowNewWork: false, seconds: i < 5 ? 120 : 1_800);
        }

        Assert.False(AnythingLive(), $"seed {seed}: tasks still live after the drain");
        Assert.Empty(_chain.FullMarketAudit());
        UInt128 paidByBuyer = 0, minted = 0;
        for (ulong id = 1; TaskMarketModule.GetTask(_chain.State, id) is { } task; id++)
        {
            Assert.Equal(0u, task.LiveUnits);
            var price = ToU128(task.PricePerUnit);
            paidByBuyer += task.FinalizedUnits * (price + ToU128(task.FeePerUnit));
            minted += task.FinalizedUnits * price;
        }

        UInt128 credits = 0;
        foreach (var key in new[] { Honest, Cheater })
        {
            credits += TaskMarketModule.RedeemableCredit(_chain.State, key.Address);
        }

        var forfeits = _forfeits;

        // Every escrow ended paid or refunded: what is left is exactly the unredeemed bTASK.
        Assert.Equal(credits, _chain.Balance(Address.ForModule(TaskMarketModule.EscrowAccount), Denom.Spark));

        // No unit paid twice: bTASK minted equals the finalized units' prices.
        Assert.Equal(minted, _chain.Balance(Honest.Address, Denom.BTask) + _chain.Balance(Cheater.Address, Denom.BTask) + _honestRedeemed + Redeemed(Cheater));

        // No buyer paid for an overturned (or refunded) unit.
        Assert.Equal(buyerStart - paidByBuyer + forfeits, _chain.Balance(MarketChain.Buyer, Denom.Spark).Value);

        // No honest miner loses a bond: it submits the correct result in the first block it can, so none of
        // its claims expires (checked on every block's events) and its SPARK moved only by its own redemptions.
        Assert.Equal(honestStart + _honestRedeemed, _chain.Balance(Honest, Denom.Spark).Value);
    }

    private UInt128 Redeemed(TestKey key) => key == Cheater ? _cheaterRedeemed : _honestRedeemed;

    private static UInt128 ToU128(Google.Protobuf.ByteString b) => b.Length == 0 ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(b.Span);

    private bool AnythingLive()
    {
        return _liveTasks.Any(id => TaskMarketModule.GetTask(_chain.State, id)!.LiveUnits != 0);
    }

    private void Step(bool allowNewWork, long? seconds = null)
    {
        _txs.Clear();
        _onSuccess.Clear();
        var now = _chain.Time.Seconds;
        var blockTime = now + (seconds ?? _rng.Next(30, 300));
        if (allowNewWork && _rng.Next(4) == 0)
        {
            var policy = _rng.Next(2) == 0 ? VerificationPolicy.Exact : VerificationPolicy.Tolerance;
            Add(MarketChain.Buyer, Msg.Post(units: (uint)_rng.Next(1, 7), price: (ulong)_rng.Next(1, 6) * 1_000_000, attestations: (uint)_rng.Next(1, 3),
                deadlineIn: _rng.Next(2, 10) * 3_600, claimDuration: _rng.Next(600, 3_600), policy: policy, now: blockTime,
                rtol: policy == VerificationPolicy.Tolerance ? 1_000UL : 0));
        }

        if (allowNewWork)
        {
            TryClaim(blockTime);
        }

        foreach (var (id, (miner, results, cheated)) in _batches.ToList())
        {
            var batch = TaskMarketModule.GetBatch(_chain.State, id)!;
            if (batch.Status == 1 && (miner == Honest || _rng.Next(3) != 0))
            {
                Add(miner, Msg.Submit(id, results.Root));
            }
            else if (batch.Status == 2)
            {
                if (cheated.Count == 0)
                {
                    AddOnce(('a', id, 0), HonestValidator, Msg.Attest(id, results.Root, 50 * Denom.UnitsPerToken));
                }

                AddOnce(('a', id, 1), LyingValidator, Msg.Attest(id, results.Root, 50 * Denom.UnitsPerToken));
            }
            else if (batch.Status == 3 && blockTime < batch.WindowEnd)
            {
                for (var u = batch.FirstUnit; u < batch.FirstUnit + batch.Count; u++)
                {
                    var lying = !cheated.Contains(u) && _rng.Next(25) == 0;
                    if ((cheated.Contains(u) || lying) && _challenged.Add((id, u)))
                    {
                        var challengerView = lying ? new BatchResults(batch.FirstUnit, batch.Count, salt: "lie").Corrupt(u, _rng.Next(0, 8)) : new BatchResults(batch.FirstUnit, batch.Count);
                        Add(MarketChain.Challenger, results.Challenge(id, u, challengerView.TraceRoot(u), 8));
                        var entry = (challengerView, results, u, !lying);
                        _onSuccess.Add((_txs.Count - 1, () => _disputes[_nextDispute++] = entry));
                    }
                }
            }
        }

        foreach (var (id, (challengerView, minerView, unit, honestChallenger)) in _disputes.ToList())
        {
            var d = TaskMarketModule.GetDispute(_chain.State, id);
            if (d is null || blockTime >= d.Deadline)
            {
                continue;
            }

            var unitCheated = !honestChallenger ? false : true;
            if (d.Phase == 1)
            {
                var index = TaskMarketModule.NextBisectIndex(d);
                var moverIsMiner = d.Turn == 0;
                var moverHonest = moverIsMiner ? !unitCheated : honestChallenger;
                if (moverHonest || _rng.Next(4) != 0)
                {
                    Add(moverIsMiner ? Miner(d) : MarketChain.Challenger, (moverIsMiner ? minerView : challengerView).Bisect(id, unit, index));
                }
            }
            else if (d.Phase == 2)
            {
                var truth = new BatchResults(minerView.FirstUnit, (uint)minerView.Outputs.Count).NodeDigest(unit, d.Hi);
                AddOnce(('r', id, 2), MarketChain.Validators[2], Msg.Report(id, truth));
                AddOnce(('r', id, 3), MarketChain.Validators[3], Msg.Report(id, truth));
            }
            else
            {
                AddOnce(('v', id, 2), MarketChain.Validators[2], Msg.Vote(id, !unitCheated));
                AddOnce(('v', id, 3), MarketChain.Validators[3], Msg.Vote(id, !unitCheated));
            }
        }

        foreach (var miner in new[] { Honest, Cheater })
        {
            var credit = TaskMarketModule.RedeemableCredit(_chain.State, miner.Address);
            if (credit != UInt128.Zero && _rng.Next(5) == 0)
            {
                Add(miner, Msg.Redeem(credit));
                var m = miner;
                _onSuccess.Add((_txs.Count - 1, () =>
                {
                    if (m == Honest)
                    {
                        _honestRedeemed += credit;
                    }
                    else
                    {
                        _cheaterRedeemed += credit;
                    }
                }));
            }
        }

        if (_rng.Next(20) == 0)
        {
            Add(MarketChain.Validators[3], Msg.Ask((UInt128)_rng.Next(1, 100) * 10_000, (UInt128)_rng.Next(1, 50) * 10_000));
        }

        LastBlockTransactions = _txs.Count;
        var response = _chain.Block(blockTime - now, [.. _txs]);
        foreach (var (tx, onSuccess) in _onSuccess)
        {
            if (response.TxResults[tx].Code == 0)
            {
                onSuccess();
            }
        }

        CheckAfterBlock(response);
        BlocksRun++;
        AfterBlock?.Invoke(_chain.App.LastHeight);
    }

    /// <summary>
    /// The market invariants after every block (MarketChain.Block already checks supply = balances and each
    /// module account against the records): no unit paid twice, the buyer charged exactly for units still
    /// live or finalized (never for refunded or overturned ones), the honest miner's SPARK plus its bonds still
    /// held equal to its start plus what it redeemed. Also forgets ended batches and disputes, so a run of
    /// thousands of blocks costs O(live work) per block (tasks that ended are folded into running totals).
    /// </summary>
    private void CheckAfterBlock(Phoenix.Protocol.Abci.FinalizeBlockResponse response)
    {
        var state = _chain.State;
        UInt128 honestBonds = 0;
        while (TaskMarketModule.GetTask(state, _nextNewTask) is not null)
        {
            _liveTasks.Add(_nextNewTask++);
        }

        UInt128 minted = _endedMinted, charged = _endedCharged;
        foreach (var id in _liveTasks.ToList())
        {
            var task = TaskMarketModule.GetTask(state, id)!;
            var (m, c) = Totals(task);
            minted += m;
            charged += c;
            if (task.LiveUnits == 0 && task.Status != 0)
            {
                _endedMinted += m;
                _endedCharged += c;
                _liveTasks.Remove(id);
            }
        }

        foreach (var (id, entry) in _batches.ToList())
        {
            var batch = TaskMarketModule.GetBatch(state, id)!;
            if (batch.Status == 4)
            {
                _batches.Remove(id);
                _sent.Remove(('a', id, 0));
                _sent.Remove(('a', id, 1));
                _challenged.RemoveWhere(c => c.Item1 == id);
            }
            else if (entry.Miner == Honest)
            {
                var task = TaskMarketModule.GetTask(state, batch.TaskId)!;
                honestBonds += (uint)(batch.Count - batch.DisputedUnits.Count) * ToU128(task.BondPerUnit);
            }
        }

        foreach (var id in _disputes.Keys.ToList())
        {
            if (TaskMarketModule.GetDispute(state, id) is not { } d)
            {
                _disputes.Remove(id);
                _sent.RemoveWhere(e => e.Id == id && e.Kind != 'a');
            }
            else if (new Address(d.Miner.Span) == Honest.Address)
            {
                honestBonds += ToU128(d.MinerBond);
            }
        }

        foreach (var e in response.Events.Where(e => e.Type == "claim_expired"))
        {
            Assert.False(e.Attributes.Any(a => a.Key == "miner" && a.Value == Honest.Address.ToString()), $"seed {seed}: the honest miner's claim expired");
            _forfeits += Amount.Parse(e.Attributes.First(a => a.Key == "bond_to_buyer").Value, CultureInfo.InvariantCulture).Value;
        }

        var forfeits = _forfeits;
        var height = _chain.App.LastHeight;
        Assert.True(minted == BankModule.GetSupply(state, Denom.BTask) + _honestRedeemed + _cheaterRedeemed, $"seed {seed} height {height}: a unit paid twice or bTASK leaked");
        Assert.True(_buyerStart - charged + forfeits == _chain.Balance(MarketChain.Buyer, Denom.Spark).Value, $"seed {seed} height {height}: the buyer was charged for units it should not pay for");
        Assert.True(_honestStart + _honestRedeemed == _chain.Balance(Honest, Denom.Spark).Value + honestBonds, $"seed {seed} height {height}: the honest miner lost bond");
    }

    /// <summary>What a task minted to miners so far (its finalized units' prices) and what it charges the buyer (every unit not refunded).</summary>
    private static (UInt128 Minted, UInt128 Charged) Totals(Phoenix.Protocol.Wire.State.TaskRecord task)
    {
        var price = ToU128(task.PricePerUnit);
        return (task.FinalizedUnits * price, (task.Units - task.RefundedUnits) * (price + ToU128(task.FeePerUnit)));
    }

    private static TestKey Miner(Phoenix.Protocol.Wire.State.DisputeRecord d)
        => new Address(d.Miner.Span) == Honest.Address ? Honest : Cheater;

    private void TryClaim(long blockTime)
    {
        foreach (var id in _liveTasks)
        {
            var task = TaskMarketModule.GetTask(_chain.State, id)!;
            if (task.Status != 0 || task.OpenUnits == 0 || task.Deadline - blockTime < 900 || _rng.Next(2) == 0)
            {
                continue;
            }

            uint first = 0;
            while (first < task.Units && TaskMarketModule.GetUnit(_chain.State, id, first).State != UnitState.Open)
            {
                first++;
            }

            uint count = 0;
            while (first + count < task.Units && TaskMarketModule.GetUnit(_chain.State, id, first + count).State == UnitState.Open)
            {
                count++;
            }

            if (count == 0)
            {
                continue;
            }

            var miner = _rng.Next(2) == 0 ? Honest : Cheater;
            var results = new BatchResults(first, count);
            var cheated = new HashSet<uint>();
            if (miner == Cheater && _rng.Next(2) == 0)
            {
                var bad = first + (uint)_rng.Next((int)count);
                results.Corrupt(bad, _rng.Next(0, 8));
                cheated.Add(bad);
            }

            Add(miner, Msg.Claim(id, first, count));
            _onSuccess.Add((_txs.Count - 1, () => _batches[_nextBatch++] = (miner, results, cheated)));
            return; // one claim per block keeps batch ids predictable
        }
    }

    private void Add(TestKey key, Message message) => _txs.Add(_chain.Tx(key, message));

    private void AddOnce((char Kind, ulong Id, int Validator) sent, TestKey key, Message message)
    {
        if (_sent.Add(sent))
        {
            Add(key, message);
        }
    }
}
