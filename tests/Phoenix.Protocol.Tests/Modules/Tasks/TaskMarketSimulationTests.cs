using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

/// <summary>
/// Random interleavings of buyers, honest and cheating miners, honest and lying validators and
/// challengers over many blocks. After every block: <see cref="MarketChain.Block"/> checks per-denom supply =
/// balances (escrows, bonds, stakes and pools are module accounts) and each market account against its records;
/// the simulation checks no unit paid twice, the buyer charged only for live or finalized units, and the honest
/// miner's SPARK plus its held bonds unchanged but for its redemptions. At the end of each run: every escrow ended
/// paid or refunded and the honest miner lost no bond. CI runs 3 runs × 60 blocks (plus the drain); set
/// PHOENIX_SIM_RUNS / PHOENIX_SIM_BLOCKS for runs of thousands of blocks.
/// </summary>
public sealed class TaskMarketSimulationTests
{
    private static readonly int Runs = int.TryParse(Environment.GetEnvironmentVariable("PHOENIX_SIM_RUNS"), out var r) ? r : 1;
    private static readonly int Blocks = int.TryParse(Environment.GetEnvironmentVariable("PHOENIX_SIM_BLOCKS"), out var b) ? b : 60;

    [Property(MaxTest = 1)]
    public Property RandomMarket_ManyBlocks_InvariantsHold(PositiveInt seedBase)
    {
        for (var i = 0; i < Runs; i++)
        {
            new Simulation(seedBase.Get + (i * 7919)).Run(Blocks);
        }

        return true.ToProperty();
    }

    [Fact]
    public void RandomMarket_FixedSeeds_InvariantsHold()
    {
        new Simulation(1).Run(Blocks);
        new Simulation(42).Run(Blocks);
    }

    private sealed class Simulation(int seed)
    {
        private static readonly TestKey Honest = MarketChain.Miner;
        private static readonly TestKey Cheater = MarketChain.Miner2;
        private static readonly TestKey HonestValidator = MarketChain.Validators[0];
        private static readonly TestKey LyingValidator = MarketChain.Validators[1];

        private readonly Random _rng = new(seed);
        private readonly MarketChain _chain = new();
        private readonly Dictionary<ulong, (TestKey Miner, BatchResults Results, HashSet<uint> Cheated)> _batches = [];
        private readonly Dictionary<ulong, (BatchResults Challenger, BatchResults Miner, uint Unit, bool Honest)> _disputes = [];
        private readonly HashSet<(ulong, uint)> _challenged = [];
        private readonly List<byte[]> _txs = [];
        private readonly List<(int Tx, Action OnSuccess)> _onSuccess = [];
        private ulong _nextBatch = 1;
        private ulong _nextDispute = 1;
        private UInt128 _honestRedeemed;

        private UInt128 _buyerStart;
        private UInt128 _honestStart;
        private ulong _firstLiveTask = 1;
        private UInt128 _forfeits;

