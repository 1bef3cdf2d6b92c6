using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

public sealed class TaskMarketBuyBackTests
{
    private const ulong Phnx = Denom.UnitsPerToken;
    private const ulong Spark = Denom.UnitsPerToken;

    [Fact]
    public void Clear_BudgetBetweenAsks_FillsCheapestFullyAndMarginalInPartAtOnePrice()
    {
        var fills = TaskMarketModule.Clear([(100 * Phnx, 1 * Spark), (100 * Phnx, 2 * Spark), (100 * Phnx, 3 * Spark)], 300 * Spark, out var clearing);
        Assert.Equal((UInt128)(2 * Spark), clearing);
        Assert.Equal([(UInt128)(100 * Phnx), 50 * Phnx, 0], fills);
    }

    [Fact]
    public void Clear_BudgetTooSmallForAnything_FillsNothing()
    {
        var fills = TaskMarketModule.Clear([(100 * Phnx, 5 * Spark)], 0, out var clearing);
        Assert.Equal(UInt128.Zero, clearing);
        Assert.All(fills, f => Assert.Equal(UInt128.Zero, f));
    }

    [Property(MaxTest = 200)]
    public Property Clear_AnyAsks_UniformPriceWithinBudgetCheapestFirst(NonEmptyArray<PositiveInt> amounts, NonEmptyArray<PositiveInt> prices, NonNegativeInt budgetSeed)
    {
        var n = Math.Min(amounts.Get.Length, prices.Get.Length);
        var asks = Enumerable.Range(0, n)
            .Select(i => ((UInt128)(ulong)amounts.Get[i].Get * 1_000, (UInt128)(ulong)prices.Get[i].Get))
            .OrderBy(a => a.Item2).ToList();
        var budget = (UInt128)(ulong)budgetSeed.Get * 10;
        var fills = TaskMarketModule.Clear(asks, budget, out var clearing);
        UInt128 cost = 0;
        var ok = true;
        for (var i = 0; i < n; i++)
        {
            ok &= fills[i] <= asks[i].Item1;
            ok &= fills[i] == 0 || asks[i].Item2 <= clearing; // nobody sells below its minimum
            ok &= asks[i].Item2 >= clearing || fills[i] == asks[i].Item1; // everyone cheaper than the clearing price fills in full
            cost += TaskMarketModule.Cost(fills[i], clearing);
        }

        // Cheapest first: once an ask is not fully filled, no later ask fills at all.
        var firstShort = Enumerable.Range(0, n).FirstOrDefault(i => fills[i] != asks[i].Item1, n);
        ok &= Enumerable.Range(firstShort + 1, Math.Max(0, n - firstShort - 1)).All(i => fills[i] == 0);
        return (ok && cost <= budget).Label($"cost {cost} budget {budget} clearing {clearing}");
    }

    [Fact]
    public void BuyBack_EpochBoundary_SpendsPoolOnCheapestAsksBurnsPhnxAndRefundsTheRest()
    {
        var chain = new MarketChain();
        // Fill the pool through the market: a 10-unit task at 100 SPARK per unit pays 10 × 5 × 15 % = 7.5 SPARK to the pool.
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 10, price: 100 * Spark, attestations: 1, now: chain.Time.Seconds + 5));
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, 10));
        var results = new BatchResults(0, 10);
        chain.RunOk(MarketChain.Miner, Msg.Submit(1, results.Root));
        chain.RunOk(MarketChain.Validators[0], Msg.Attest(1, results.Root, (UInt128)10_000 * Phnx));
        chain.Block(7_200);
        var pool = TaskMarketModule.BuyBackPool(chain.State);
        Assert.Equal((UInt128)(7_500_000), pool);

        var cheap = MarketChain.Validators[2];
        var dear = MarketChain.Validators[3];
        var cheapPhnx = chain.Balance(cheap, Denom.Phnx).Value;
        var dearPhnx = chain.Balance(dear, Denom.Phnx).Value;
        var cheapSpark = chain.Balance(cheap, Denom.Spark).Value;
        chain.Block(0, chain.Tx(cheap, Msg.Ask(5 * Phnx, 1 * Spark)), chain.Tx(dear, Msg.Ask(5 * Phnx, 100 * Spark)));
        var supplyBefore = BankModule.GetSupply(chain.State, Denom.Phnx);
        Assert.Equal((UInt128)(10 * Phnx), chain.Balance(Address.ForModule(TaskMarketModule.AskAccount), Denom.Phnx));

        var settled = chain.Block(3_600);

        // The pool (7.5 SPARK) buys all 5 PHNX of the cheap ask at 1 SPARK; filling any of the dear ask would
        // mean paying everyone 100 SPARK per PHNX (500 SPARK for the cheap ask alone), so it is refunded.
        Assert.Equal((UInt128)(1 * Spark), UInt128.Parse(MarketChain.Attr(settled.Events, "buyback_settled", "clearing_price")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((UInt128)(5 * Phnx), supplyBefore - BankModule.GetSupply(chain.State, Denom.Phnx));
        Assert.NotNull(MarketChain.Attr(settled.Events, "buyback_settled", "clearing_price"));
        var clearing = UInt128.Parse(MarketChain.Attr(settled.Events, "buyback_settled", "clearing_price")!, System.Globalization.CultureInfo.InvariantCulture);
        var burned = supplyBefore - BankModule.GetSupply(chain.State, Denom.Phnx);
        var spent = pool - TaskMarketModule.BuyBackPool(chain.State);
        Assert.True(spent <= pool);
        Assert.Equal(TaskMarketModule.Cost(5 * Phnx, clearing) + TaskMarketModule.Cost(burned - (5 * Phnx), clearing), spent);
        Assert.Equal(cheapPhnx - 1_000 - (5 * Phnx), chain.Balance(cheap, Denom.Phnx).Value);
        Assert.Equal(cheapSpark + TaskMarketModule.Cost(5 * Phnx, clearing), chain.Balance(cheap, Denom.Spark).Value);
        Assert.Equal(dearPhnx - 1_000 - (burned - (5 * Phnx)), chain.Balance(dear, Denom.Phnx).Value);
        Assert.Equal(UInt128.Zero, chain.Balance(Address.ForModule(TaskMarketModule.AskAccount), Denom.Phnx));
    }

    [Fact]
    public void PlaceAsk_ZeroAmount_ReturnsInvalidAmount()
    {
        var chain = new MarketChain();
        MarketChain.AssertFails(chain.Run(MarketChain.Validators[2], Msg.Ask(0, 1)), TaskErrors.InvalidAmount);
        MarketChain.AssertFails(chain.Run(MarketChain.Validators[2], Msg.Ask(1, 0)), TaskErrors.InvalidAmount);
    }
}
