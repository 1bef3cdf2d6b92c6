using Phoenix.Protocol.Modules.Distribution;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Tests.Modules.Support;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Staking;

public sealed class DistributionTests
{
    private const ulong Phnx = 1_000_000;

    [Fact]
    public void Fees_AreSharedProRataWithCommissionAndWithdrawable()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var consKey = TestKeys.Of("cons-carol", 0x55).PublicKey;
        chain.ExecOk(TestKeys.Carol, new CreateValidatorMessage(consKey, "CH", 1_000, 100 * Phnx).ToWire()); // 10 % commission
        chain.ExecOk(TestKeys.Bob, new DelegateMessage(TestKeys.Carol.Address, 100 * Phnx).ToWire());
        var carol = TestKeys.Carol.Address;
        var bob = TestKeys.Bob.Address;
        var bobRewardsBefore = DistributionModule.PendingRewards(chain.App.CommittedState, carol, bob, Denom.Phnx);
        var dust = (ulong)Protocol.Modules.Bank.BankModule.GetBalance(chain.App.CommittedState, Protocol.Modules.Bank.BankModule.FeePool, Denom.Phnx).Value;

        // One block whose only fee is Alice's 1,000 uphnx (plus last block's rounding dust); total bonded = 12 × 100 + 200 = 1,400 PHNX.
        chain.ExecOk(TestKeys.Alice, new Protocol.Modules.Bank.SendMessage(TestKeys.Dave.Address, [new Amount(1, Denom.Phnx)]).ToWire());

        var share = (1000UL + dust) * 200 / 1400; // about 142 uphnx to Carol's validator
        var commission = share / 10;              // 10 %
        var bobGain = DistributionModule.PendingRewards(chain.App.CommittedState, carol, bob, Denom.Phnx) - bobRewardsBefore;
        Assert.Equal((UInt128)((share - commission) / 2), bobGain);
        Assert.True(DistributionModule.Commission(chain.App.CommittedState, carol, Denom.Phnx) >= commission);

        var bobBalance = chain.Balance(bob, Denom.Phnx).Value;
        var pending = DistributionModule.PendingRewards(chain.App.CommittedState, carol, bob, Denom.Phnx);
        chain.ExecOk(TestKeys.Bob, new WithdrawRewardsMessage(carol).ToWire());
        Assert.Equal(bobBalance - 1000 + pending, chain.Balance(bob, Denom.Phnx).Value);

        var carolBalance = chain.Balance(carol, Denom.Phnx).Value;
        var owed = DistributionModule.Commission(chain.App.CommittedState, carol, Denom.Phnx) + DistributionModule.PendingRewards(chain.App.CommittedState, carol, carol, Denom.Phnx);
        chain.ExecOk(TestKeys.Carol, new WithdrawRewardsMessage(carol).ToWire());
        Assert.Equal(carolBalance - 1000 + owed, chain.Balance(carol, Denom.Phnx).Value);
    }

    [Fact]
    public void Delegate_AfterRewardsAccrued_DoesNotStealEarlierRewards()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var op = ModuleChain.Operators[0].Address;
        chain.ExecOk(TestKeys.Bob, new DelegateMessage(op, 100 * Phnx).ToWire());
        var bobBefore = DistributionModule.PendingRewards(chain.App.CommittedState, op, TestKeys.Bob.Address, Denom.Phnx);
        chain.ExecOk(TestKeys.Alice, new DelegateMessage(op, 100 * Phnx).ToWire());

        // Alice's own fee was distributed in the block she joined: her pending reward is settled at the new shares from then on only.
        var aliceAfterJoin = DistributionModule.PendingRewards(chain.App.CommittedState, op, TestKeys.Alice.Address, Denom.Phnx);
        var bobAfterJoin = DistributionModule.PendingRewards(chain.App.CommittedState, op, TestKeys.Bob.Address, Denom.Phnx);
        Assert.True(bobAfterJoin > bobBefore);
        Assert.True(aliceAfterJoin <= bobAfterJoin - bobBefore, $"alice {aliceAfterJoin} bob gained {bobAfterJoin - bobBefore}");
    }
}