        public void Run(int blocks)
        {
            var buyerStart = _buyerStart = _chain.Balance(MarketChain.Buyer, Denom.Spark).Value;
            var honestStart = _honestStart = _chain.Balance(Honest, Denom.Spark).Value;
            for (var i = 0; i < blocks; i++)
            {
                Step(allowNewWork: i < blocks * 3 / 4);
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
            UInt128 paidByBuyer = 0, minted = 0;
            for (ulong id = 1; TaskMarketModule.GetTask(_chain.State, id) is { } task; id++)
            {
                Assert.Equal(0u, task.LiveUnits);
                var price = ToU128(task.PricePerUnit);
                paidByBuyer += task.FinalizedUnits * (price + ToU128(task.FeePerUnit));
                minted += task.FinalizedUnits * price;
            }

            UInt128 credits = 0, forfeits = 0;
            foreach (var key in new[] { Honest, Cheater })
            {
                credits += TaskMarketModule.RedeemableCredit(_chain.State, key.Address);
            }

            foreach (var e in _chain.BlockEvents.Where(e => e.Type == "claim_expired"))
            {
                forfeits += Amount.Parse(e.Attributes.First(a => a.Key == "bond_to_buyer").Value, CultureInfo.InvariantCulture).Value;
            }

            // Every escrow ended paid or refunded: what is left is exactly the unredeemed bTASK.
            Assert.Equal(credits, _chain.Balance(Address.ForModule(TaskMarketModule.EscrowAccount), Denom.Spark));

            // No unit paid twice: bTASK minted equals the finalized units' prices.
            Assert.Equal(minted, _chain.Balance(Honest.Address, Denom.BTask) + _chain.Balance(Cheater.Address, Denom.BTask) + _honestRedeemed + Redeemed(Cheater));

            // No buyer paid for an overturned (or refunded) unit.
            Assert.Equal(buyerStart - paidByBuyer + forfeits, _chain.Balance(MarketChain.Buyer, Denom.Spark).Value);

            // No honest miner loses a bond: it submits the correct result in the first block it can, so none of
            // its claims expires and its SPARK moved only by its own redemptions.
            Assert.DoesNotContain(_chain.BlockEvents, e => e.Type == "claim_expired" && e.Attributes.Any(a => a.Key == "miner" && a.Value == Honest.Address.ToString()));
            Assert.Equal(honestStart + _honestRedeemed, _chain.Balance(Honest, Denom.Spark).Value);
        }

        private UInt128 _cheaterRedeemed;

        private UInt128 Redeemed(TestKey key) => key == Cheater ? _cheaterRedeemed : _honestRedeemed;

        private static UInt128 ToU128(Google.Protobuf.ByteString b) => b.Length == 0 ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(b.Span);

        private bool AnythingLive()
        {
            for (ulong id = 1; TaskMarketModule.GetTask(_chain.State, id) is { } task; id++)
            {
                if (task.LiveUnits != 0)
                {
                    return true;
                }
            }

            return false;
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
                        Add(HonestValidator, Msg.Attest(id, results.Root, 50 * Denom.UnitsPerToken));
                    }

                    Add(LyingValidator, Msg.Attest(id, results.Root, 50 * Denom.UnitsPerToken));
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
                    Add(MarketChain.Validators[2], Msg.Report(id, truth));
                    Add(MarketChain.Validators[3], Msg.Report(id, truth));
                }
                else
                {
                    Add(MarketChain.Validators[2], Msg.Vote(id, !unitCheated));
                    Add(MarketChain.Validators[3], Msg.Vote(id, !unitCheated));
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

            var response = _chain.Block(blockTime - now, [.. _txs]);
            foreach (var (tx, onSuccess) in _onSuccess)
            {
                if (response.TxResults[tx].Code == 0)
                {
                    onSuccess();
                }
            }

            CheckAfterBlock(response);

        }

        /// <summary>
        /// The market invariants after every block (MarketChain.Block already checks supply = balances and each
        /// module account against the records): no unit paid twice, the buyer charged exactly for units still
        /// live or finalized (never for refunded or overturned ones), the honest miner's SPARK plus its bonds still
        /// held equal to its start plus what it redeemed. Also forgets ended batches and disputes, so a run of
        /// thousands of blocks costs O(live work) per block.
        /// </summary>
        private void CheckAfterBlock(Phoenix.Protocol.Abci.FinalizeBlockResponse response)
        {
            var state = _chain.State;
            UInt128 minted = 0, charged = 0, honestBonds = 0;
            while (TaskMarketModule.GetTask(state, _firstLiveTask) is { LiveUnits: 0 } done && done.Status != 0)
            {
                _firstLiveTask++;
            }

            for (ulong id = 1; TaskMarketModule.GetTask(state, id) is { } task; id++)
            {
                var price = ToU128(task.PricePerUnit);
                minted += task.FinalizedUnits * price;
                charged += (task.Units - task.RefundedUnits) * (price + ToU128(task.FeePerUnit));
            }

            foreach (var (id, entry) in _batches.ToList())
            {
                var batch = TaskMarketModule.GetBatch(state, id)!;
                if (batch.Status == 4)
                {
                    _batches.Remove(id);
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

        private static TestKey Miner(Phoenix.Protocol.Wire.State.DisputeRecord d)
            => new Address(d.Miner.Span) == Honest.Address ? Honest : Cheater;

        private void TryClaim(long blockTime)
        {
            for (var id = _firstLiveTask; TaskMarketModule.GetTask(_chain.State, id) is { } task; id++)
            {
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
    }
}
