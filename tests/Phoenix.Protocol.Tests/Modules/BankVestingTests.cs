using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules;

public class BankVestingTests
{
    private static readonly Timestamp Start = TestChain.GenesisTime;
    private const long Year = GenesisBuilder.SecondsPerYear;

    [Fact]
    public void LockedAt_TeamSchedule_CliffThenLinear()
    {
        var total = (UInt128)150_000_000 * 1_000_000;
        var team = new VestingSchedule(total, Start, Start.AddSeconds(Year), Start.AddSeconds(3 * Year));
        Assert.Equal(total, team.LockedAt(Start.AddSeconds(Year - 1)));
        Assert.Equal(total - (total / 3), team.LockedAt(Start.AddSeconds(Year))); // one third at month 12
        Assert.Equal(total / 3, team.LockedAt(Start.AddSeconds(2 * Year)));
        Assert.Equal(UInt128.Zero, team.LockedAt(Start.AddSeconds(3 * Year)));
    }

    [Fact]
    public void StandardAllocation_SumsToOneBillionPhnxWithSchedules()
    {
        var genesis = new GenesisBuilder("phx-1", Start)
            .WithStandardAllocation(TestKeys.Alice.Address, TestKeys.Bob.Address, TestKeys.Carol.Address, TestKeys.Dave.Address)
            .Build();
        Assert.Equal(GenesisBuilder.StandardSupplyUphnx, genesis.TotalSupply()[Denom.Phnx]);
        var foundation = genesis.Accounts.Single(a => a.Label == "foundation");
        Assert.Equal(Start.AddSeconds(4 * Year), foundation.Vesting!.End);
        Assert.Equal(Start, foundation.Vesting.Cliff);
        var pool = Assert.Single(genesis.ModuleAccounts);
        Assert.Equal(GenesisBuilder.StandardSupplyUphnx / 4, pool.Balances[0].Value);
        var roundTrip = Genesis.Genesis.FromJson(genesis.ToJson());
        Assert.Equal(genesis.ToJson(), roundTrip.ToJson());
    }

    [Fact]
    public void Send_VestingTokens_LockedUntilVested()
    {
        var genesis = new GenesisBuilder(TestChain.ChainId, Start)
            .WithStandardAllocation(TestKeys.Alice.Address, TestKeys.Bob.Address, TestKeys.Carol.Address, TestKeys.Dave.Address)
            .Build();
        var chain = new TestChain(genesis);
        // Carol (team) is before the cliff: a transfer of her PHNX fails, but her fee is in... PHNX locked too.
        var tx = Build.A.Transfer.From(TestKeys.Carol).To(TestKeys.Bob).Amount(1, Denom.Phnx).Fee(1, Denom.Phnx).Signed();
        var result = Assert.Single(chain.Block(tx).TxResults);
        Assert.Equal(Phoenix.Protocol.Results.TxErrors.InsufficientFee.Code, result.Code);
        // Bob (foundation, linear from genesis) has vested a little after 5 seconds; a small transfer works.
        var ok = Assert.Single(chain.Block(Build.A.Transfer.From(TestKeys.Bob).To(TestKeys.Alice).Amount(1_000, Denom.Phnx).Fee(1, Denom.Phnx).Signed()).TxResults);
        Assert.True(ok.IsOk, ok.Log);
        var tooMuch = Assert.Single(chain.Block(Build.A.Transfer.From(TestKeys.Bob).To(TestKeys.Alice).Amount(1_000_000_000_000, Denom.Phnx).Fee(1, Denom.Phnx).Sequence(1).Signed()).TxResults);
        Assert.Equal(BankErrors.LockedByVesting.Code, tooMuch.Code);
        Assert.Empty(chain.App.CheckInvariants());
    }

    [Fact]
    public void DelegateToModule_LockedTokens_StakedAndReceivedFundsStaySpendable()
    {
        var total = (UInt128)1_000;
        var genesis = new GenesisBuilder(TestChain.ChainId, Start)
            .AddAccount(new GenesisAccount(TestKeys.Alice.Address, [new Amount(total, Denom.Phnx)], new VestingSchedule(total, Start, Start, Start.AddSeconds(Year))))
            .AddAccount(TestKeys.Bob.Address, new Amount(500, Denom.Phnx))
            .Build();
        var chain = new TestChain(genesis);
        var state = new StateCache(chain.App.CommittedState);
        var ctx = new ModuleContext(TestChain.ChainId, 1, Start, chain.App.Parameters, state);
        BankModule.CreateModuleAccount(ctx, "bonded_pool");
        Assert.True(BankModule.DelegateToModule(ctx, TestKeys.Alice.Address, "bonded_pool", new Amount(1_000, Denom.Phnx)).IsOk);
        Assert.True(BankModule.Send(ctx, TestKeys.Bob.Address, TestKeys.Alice.Address, new Amount(200, Denom.Phnx)).IsOk);
        // Received liquid funds are spendable although all of Alice's vesting tokens are still locked (staked).
        Assert.Equal((UInt128)200, BankModule.Spendable(ctx, TestKeys.Alice.Address, Denom.Phnx).Value);
        Assert.True(BankModule.UndelegateFromModule(ctx, "bonded_pool", TestKeys.Alice.Address, new Amount(1_000, Denom.Phnx)).IsOk);
        Assert.Equal((UInt128)200, BankModule.Spendable(ctx, TestKeys.Alice.Address, Denom.Phnx).Value);
        Assert.Empty(SupplyReport.Check(state));
    }

    private sealed class HalfToCarol : IFeeDistributor
    {
        public void Distribute(ModuleContext context, IReadOnlyList<Amount> collected)
        {
            foreach (var fee in collected)
            {
                BankModule.SendFromModule(context, BankModule.FeePoolAccount, TestKeys.Carol.Address, new Amount(fee.Value / 2, fee.Denom));
            }
        }
    }

    [Fact]
    public void FeeDistributor_EndBlock_ReceivesCollectedFees()
    {
        var chain = new TestChain(configure: b => b.UseFeeDistributor(new HalfToCarol()));
        var carolBefore = BankModule.GetBalance(chain.App.CommittedState, TestKeys.Carol.Address, Denom.Phnx);
        chain.Block(Build.A.Transfer.Fee(1000, Denom.Phnx).Signed());
        Assert.Equal(carolBefore.Value + 500, BankModule.GetBalance(chain.App.CommittedState, TestKeys.Carol.Address, Denom.Phnx).Value);
        Assert.Equal((UInt128)500, BankModule.GetBalance(chain.App.CommittedState, BankModule.FeePool, Denom.Phnx).Value);
        var report = SupplyReport.Compute(chain.App.CommittedState).Single(s => s.Denom == Denom.Phnx);
        Assert.Equal((UInt128)500, report.ModuleBalances[BankModule.FeePoolAccount]);
        Assert.True(report.Balanced);
    }

    [Fact]
    public void Send_ToModuleAccount_ReturnsBlockedRecipient()
    {
        var chain = new TestChain();
        var tx = Build.A.Transfer.To(BankModule.FeePool).Amount(5, Denom.Phnx).Signed();
        Assert.Equal(BankErrors.BlockedRecipient.Code, Assert.Single(chain.Block(tx).TxResults).Code);
    }
}
