using System.Globalization;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;
using Snapshooter.Xunit;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

/// <summary>
/// End-to-end market scenarios: the pinned golden scenario (issue #3 point 7) and the transaction count of a
/// 10,000-unit task's happy path (point 3).
/// </summary>
public sealed class TaskMarketScenarioTests
{
    private const ulong Spark = Denom.UnitsPerToken;
    private const ulong Phnx = Denom.UnitsPerToken;

    /// <summary>
    /// post → claim → submit (one unit wrong) → attest → challenge → bisect → committee → slash → reopen →
    /// resubmit by another miner → finalize → redeem → buy-back. The final balances of every party and module
    /// account, the supplies and the app hash are pinned in the committed snapshot, so any change to a market
    /// rule (or to the state layout) shows up as a snapshot diff that must be reviewed.
    /// </summary>
    [Fact]
    public void PinnedScenario_FullLifecycle_FinalBalancesAndAppHashMatchGolden()
    {
        var chain = new MarketChain();
        const ulong price = 10 * Spark;
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 4, price: price, attestations: 2, policy: VerificationPolicy.Exact, now: chain.Time.Seconds + 5,
            deadlineIn: 3 * 86_400, claimDuration: 3_600));

        // The miner claims all four units and lies about unit 2 from graph node 5 on.
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, 4));
        var cheat = new BatchResults(0, 4).Corrupt(2, 5);
        chain.RunOk(MarketChain.Miner, Msg.Submit(1, cheat.Root));
        chain.RunOk(MarketChain.Validators[0], Msg.Attest(1, cheat.Root, 100 * Phnx));
        chain.RunOk(MarketChain.Validators[1], Msg.Attest(1, cheat.Root, 100 * Phnx));

        // A challenger who re-ran unit 2 disputes it and the two sides bisect down to node 5.
        var truth = new BatchResults(0, 4);
        chain.RunOk(MarketChain.Challenger, cheat.Challenge(1, 2, truth.TraceRoot(2), 8));
        TaskMarketDisputeTests.PlayBisection(chain, 1, 2, cheat, truth);
        var dispute = TaskMarketModule.GetDispute(chain.State, 1)!;
        Assert.Equal(5UL, dispute.Hi);

        // The committee re-executes node 5: the miner's bond share and the attesters' stake behind unit 2 are slashed.
        chain.RunOk(MarketChain.Validators[2], Msg.Report(1, truth.NodeDigest(2, 5)));
        chain.RunOk(MarketChain.Validators[3], Msg.Report(1, truth.NodeDigest(2, 5)));
        var resolved = chain.Block(ChainParameters.Default.DisputeMoveTimeoutSeconds);
        Assert.Equal("overturned", MarketChain.Attr(resolved.Events, "dispute_resolved", "verdict"));
        Assert.Equal(UnitState.Open, TaskMarketModule.GetUnit(chain.State, 1, 2).State);

        // The other three units finalize at the end of the window; another miner redoes unit 2.
        chain.Block(ChainParameters.Default.ChallengeWindowSeconds);
        Assert.Equal(3u, TaskMarketModule.GetTask(chain.State, 1)!.FinalizedUnits);
        chain.RunOk(MarketChain.Miner2, Msg.Claim(1, 2, 1));
        var redo = new BatchResults(2, 1);
        chain.RunOk(MarketChain.Miner2, Msg.Submit(2, redo.Root));
        chain.RunOk(MarketChain.Validators[2], Msg.Attest(2, redo.Root, 100 * Phnx));
        chain.RunOk(MarketChain.Validators[3], Msg.Attest(2, redo.Root, 100 * Phnx));
        chain.Block(ChainParameters.Default.ChallengeWindowSeconds);
        Assert.Equal(4u, TaskMarketModule.GetTask(chain.State, 1)!.FinalizedUnits);

        // Both miners redeem; a validator sells PHNX into the buy-back auction at the next epoch.
        chain.RunOk(MarketChain.Miner, Msg.Redeem(3 * price));
        chain.RunOk(MarketChain.Miner2, Msg.Redeem(price));
        chain.RunOk(MarketChain.Validators[3], Msg.Ask(10 * Phnx, Spark / 100));
        var settled = chain.Block(ChainParameters.Default.BuyBackEpochSeconds);
        Assert.NotNull(MarketChain.Attr(settled.Events, "buyback_settled", "phnx_burned"));
        Assert.Equal(UInt128.Zero, chain.Balance(Address.ForModule(TaskMarketModule.EscrowAccount), Denom.Spark));

        var parties = new (string Name, Address Address)[]
        {
            ("buyer", MarketChain.Buyer.Address), ("cheating_miner", MarketChain.Miner.Address), ("honest_miner", MarketChain.Miner2.Address),
            ("challenger", MarketChain.Challenger.Address), ("validator0", MarketChain.Validators[0].Address), ("validator1", MarketChain.Validators[1].Address),
            ("validator2", MarketChain.Validators[2].Address), ("validator3", MarketChain.Validators[3].Address),
            ("tasks_escrow", Address.ForModule(TaskMarketModule.EscrowAccount)), ("tasks_bonds", Address.ForModule(TaskMarketModule.BondAccount)),
            ("tasks_challenges", Address.ForModule(TaskMarketModule.ChallengeAccount)), ("tasks_buyback", Address.ForModule(TaskMarketModule.BuyBackAccount)),
            ("tasks_asks", Address.ForModule(TaskMarketModule.AskAccount)), ("stake_pool", Address.ForModule(TestStakingModule.Pool)),
        };
        var golden = new
        {
            height = chain.App.LastHeight,
            transactions = chain.TxCount,
            app_hash = chain.App.LastAppHash.ToString(),
            balances = parties.Select(p => new
            {
                account = p.Name,
                phnx = Format(chain.Balance(p.Address, Denom.Phnx)),
                spark = Format(chain.Balance(p.Address, Denom.Spark)),
                btask = Format(chain.Balance(p.Address, Denom.BTask)),
            }).ToList(),
            bonded = MarketChain.Validators.Select(v => Format(TestStakingModule.Bonded(chain.State, v.Address))).ToList(),
            supply = Denom.All.Select(d => d + "=" + Format(BankModule.GetSupply(chain.State, d))).ToList(),
        };
        CommittedSnapshot.Require(typeof(TaskMarketScenarioTests));
        Snapshot.Match(golden);
    }

    /// <summary>
    /// Issue #3 point 3: the happy path of a 10,000-unit task (post, claims, submissions, attestations,
    /// finalization, redemption) in at most one transaction per 50 units. Batches of 500 units, two miners,
    /// two attestations per batch: 1 + 20 + 20 + 40 + 2 transactions.
    /// </summary>
    [Fact]
    public void TenThousandUnitTask_HappyPath_TakesAtMostOneTransactionPer50Units()
    {
        const uint units = 10_000, batch = 500;
        const ulong price = Spark / 10;
        var chain = new MarketChain();
        var buyerBefore = chain.Balance(MarketChain.Buyer, Denom.Spark).Value;
        var before = chain.TxCount;
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: units, price: price, attestations: 2, now: chain.Time.Seconds + 5, deadlineIn: 86_400));

        var miners = new[] { MarketChain.Miner, MarketChain.Miner2 };
        var claims = new List<byte[]>();
        var results = new List<BatchResults>();
        for (uint b = 0; b < units / batch; b++)
        {
            claims.Add(chain.Tx(miners[b % 2], Msg.Claim(1, b * batch, batch)));
            results.Add(new BatchResults(b * batch, batch, traceLength: 1));
        }

        AssertAllOk(chain.Block(5, [.. claims]));
        AssertAllOk(chain.Block(5, [.. results.Select((r, i) => chain.Tx(miners[i % 2], Msg.Submit((ulong)i + 1, r.Root)))]));
        var attestations = results.SelectMany((r, i) => new[]
        {
            chain.Tx(MarketChain.Validators[0], Msg.Attest((ulong)i + 1, r.Root, 1_000 * Phnx)),
            chain.Tx(MarketChain.Validators[1], Msg.Attest((ulong)i + 1, r.Root, 1_000 * Phnx)),
        }).ToArray();
        AssertAllOk(chain.Block(5, attestations));
        chain.Block(ChainParameters.Default.ChallengeWindowSeconds);
        Assert.Equal(units, TaskMarketModule.GetTask(chain.State, 1)!.FinalizedUnits);

        var earned = (UInt128)(units / 2) * price;
        AssertAllOk(chain.Block(5, chain.Tx(MarketChain.Miner, Msg.Redeem(earned)), chain.Tx(MarketChain.Miner2, Msg.Redeem(earned))));

        var transactions = chain.TxCount - before;
        Assert.True(transactions <= units / 50, $"{transactions} transactions for {units} units (goal: at most {units / 50})");
        var fee = ChainParameters.Default.TaskFeeRate.MultiplyFloor(price);
        Assert.Equal(buyerBefore - ((UInt128)units * (price + fee)), chain.Balance(MarketChain.Buyer, Denom.Spark).Value);
        Assert.Equal(UInt128.Zero, chain.Balance(Address.ForModule(TaskMarketModule.EscrowAccount), Denom.Spark));
        Assert.Equal(UInt128.Zero, chain.Balance(Address.ForModule(TaskMarketModule.BondAccount), Denom.Spark));
    }

    private static void AssertAllOk(Phoenix.Protocol.Abci.FinalizeBlockResponse response)
    {
        foreach (var r in response.TxResults)
        {
            Assert.True(r.Code == 0, $"{r.Codespace}/{r.Code}: {r.Log}");
        }
    }

    private static string Format(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(Amount amount) => Format(amount.Value);
}
