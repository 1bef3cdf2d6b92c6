using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

public sealed class TaskMarketLifecycleTests
{
    private const ulong Price = 1_000_000; // 1 SPARK per unit
    private static readonly UInt128 Stake = (UInt128)100 * Denom.UnitsPerToken; // 100 PHNX at 1 USD ≥ 2 × 10 units × 0.01 USD

    private static Address Escrow => Address.ForModule(TaskMarketModule.EscrowAccount);

    private static Address Pool => Address.ForModule(TaskMarketModule.BuyBackAccount);

    /// <summary>Posts a 10-unit task, claims all of it as batch 1 and submits honest results.</summary>
    private static (MarketChain Chain, BatchResults Results) Submitted(uint units = 10, uint attestations = 2, VerificationPolicy policy = VerificationPolicy.Exact)
    {
        var chain = new MarketChain();
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: units, price: Price, attestations: attestations, policy: policy, now: chain.Time.Seconds + 5, rtol: policy == VerificationPolicy.Tolerance ? 1000UL : 0));
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, units));
        var results = new BatchResults(0, units);
        chain.RunOk(MarketChain.Miner, Msg.Submit(1, results.Root));
        return (chain, results);
    }

    [Fact]
    public void ClaimUnits_Range_PostsTenPercentBondAndMarksUnitsClaimed()
    {
        var chain = new MarketChain();
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 10, price: Price, now: chain.Time.Seconds + 5));
        var before = chain.Balance(MarketChain.Miner, Denom.Spark).Value;

        var r = chain.RunOk(MarketChain.Miner, Msg.Claim(1, 2, 5));

        Assert.Equal(before - (5 * 100_000), chain.Balance(MarketChain.Miner, Denom.Spark).Value);
        Assert.Equal("1", MarketChain.Attr(r.Events, "units_claimed", "batch_id"));
        Assert.Equal(UnitState.Claimed, TaskMarketModule.GetUnit(chain.State, 1, 6).State);
        Assert.Equal(UnitState.Open, TaskMarketModule.GetUnit(chain.State, 1, 7).State);
        MarketChain.AssertFails(chain.Run(MarketChain.Miner2, Msg.Claim(1, 6, 2)), TaskErrors.UnitNotOpen);
        MarketChain.AssertFails(chain.Run(MarketChain.Miner2, Msg.Claim(1, 8, 3)), TaskErrors.InvalidUnitRange);
        MarketChain.AssertFails(chain.Run(MarketChain.Miner2, Msg.Claim(1, 8, 0)), TaskErrors.InvalidUnitRange);
        MarketChain.AssertFails(chain.Run(MarketChain.Miner2, Msg.Claim(9, 0, 1)), TaskErrors.TaskNotFound);
    }

    [Fact]
    public void ClaimExpiry_NoSubmission_BondGoesToBuyerAndUnitsReopen()
    {
        var chain = new MarketChain();
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 10, price: Price, claimDuration: 600, now: chain.Time.Seconds + 5));
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, 10));
        var buyerBefore = chain.Balance(MarketChain.Buyer, Denom.Spark).Value;
        chain.Block(5); // a block in which the miner could have submitted

        var response = chain.Block(601);

        Assert.Equal(buyerBefore + 1_000_000, chain.Balance(MarketChain.Buyer, Denom.Spark).Value);
        Assert.NotNull(MarketChain.Attr(response.Events, "claim_expired", "bond_to_buyer"));
        Assert.Equal(UnitState.Open, TaskMarketModule.GetUnit(chain.State, 1, 3).State);
        MarketChain.AssertFails(chain.Run(MarketChain.Miner, Msg.Submit(1, new BatchResults(0, 10).Root)), TaskErrors.WrongBatchState);
        chain.RunOk(MarketChain.Miner2, Msg.Claim(1, 0, 10));
    }

    [Fact]
    public void ClaimExpiry_FirstBlockAfterClaimIsPastExpiry_ClaimRunsOnAndBondIsKept()
    {
        var chain = new MarketChain();
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 4, price: Price, claimDuration: 600, now: chain.Time.Seconds + 5));
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, 4));
        var minerBefore = chain.Balance(MarketChain.Miner, Denom.Spark).Value;

        var gap = chain.Block(3_600); // the chain produced no block the miner could submit in

        Assert.Null(MarketChain.Attr(gap.Events, "claim_expired", "bond_to_buyer"));
        Assert.Equal("no_block_before_expiry", MarketChain.Attr(gap.Events, "claim_extended", "reason"));
        Assert.Equal(chain.Time.Seconds + 600, TaskMarketModule.GetBatch(chain.State, 1)!.ClaimExpires);
        chain.RunOk(MarketChain.Miner, Msg.Submit(1, new BatchResults(0, 4).Root));
        Assert.Equal(UnitState.Submitted, TaskMarketModule.GetUnit(chain.State, 1, 0).State);
        Assert.Equal(minerBefore, chain.Balance(MarketChain.Miner, Denom.Spark).Value);
    }

    [Fact]
    public void SubmitBatch_WrongSignerOrTwice_ReturnsTypedErrors()
    {
        var (chain, results) = Submitted();
        MarketChain.AssertFails(chain.Run(MarketChain.Miner, Msg.Submit(1, results.Root)), TaskErrors.WrongBatchState);
        MarketChain.AssertFails(chain.Run(MarketChain.Miner2, Msg.Submit(1, results.Root)), TaskErrors.NotMiner);
        MarketChain.AssertFails(chain.Run(MarketChain.Miner, Msg.Submit(5, results.Root)), TaskErrors.BatchNotFound);
        Assert.Equal(UnitState.Submitted, TaskMarketModule.GetUnit(chain.State, 1, 0).State);
    }

    [Fact]
    public void AttestBatch_InvalidAttestations_ReturnTypedErrorsAndLockNothing()
    {
        var (chain, results) = Submitted();
        var v = MarketChain.Validators[0];
        MarketChain.AssertFails(chain.Run(MarketChain.Challenger, Msg.Attest(1, results.Root, Stake)), TaskErrors.NotBonded);
        MarketChain.AssertFails(chain.Run(v, Msg.Attest(1, Hash32.Sha256("other"u8), Stake)), TaskErrors.RootMismatch);

        // 10 units × 1 SPARK = 0.10 USD; 2× = 0.20 USD = 0.2 PHNX at 1 USD: 199,999 uphnx is just short.
        MarketChain.AssertFails(chain.Run(v, Msg.Attest(1, results.Root, 199_999)), TaskErrors.StakeTooLow);
        MarketChain.AssertFails(chain.Run(v, Msg.Attest(1, results.Root, MarketChain.ValidatorStake + 1)), TaskErrors.InsufficientStake);
        chain.Price.MicroUsdPerPhnx = null;
        MarketChain.AssertFails(chain.Run(v, Msg.Attest(1, results.Root, Stake)), TaskErrors.PriceUnavailable);
        chain.Price.MicroUsdPerPhnx = 1_000_000;
        Assert.Equal(UInt128.Zero, TestStakingModule.Locked(chain.State, v.Address));

        chain.RunOk(v, Msg.Attest(1, results.Root, 200_000));
        MarketChain.AssertFails(chain.Run(v, Msg.Attest(1, results.Root, Stake)), TaskErrors.AlreadyDone);
        Assert.Equal((UInt128)200_000, TestStakingModule.Locked(chain.State, v.Address));
    }

    [Fact]
    public void AttestBatch_HigherPrice_LowersTheRequiredStake()
    {
        var (chain, results) = Submitted();
        chain.Price.MicroUsdPerPhnx = 4_000_000; // 4 USD per PHNX: 0.20 USD = 0.05 PHNX
        MarketChain.AssertFails(chain.Run(MarketChain.Validators[0], Msg.Attest(1, results.Root, 49_999)), TaskErrors.StakeTooLow);
        chain.RunOk(MarketChain.Validators[0], Msg.Attest(1, results.Root, 50_000));
    }

    [Fact]
    public void HappyPath_WindowPasses_MintsBTaskSplitsFeeUnlocksStakeAndRedeemPaysSpark()
    {
        var (chain, results) = Submitted();
        var minerSparkBefore = chain.Balance(MarketChain.Miner, Denom.Spark).Value;
        var v0 = MarketChain.Validators[0];
        var v1 = MarketChain.Validators[1];
        var v0Spark = chain.Balance(v0, Denom.Spark).Value;
        var v1Spark = chain.Balance(v1, Denom.Spark).Value;
        chain.RunOk(v0, Msg.Attest(1, results.Root, Stake));
        var opened = chain.RunOk(v1, Msg.Attest(1, results.Root, Stake * 3));
        Assert.NotNull(MarketChain.Attr(opened.Events, "challenge_window_opened", "window_end"));
        Assert.Equal(UnitState.Attested, TaskMarketModule.GetUnit(chain.State, 1, 0).State);

        chain.Block(7_100); // still inside the 2-hour window (opened 5 s earlier... + 7,100 s < 7,200 s)
        Assert.Equal(UnitState.Attested, TaskMarketModule.GetUnit(chain.State, 1, 0).State);
        var response = chain.Block(200);

        Assert.Equal(UnitState.Finalized, TaskMarketModule.GetUnit(chain.State, 1, 9).State);
        Assert.Equal((UInt128)10_000_000, chain.Balance(MarketChain.Miner, Denom.BTask).Value);
        Assert.Equal(minerSparkBefore + 1_000_000, chain.Balance(MarketChain.Miner, Denom.Spark).Value); // bond back

        // Fee 10 × 0.05 SPARK = 500,000 uspark: 85 % = 425,000 to attesters 1:3, 15 % = 75,000 to the pool.
        Assert.Equal(v0Spark + 106_250, chain.Balance(v0, Denom.Spark).Value);
        Assert.Equal(v1Spark + 318_750, chain.Balance(v1, Denom.Spark).Value);
        Assert.Equal((UInt128)75_000, chain.Balance(Pool, Denom.Spark));
        Assert.Equal(UInt128.Zero, TestStakingModule.Locked(chain.State, v0.Address));
        Assert.Equal(UInt128.Zero, TestStakingModule.Locked(chain.State, v1.Address));
        Assert.Equal("10000000", MarketChain.Attr(response.Events, "units_finalized", "btask_minted"));

        MarketChain.AssertFails(chain.Run(MarketChain.Miner, Msg.Redeem(10_000_001)), TaskErrors.NotRedeemable);
        chain.RunOk(MarketChain.Miner, Msg.Redeem(4_000_000));
        chain.RunOk(MarketChain.Miner, Msg.Redeem(6_000_000));
        MarketChain.AssertFails(chain.Run(MarketChain.Miner, Msg.Redeem(1)), TaskErrors.NotRedeemable);
        Assert.Equal(UInt128.Zero, chain.Balance(MarketChain.Miner, Denom.BTask).Value);
        Assert.Equal(minerSparkBefore + 11_000_000, chain.Balance(MarketChain.Miner, Denom.Spark).Value);
        Assert.Equal(UInt128.Zero, chain.Balance(Escrow, Denom.Spark));
        var task = TaskMarketModule.GetTask(chain.State, 1)!;
        Assert.Equal(10u, task.FinalizedUnits);
        Assert.Equal(0u, task.LiveUnits);
    }

    [Fact]
    public void Unattested_DeadlinePlusWindowPasses_MinerKeepsBondAndBuyerIsRefunded()
    {
        var chain = new MarketChain();
        var buyerBefore = chain.Balance(MarketChain.Buyer, Denom.Spark).Value;
        var minerBefore = chain.Balance(MarketChain.Miner, Denom.Spark).Value;
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 4, price: Price, deadlineIn: 1_000, now: chain.Time.Seconds + 5));
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, 4));
        chain.RunOk(MarketChain.Miner, Msg.Submit(1, new BatchResults(0, 4).Root));
        chain.RunOk(MarketChain.Validators[0], Msg.Attest(1, new BatchResults(0, 4).Root, Stake)); // one of two

        chain.Block(1_000 + ChainParameters.Default.ChallengeWindowSeconds);

        Assert.Equal(buyerBefore, chain.Balance(MarketChain.Buyer, Denom.Spark).Value);
        Assert.Equal(minerBefore, chain.Balance(MarketChain.Miner, Denom.Spark).Value);
        Assert.Equal(UInt128.Zero, TestStakingModule.Locked(chain.State, MarketChain.Validators[0].Address));
        Assert.Equal(UnitState.Refunded, TaskMarketModule.GetUnit(chain.State, 1, 0).State);
    }

    [Fact]
    public void SubmitBatch_AfterClaimExpiryInSameBlockTime_ReturnsClaimExpired()
    {
        var chain = new MarketChain();
        chain.RunOk(MarketChain.Buyer, Msg.Post(units: 2, price: Price, claimDuration: 100, now: chain.Time.Seconds + 5));
        chain.RunOk(MarketChain.Miner, Msg.Claim(1, 0, 2));
        var r = chain.Block(101, chain.Tx(MarketChain.Miner, Msg.Submit(1, new BatchResults(0, 2).Root))).TxResults[0];
        MarketChain.AssertFails(r, TaskErrors.ClaimExpired);
    }

    [Fact]
    public void Redeem_GenesisBTaskNotEarnedInMarket_ReturnsNotRedeemable()
    {
        var chain = new MarketChain();
        MarketChain.AssertFails(chain.Run(TestKeys.Alice, Msg.Redeem(1)), TaskErrors.NotRedeemable);
        MarketChain.AssertFails(chain.Run(TestKeys.Alice, new RedeemMessage("0").ToWire()), TaskErrors.InvalidAmount);
    }
}
