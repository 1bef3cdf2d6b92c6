using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Results;
using Phoenix.Protocol.Tests.Modules.Support;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Staking;

public sealed class StakingModuleTests
{
    private const ulong Phnx = 1_000_000;

    [Fact]
    public void InitGenesis_TwelveValidators_BondsSelfDelegationAndReportsEveryValidator()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());

        Assert.Equal(12, chain.GenesisResponse.Validators.Count);
        Assert.All(chain.GenesisResponse.Validators, u => Assert.Equal(100, u.Power));
        Assert.Equal((UInt128)1200 * Phnx, chain.Balance(Address.ForModule(StakingModule.BondedPoolAccount), Denom.Phnx).Value);
        Assert.Equal((UInt128)900 * Phnx, chain.Balance(ModuleChain.Operators[0].Address, Denom.Phnx).Value);
        Assert.True(StakingModule.IsBonded(chain.App.CommittedState, ModuleChain.Operators[0].Address));
    }

    [Fact]
    public void InitGenesis_OperatorWithoutFunds_Throws()
    {
        var genesis = new GenesisBuilder(ModuleChain.Chain, TestChain.GenesisTime)
            .AddAccount(TestKeys.Alice.Address, Amount.FromTokens(5, Denom.Phnx))
            .AddValidator(TestKeys.Bob.PublicKey, TestKeys.Alice.Address, "DE", 10)
            .Build();
        Assert.Throws<InvalidOperationException>(() => new ModuleChain(genesis));
    }

    [Fact]
    public void EndBlock_NothingChanged_ReturnsNoUpdates()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        Assert.Empty(chain.Block().ValidatorUpdates);
    }

    [Fact]
    public void CreateValidator_Valid_BondsAndReportsOnlyTheNewValidator()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var key = TestKeys.Of("cons-alice", 0x51);

        var response = chain.Block([chain.Tx(TestKeys.Alice, new CreateValidatorMessage(key.PublicKey, "CH", 500, 50 * Phnx).ToWire())]);

        Assert.True(response.TxResults[0].IsOk, response.TxResults[0].Log);
        var update = Assert.Single(response.ValidatorUpdates);
        Assert.Equal(key.PublicKey.ToArray(), update.PublicKey.ToArray());
        Assert.Equal(50, update.Power);
        var v = StakingModule.GetValidator(chain.App.CommittedState, TestKeys.Alice.Address)!;
        Assert.Equal("CH", v.Jurisdiction);
        Assert.Equal(500u, v.CommissionBasisPoints);
        Assert.Equal((UInt128)50 * Phnx, StakingModule.BondedStake(chain.App.CommittedState, TestKeys.Alice.Address));
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("de")]
    [InlineData("DEU")]
    [InlineData("")]
    public void CreateValidator_InvalidJurisdiction_FailsAsInvalidMessage(string jurisdiction)
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var result = chain.Exec(TestKeys.Alice, new CreateValidatorMessage(TestKeys.Of("c", 0x52).PublicKey, jurisdiction, 0, 50 * Phnx).ToWire());
        ModuleChain.AssertCode(TxErrors.InvalidMessage, result);
        Assert.Null(StakingModule.GetValidator(chain.App.CommittedState, TestKeys.Alice.Address));
    }

    [Fact]
    public void CreateValidator_CommissionAbove100Percent_FailsAsInvalidMessage()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var result = chain.Exec(TestKeys.Alice, new CreateValidatorMessage(TestKeys.Of("c", 0x52).PublicKey, "DE", 10_001, 50 * Phnx).ToWire());
        ModuleChain.AssertCode(TxErrors.InvalidMessage, result);
    }

    [Fact]
    public void CreateValidator_SecondTimeOrReusedKey_FailsWithTypedCodes()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var key = TestKeys.Of("c", 0x53).PublicKey;
        chain.ExecOk(TestKeys.Alice, new CreateValidatorMessage(key, "DE", 0, 10 * Phnx).ToWire());

        ModuleChain.AssertCode(StakingErrors.ValidatorExists, chain.Exec(TestKeys.Alice, new CreateValidatorMessage(TestKeys.Of("d", 0x54).PublicKey, "DE", 0, 10 * Phnx).ToWire()));
        ModuleChain.AssertCode(StakingErrors.ConsensusKeyInUse, chain.Exec(TestKeys.Bob, new CreateValidatorMessage(key, "DE", 0, 10 * Phnx).ToWire()));
        Assert.Null(StakingModule.GetValidator(chain.App.CommittedState, TestKeys.Bob.Address));
    }

    [Fact]
    public void Delegate_UnknownValidatorOrTooLittleMoney_FailsAndLeavesBalancesUntouched()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var before = chain.Balance(TestKeys.Alice.Address, Denom.Phnx);

        ModuleChain.AssertCode(StakingErrors.ValidatorNotFound, chain.Exec(TestKeys.Alice, new DelegateMessage(TestKeys.Dave.Address, Phnx).ToWire()));
        ModuleChain.AssertCode(BankErrors.InsufficientFunds, chain.Exec(TestKeys.Alice, new DelegateMessage(ModuleChain.Operators[0].Address, 2_000_000 * Phnx).ToWire()));

        Assert.Equal(before.Value - 2000, chain.Balance(TestKeys.Alice.Address, Denom.Phnx).Value); // two fees only
        Assert.Equal(UInt128.Zero, StakingModule.BondedStake(chain.App.CommittedState, TestKeys.Alice.Address));
    }

    [Fact]
    public void Delegate_RaisesPowerAndReportsOnlyThatValidator()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var op = ModuleChain.Operators[3];
        var response = chain.Block([chain.Tx(TestKeys.Alice, new DelegateMessage(op.Address, 10 * Phnx).ToWire())]);

        var update = Assert.Single(response.ValidatorUpdates);
        Assert.Equal(ModuleChain.ConsensusKeyOf(3).PublicKey.ToArray(), update.PublicKey.ToArray());
        Assert.Equal(110, update.Power);
        Assert.Equal((UInt128)10 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, op.Address, TestKeys.Alice.Address));
    }

    [Fact]
    public void Undelegate_PaysOutOnlyAfterTheUnbondingPeriod()
    {
        var parameters = ChainParameters.Default with { UnbondingSeconds = 100 };
        var chain = new ModuleChain(ModuleChain.StandardGenesis(parameters).Build());
        var op = ModuleChain.Operators[0].Address;
        chain.ExecOk(TestKeys.Alice, new DelegateMessage(op, 10 * Phnx).ToWire());
        var afterDelegate = chain.Balance(TestKeys.Alice.Address, Denom.Phnx).Value;

        chain.ExecOk(TestKeys.Alice, new UndelegateMessage(op, 4 * Phnx).ToWire());
        var start = chain.Time;
        Assert.Equal((UInt128)6 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, op, TestKeys.Alice.Address));
        Assert.Equal((UInt128)4 * Phnx, chain.Balance(Address.ForModule(StakingModule.UnbondingPoolAccount), Denom.Phnx).Value);

        while (chain.Time.Seconds + 5 < start.Seconds + 100)
        {
            chain.Block();
        }

        Assert.Equal(afterDelegate - 1000, chain.Balance(TestKeys.Alice.Address, Denom.Phnx).Value);
        chain.Block();
        Assert.True(chain.Time.Seconds >= start.Seconds + 100);
        Assert.Equal(afterDelegate - 1000 + (4 * Phnx), chain.Balance(TestKeys.Alice.Address, Denom.Phnx).Value);
        Assert.Empty(StakingModule.GetUnbondings(chain.App.CommittedState));
    }

    [Fact]
    public void Undelegate_MoreThanDelegated_FailsWithInsufficientDelegation()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var op = ModuleChain.Operators[0].Address;
        chain.ExecOk(TestKeys.Alice, new DelegateMessage(op, 10 * Phnx).ToWire());
        ModuleChain.AssertCode(StakingErrors.InsufficientDelegation, chain.Exec(TestKeys.Alice, new UndelegateMessage(op, (10 * Phnx) + 1).ToWire()));
        ModuleChain.AssertCode(StakingErrors.InsufficientDelegation, chain.Exec(TestKeys.Bob, new UndelegateMessage(op, 1).ToWire()));
        Assert.Equal((UInt128)10 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, op, TestKeys.Alice.Address));
    }

    [Fact]
    public void Undelegate_EverythingFromValidator_DropsItFromTheSet()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var op = ModuleChain.Operators[5];
        var response = chain.Block([chain.Tx(op, new UndelegateMessage(op.Address, 100 * Phnx).ToWire())]);
        Assert.True(response.TxResults[0].IsOk, response.TxResults[0].Log);
        var update = Assert.Single(response.ValidatorUpdates);
        Assert.Equal(0, update.Power);
        Assert.False(StakingModule.IsBonded(chain.App.CommittedState, op.Address));
    }

    [Fact]
    public void Redelegate_MovesStakeAtOnce()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var a = ModuleChain.Operators[0].Address;
        var b = ModuleChain.Operators[1].Address;
        chain.ExecOk(TestKeys.Alice, new DelegateMessage(a, 10 * Phnx).ToWire());

        var response = chain.Block([chain.Tx(TestKeys.Alice, new RedelegateMessage(a, b, 7 * Phnx).ToWire())]);

        Assert.True(response.TxResults[0].IsOk, response.TxResults[0].Log);
        Assert.Equal((UInt128)3 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, a, TestKeys.Alice.Address));
        Assert.Equal((UInt128)7 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, b, TestKeys.Alice.Address));
        Assert.Equal(2, response.ValidatorUpdates.Count);
        Assert.Empty(StakingModule.GetUnbondings(chain.App.CommittedState));
    }

    [Fact]
    public void Redelegate_ToSameValidatorOrUnknown_FailsWithTypedCodes()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var a = ModuleChain.Operators[0].Address;
        chain.ExecOk(TestKeys.Alice, new DelegateMessage(a, 10 * Phnx).ToWire());
        ModuleChain.AssertCode(StakingErrors.SelfRedelegation, chain.Exec(TestKeys.Alice, new RedelegateMessage(a, a, Phnx).ToWire()));
        ModuleChain.AssertCode(StakingErrors.ValidatorNotFound, chain.Exec(TestKeys.Alice, new RedelegateMessage(a, TestKeys.Dave.Address, Phnx).ToWire()));
        Assert.Equal((UInt128)10 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, a, TestKeys.Alice.Address));
    }

    [Fact]
    public void Delegate_VestingTokens_AreStakeableButNotTransferable()
    {
        var vestingKey = TestKeys.Of("vester", 0x61);
        var genesis = ModuleChain.StandardGenesis()
            .AddAccount(new GenesisAccount(vestingKey.Address, [Amount.FromTokens(100, Denom.Phnx)],
                new VestingSchedule((UInt128)90 * Phnx, TestChain.GenesisTime, TestChain.GenesisTime.AddSeconds(1_000_000), TestChain.GenesisTime.AddSeconds(2_000_000))))
            .Build();
        var chain = new ModuleChain(genesis);

        ModuleChain.AssertCode(BankErrors.LockedByVesting, chain.Exec(vestingKey, new Protocol.Modules.Bank.SendMessage(TestKeys.Bob.Address, [Amount.FromTokens(50, Denom.Phnx)]).ToWire()));
        chain.ExecOk(vestingKey, new DelegateMessage(ModuleChain.Operators[0].Address, 95 * Phnx).ToWire());

        Assert.Equal((UInt128)95 * Phnx, StakingModule.BondedStake(chain.App.CommittedState, vestingKey.Address));
    }

    [Fact]
    public void LockUnlockSlashLocked_MoveLiquidPhnxThroughTheLockedPool()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var state = new Phoenix.Protocol.State.StateCache(chain.App.CommittedState);
        var context = new ModuleContext(ModuleChain.Chain, 1, chain.Time, ChainParameters.Default, state);
        var alice = TestKeys.Alice.Address;
        var before = BankModule.GetBalance(state, alice, Denom.Phnx).Value;

        Assert.True(StakingModule.Lock(context, alice, 10 * Phnx, "attest/1").IsOk);
        Assert.Equal((UInt128)10 * Phnx, StakingModule.GetLocked(state, alice, "attest/1"));
        Assert.Equal(StakingErrors.InsufficientLocked, StakingModule.Unlock(context, alice, (10 * Phnx) + 1, "attest/1").Code);
        Assert.Equal(StakingErrors.InsufficientLocked, StakingModule.Unlock(context, alice, 1, "attest/2").Code);
        Assert.True(StakingModule.Unlock(context, alice, 4 * Phnx, "attest/1").IsOk);
        Assert.True(StakingModule.SlashLocked(context, alice, 3 * Phnx, "attest/1", TestKeys.Bob.Address).IsOk);
        var supply = BankModule.GetSupply(state, Denom.Phnx);
        Assert.True(StakingModule.SlashLocked(context, alice, 3 * Phnx, "attest/1", null).IsOk);

        Assert.Equal(UInt128.Zero, StakingModule.GetLocked(state, alice, "attest/1"));
        Assert.Equal(before - (6 * Phnx), BankModule.GetBalance(state, alice, Denom.Phnx).Value);
        Assert.Equal(supply - (3 * Phnx), BankModule.GetSupply(state, Denom.Phnx));
        Assert.Equal(BankErrors.InsufficientFunds, StakingModule.Lock(context, TestKeys.Dave.Address, Phnx, "x").Code);
    }
}
