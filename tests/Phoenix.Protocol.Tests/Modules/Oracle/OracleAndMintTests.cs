using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Mint;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Tests.Modules.Support;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Oracle;

public sealed class OracleAndMintTests
{
    private const ulong Phnx = 1_000_000;

    private static void Report(ModuleChain chain, int validators, Func<int, ulong> price)
    {
        var txs = Enumerable.Range(0, validators).Select(i => chain.Tx(ModuleChain.Operators[i], new ReportPriceMessage(price(i)).ToWire())).ToList();
        var r = chain.Block(txs);
        Assert.All(r.TxResults, t => Assert.True(t.IsOk, t.Log));
    }

    [Fact]
    public void GetPrice_EightOfTwelveEqualValidators_IsValidWeightedMedian()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        Report(chain, 8, i => (ulong)(1_000_000 + (i * 10_000)));

        var price = OracleModule.GetPrice(chain.App.CommittedState, chain.Time, chain.App.Parameters);

        Assert.True(price.IsValid);
        Assert.Equal(1_030_000UL, price.PriceMicroUsd); // lower median of 8 equal weights: 4th price
        Assert.Equal((UInt128)800, price.CoveredPower);
        Assert.Equal((UInt128)1200, price.TotalPower);
    }

    [Fact]
    public void GetPrice_HeavyValidator_PullsTheMedian()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        chain.ExecOk(TestKeys.Alice, new Protocol.Modules.Staking.DelegateMessage(ModuleChain.Operators[0].Address, 20 * Phnx).ToWire());
        Report(chain, 12, i => i == 0 ? 5_000_000UL : (ulong)(1_000_000 + i));
        var powers = Protocol.Modules.Staking.StakingModule.GetVotingPowers(chain.App.CommittedState);
        var heavy = powers.Single(p => p.Operator == ModuleChain.Operators[0].Address).Power;
        Assert.True(heavy > 100);

        var price = OracleModule.GetPrice(chain.App.CommittedState, chain.Time, chain.App.Parameters);

        // Sorted: 11 light validators (1,000,001..1,000,011, 100 each), then the heavy one at 5,000,000.
        var total = 1100 + heavy;
        var expectedIndex = Enumerable.Range(1, 11).First(k => 2 * (100 * k) >= total);
        Assert.Equal((ulong)(1_000_000 + expectedIndex), price.PriceMicroUsd);
    }

    [Fact]
    public void GetPrice_BelowTwoThirdsCoverage_IsInvalid()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        Report(chain, 7, _ => 1_000_000);
        var price = OracleModule.GetPrice(chain.App.CommittedState, chain.Time, chain.App.Parameters);
        Assert.False(price.IsValid);
        Assert.Equal(1_000_000UL, price.PriceMicroUsd);
    }

    [Fact]
    public void GetPrice_ReportsOlderThanStaleness_IsInvalid()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        Report(chain, 12, _ => 1_000_000);
        Assert.True(OracleModule.GetPrice(chain.App.CommittedState, chain.Time.AddSeconds(chain.App.Parameters.OracleStalenessSeconds), chain.App.Parameters).IsValid);
        Assert.False(OracleModule.GetPrice(chain.App.CommittedState, chain.Time.AddSeconds(chain.App.Parameters.OracleStalenessSeconds + 1), chain.App.Parameters).IsValid);
    }

    [Fact]
    public void ReportPrice_NotAValidatorOrZero_FailsWithTypedCodes()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        ModuleChain.AssertCode(OracleErrors.NotBondedValidator, chain.Exec(TestKeys.Alice, new ReportPriceMessage(1).ToWire()));
        ModuleChain.AssertCode(TxErrors.InvalidMessage, chain.Exec(ModuleChain.Operators[0], new ReportPriceMessage(0).ToWire()));
    }

    [Theory]
    [InlineData("1000000", 1_000_000UL, "100000000")] // 1 PHNX at $1 = 100 SPARK
    [InlineData("1", 1_000_000UL, "100")]
    [InlineData("3", 3_333UL, "0")] // 9,999 / 10,000 rounds down
    [InlineData("7", 12_345UL, "8")] // 86,415 / 10,000
    public void SparkFor_IsPhnxTimesPriceOverOneCentRoundedDown(string uphnx, ulong price, string uspark)
        => Assert.Equal(UInt128.Parse(uspark, System.Globalization.CultureInfo.InvariantCulture), MintModule.SparkFor(UInt128.Parse(uphnx, System.Globalization.CultureInfo.InvariantCulture), price));

    [Fact]
    public void BurnForSpark_ValidPrice_BurnsPhnxAndMintsSpark()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        Report(chain, 12, _ => 2_500_000); // $2.50
        var phnxSupply = BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx);
        var sparkBefore = chain.Balance(TestKeys.Alice.Address, Denom.Spark).Value;

        chain.ExecOk(TestKeys.Alice, new BurnForSparkMessage(10 * Phnx, 2_500_000_000).ToWire());

        Assert.Equal(sparkBefore + 2_500_000_000, chain.Balance(TestKeys.Alice.Address, Denom.Spark).Value); // 2,500 SPARK
        Assert.Equal(phnxSupply - (10 * Phnx), BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx));
    }

    [Fact]
    public void BurnForSpark_SlippageStaleOracleOrDailyCap_FailsAndChangesNothing()
    {
        var parameters = ChainParameters.Default with { DailyMintCapUspark = 1_500_000_000 };
        var chain = new ModuleChain(ModuleChain.StandardGenesis(parameters).Build());
        ModuleChain.AssertCode(MintErrors.OracleUnavailable, chain.Exec(TestKeys.Alice, new BurnForSparkMessage(Phnx, 0).ToWire()));
        Report(chain, 12, _ => 1_000_000);
        var sparkSupply = BankModule.GetSupply(chain.App.CommittedState, Denom.Spark);

        ModuleChain.AssertCode(MintErrors.SlippageExceeded, chain.Exec(TestKeys.Alice, new BurnForSparkMessage(Phnx, 100_000_001).ToWire()));
        chain.ExecOk(TestKeys.Alice, new BurnForSparkMessage(10 * Phnx, 1_000_000_000).ToWire());
        ModuleChain.AssertCode(MintErrors.DailyCapExceeded, chain.Exec(TestKeys.Alice, new BurnForSparkMessage(6 * Phnx, 0).ToWire()));
        chain.ExecOk(TestKeys.Alice, new BurnForSparkMessage(5 * Phnx, 0).ToWire()); // exactly up to the cap
        ModuleChain.AssertCode(MintErrors.DailyCapExceeded, chain.Exec(TestKeys.Alice, new BurnForSparkMessage(1, 0).ToWire()));
        Assert.Equal(sparkSupply + 1_500_000_000, BankModule.GetSupply(chain.App.CommittedState, Denom.Spark));

        // Stale: no new reports for longer than the staleness limit.
        chain.Block(seconds: parameters.OracleStalenessSeconds + 1);
        ModuleChain.AssertCode(MintErrors.OracleUnavailable, chain.Exec(TestKeys.Bob, new BurnForSparkMessage(Phnx, 0).ToWire()));
    }

    [Fact]
    public void BurnForSpark_OutputBelowOneUspark_FailsWithAmountTooSmall()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        Report(chain, 12, _ => 1);
        ModuleChain.AssertCode(MintErrors.AmountTooSmall, chain.Exec(TestKeys.Alice, new BurnForSparkMessage(9_999, 0).ToWire()));
        chain.ExecOk(TestKeys.Alice, new BurnForSparkMessage(10_000, 1).ToWire());
    }

    [Fact]
    public void BurnForSpark_NextDay_CapResets()
    {
        var parameters = ChainParameters.Default with { DailyMintCapUspark = 100_000_000, OracleStalenessSeconds = 200_000 };
        var chain = new ModuleChain(ModuleChain.StandardGenesis(parameters).Build());
        Report(chain, 12, _ => 1_000_000);
        chain.ExecOk(TestKeys.Alice, new BurnForSparkMessage(Phnx, 0).ToWire());
        ModuleChain.AssertCode(MintErrors.DailyCapExceeded, chain.Exec(TestKeys.Alice, new BurnForSparkMessage(Phnx, 0).ToWire()));
        chain.Block(seconds: MintModule.SecondsPerDay);
        chain.ExecOk(TestKeys.Alice, new BurnForSparkMessage(Phnx, 0).ToWire());
    }
}
