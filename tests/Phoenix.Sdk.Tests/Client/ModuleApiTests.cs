using Phoenix.Protocol.Modules.Governance;
using Phoenix.Protocol.Modules.Mint;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.Sdk.Tests.Agents;
using Phoenix.Sdk.Tests.Api;
using Phoenix.Sdk.Transactions;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Client;

/// <summary>Typed burn-to-mint, staking, governance and oracle calls against a node running the standard modules.</summary>
public sealed class ModuleApiTests
{
    [Fact]
    public async Task BurnForSpark_WithinTheGuard_MintsAtTheOraclePrice()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        var burn = Amount.FromTokens(3, Denom.Phnx);
        var expected = MintModule.SparkFor(burn.Value, MarketNet.PriceMicroUsd);

        await net.Client.BurnForSparkAsync(bob, burn, new Amount(expected, Denom.Spark));

        Assert.Equal(expected, (await net.Client.GetBalanceAsync(bob.Address, Denom.Spark)).Value);
    }

    [Fact]
    public async Task BurnForSpark_BelowTheGuard_RejectedWithSlippageExceeded_NothingBurned()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        var burn = Amount.FromTokens(3, Denom.Phnx);
        var phnx = (await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx)).Value;

        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() =>
            net.Client.BurnForSparkAsync(bob, burn, new Amount(MintModule.SparkFor(burn.Value, MarketNet.PriceMicroUsd) + 1, Denom.Spark)));

        Assert.True(e.Is(MintErrors.SlippageExceeded), e.Message);
        Assert.Equal(MintErrors.Codespace, e.Codespace);
        Assert.True((await net.Client.GetBalanceAsync(bob.Address, Denom.Spark)).IsZero);
        Assert.Equal(phnx - net.Client.DefaultFee.Value, (await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx)).Value);
    }

    [Fact]
    public async Task BurnForSpark_StaleOracle_RejectedWithOracleUnavailable()
    {
        await using var net = await MarketNet.StartAsync();
        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() =>
            net.Client.BurnForSparkAsync(TestClients.Wallet(TestKeys.Bob), Amount.FromTokens(1, Denom.Phnx), new Amount(0, Denom.Spark)));
        Assert.True(e.Is(MintErrors.OracleUnavailable), e.Message);
    }

    [Fact]
    public async Task BurnForSpark_WrongDenominations_ThrowArgumentException()
    {
        await using var net = await MarketNet.StartAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        await Assert.ThrowsAsync<ArgumentException>(() => net.Client.BurnForSparkAsync(bob, Amount.FromTokens(1, Denom.Spark), new Amount(0, Denom.Spark)));
        await Assert.ThrowsAsync<ArgumentException>(() => net.Client.BurnForSparkAsync(bob, new Amount(0, Denom.Phnx), new Amount(0, Denom.Spark)));
        await Assert.ThrowsAsync<ArgumentException>(() => net.Client.BurnForSparkAsync(bob, Amount.FromTokens(1, Denom.Phnx), new Amount(0, Denom.Phnx)));
    }

    [Fact]
    public async Task DelegateRedelegateUndelegate_MoveStakeBetweenValidators()
    {
        await using var net = await MarketNet.StartAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        var v0 = MarketNet.Operators[0].Address;
        var v1 = MarketNet.Operators[1].Address;
        UInt128 Tokens(Address v) => StakingModule.GetValidator(net.Node.Chain.App.CommittedState, v)!.Tokens;
        var t0 = Tokens(v0);
        var t1 = Tokens(v1);

        await net.Client.DelegateAsync(bob, v0, Amount.FromTokens(10, Denom.Phnx));
        Assert.Equal(t0 + Amount.FromTokens(10, Denom.Phnx).Value, Tokens(v0));

        await net.Client.RedelegateAsync(bob, v0, v1, Amount.FromTokens(4, Denom.Phnx));
        Assert.Equal(t0 + Amount.FromTokens(6, Denom.Phnx).Value, Tokens(v0));
        Assert.Equal(t1 + Amount.FromTokens(4, Denom.Phnx).Value, Tokens(v1));

        await net.Client.UndelegateAsync(bob, v1, Amount.FromTokens(4, Denom.Phnx));
        Assert.Equal(t1, Tokens(v1));
        Assert.Contains(StakingModule.GetUnbondings(net.Node.Chain.App.CommittedState), u => u.Delegator == bob.Address && u.Validator == v1);
    }

    [Fact]
    public async Task Delegate_ToNoValidator_RejectedWithStakingCode_BalanceKeepsAllButTheFee()
    {
        await using var net = await MarketNet.StartAsync();
        var bob = TestClients.Wallet(TestKeys.Bob);
        var phnx = (await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx)).Value;

        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => net.Client.DelegateAsync(bob, TestKeys.Carol.Address, Amount.FromTokens(1, Denom.Phnx)));

        Assert.Equal(StakingErrors.Codespace, e.Codespace);
        Assert.Equal(phnx - net.Client.DefaultFee.Value, (await net.Client.GetBalanceAsync(bob.Address, Denom.Phnx)).Value);
        await Assert.ThrowsAsync<ArgumentException>(() => net.Client.RedelegateAsync(bob, MarketNet.Operators[0].Address, MarketNet.Operators[0].Address, Amount.FromTokens(1, Denom.Phnx)));
        await Assert.ThrowsAsync<ArgumentException>(() => net.Client.DelegateAsync(bob, MarketNet.Operators[0].Address, Amount.FromTokens(1, Denom.Spark)));
    }

    [Fact]
    public async Task SubmitProposalAndVote_RecordsTheProposal_VoteOutsideVotingPeriodIsATypedRejection()
    {
        await using var net = await MarketNet.StartAsync();
        var alice = MarketNet.Buyer;
        var deposit = new Amount(MarketNet.Parameters.MinGovernanceDepositUphnx, Denom.Phnx);

        var result = await net.Client.SubmitProposalAsync(alice, "Signal", "A text proposal.", deposit, new TextContent());

        var id = Assert.Single(GovernanceIds(net));
        var proposal = GovernanceModule.GetProposal(net.Node.Chain.App.CommittedState, id);
        Assert.NotNull(proposal);
        Assert.Equal(alice.Address, proposal.Proposer);
        Assert.Equal(ProposalStatus.VotingPeriod, proposal.Status);
        Assert.True(result.Committed);

        await net.Client.VoteAsync(MarketNet.Operator(0), id, GovernanceVote.Yes);
        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => net.Client.VoteAsync(alice, id + 1, GovernanceVote.No));
        Assert.Equal(GovernanceErrors.Codespace, e.Codespace);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => net.Client.VoteAsync(alice, id, (GovernanceVote)42));
    }

    [Fact]
    public async Task ReportPrice_ByNonValidator_RejectedWithNotBondedValidator()
    {
        await using var net = await MarketNet.StartAsync();
        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => net.Client.ReportPriceAsync(TestClients.Wallet(TestKeys.Bob), 1_000_000));
        Assert.True(e.Is(OracleErrors.NotBondedValidator));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => net.Client.ReportPriceAsync(TestClients.Wallet(TestKeys.Bob), 0));
    }

    [Fact]
    public async Task GetParameters_ReadsTheChainsParameters()
    {
        await using var net = await MarketNet.StartAsync();
        var p = await net.Client.GetParametersAsync();
        Assert.Equal(MarketNet.Parameters.ChallengeWindowSeconds, p.ChallengeWindowSeconds);
        Assert.Equal(MarketNet.Parameters.TaskFeeRate, p.TaskFeeRate);
        Assert.Equal(MarketNet.Parameters.MinGovernanceDepositUphnx, p.MinGovernanceDepositUphnx);
    }

    public static TheoryData<string> EveryModuleMessage => ["staking", "redelegate", "gov", "oracle", "mint", "post_task", "challenge", "bisect", "redeem", "place_ask"];

    [Theory]
    [MemberData(nameof(EveryModuleMessage))]
    public void TransactionBuilder_SignsAndDecodesEveryModulesMessages(string which)
    {
        ITxMessage message = which switch
        {
            "staking" => new CreateValidatorMessage(TestKeys.Numbered(7).PublicKey, "DE", 500, 1_000_000),
            "redelegate" => new RedelegateMessage(TestKeys.Alice.Address, TestKeys.Bob.Address, 5),
            "gov" => new VoteMessage(3, GovernanceVote.NoWithVeto),
            "oracle" => new ReportPriceMessage(2_000_000),
            "mint" => new BurnForSparkMessage(10, 9),
            "post_task" => new PostTaskMessage("onnx/v1", new byte[32], new byte[32], Phoenix.Protocol.Wire.Tx.VerificationPolicy.Exact, 0, 0, 3, "100", 1, 1_800_000_000, 60),
            "challenge" => new ChallengeUnitMessage(1, 2, new byte[32], new byte[32], [new byte[32]], new byte[32], 4),
            "bisect" => new BisectMessage(1, 2, new byte[32], [new byte[32]]),
            "redeem" => new RedeemMessage("5"),
            _ => new PlaceAskMessage("5", "7"),
        };

        var signed = new TransactionBuilder(TestChain.ChainId).AddMessage(message).WithFee(Amount.FromTokens(1, Denom.Phnx)).Sign(TestClients.Wallet(TestKeys.Alice), 0);
        var decoded = TransactionBuilder.Decode(signed.Raw.Span);

        var single = Assert.Single(decoded.Messages);
        Assert.Equal(message.GetType(), single.GetType());
        Assert.Equal(message.TypeName, single.TypeName);
    }

    private static IEnumerable<ulong> GovernanceIds(MarketNet net)
    {
        for (ulong id = 1; id < 10; id++)
        {
            if (GovernanceModule.GetProposal(net.Node.Chain.App.CommittedState, id) is not null)
            {
                yield return id;
            }
        }
    }
}
