using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Modules.Slashing;
using Phoenix.Protocol.Modules.Staking;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Tests.Modules.Support;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Slashing;

public sealed class SlashingModuleTests
{
    private const ulong Phnx = 1_000_000;

    private static byte[] ConsensusAddress(int i) => ModuleChain.ConsensusKeyOf(i).PublicKey.Address.ToArray();

    private static CommitInfo Commit(params int[] absent)
        => new(0, [.. Enumerable.Range(0, 12).Select(i => new VoteInfo(new AbciValidator(ConsensusAddress(i), 100), absent.Contains(i) ? BlockIdFlag.Absent : BlockIdFlag.Commit))]);

    [Fact]
    public void DoubleSign_SlashesFivePercentTombstonesAndDelegatorsLoseProportionally()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var op = ModuleChain.Operators[2].Address;
        chain.ExecOk(TestKeys.Alice, new DelegateMessage(op, 100 * Phnx).ToWire());
        var supply = Protocol.Modules.Bank.BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx);
        var evidence = new Misbehavior(MisbehaviorType.DuplicateVote, new AbciValidator(ConsensusAddress(2), 200), chain.App.LastHeight, chain.Time, 1300);

        var response = chain.Block(evidence: [evidence]);

        var v = StakingModule.GetValidator(chain.App.CommittedState, op)!;
        Assert.True(v.Tombstoned);
        Assert.True(v.Jailed);
        Assert.Equal((UInt128)190 * Phnx, v.Tokens);
        Assert.Equal((UInt128)95 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, op, TestKeys.Alice.Address));
        Assert.Equal((UInt128)95 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, op, op));
        Assert.Equal(supply - (10 * Phnx), Protocol.Modules.Bank.BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx));
        var update = Assert.Single(response.ValidatorUpdates);
        Assert.Equal(0, update.Power);

        // Evidence again: nothing more happens; unjail is refused forever; new delegations are refused.
        chain.Block(evidence: [evidence]);
        Assert.Equal((UInt128)190 * Phnx, StakingModule.GetValidator(chain.App.CommittedState, op)!.Tokens);
        ModuleChain.AssertCode(SlashingErrors.Tombstoned, chain.Exec(ModuleChain.Operators[2], new UnjailMessage().ToWire()));
        ModuleChain.AssertCode(StakingErrors.ValidatorTombstoned, chain.Exec(TestKeys.Bob, new DelegateMessage(op, Phnx).ToWire()));
    }

    [Fact]
    public void DoubleSign_SlashesUnbondingStartedAfterTheInfraction()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var op = ModuleChain.Operators[2];
        var infraction = chain.App.LastHeight;
        chain.ExecOk(op, new UndelegateMessage(op.Address, 40 * Phnx).ToWire());

        chain.Block(evidence: [new Misbehavior(MisbehaviorType.DuplicateVote, new AbciValidator(ConsensusAddress(2), 100), infraction, chain.Time, 1200)]);

        var entry = Assert.Single(StakingModule.GetUnbondings(chain.App.CommittedState));
        Assert.Equal((UInt128)38 * Phnx, entry.Amount);
        Assert.Equal((UInt128)57 * Phnx, StakingModule.GetValidator(chain.App.CommittedState, op.Address)!.Tokens);
    }

    [Fact]
    public void DoubleSign_StakeRedelegatedAwayAfterTheInfraction_IsSlashedAtTheDestination()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var source = ModuleChain.Operators[2].Address;
        var destination = ModuleChain.Operators[3].Address;
        chain.ExecOk(TestKeys.Alice, new DelegateMessage(source, 100 * Phnx).ToWire());
        var infraction = chain.App.LastHeight;
        chain.ExecOk(TestKeys.Alice, new RedelegateMessage(source, destination, 100 * Phnx).ToWire());
        var entry = Assert.Single(StakingModule.GetRedelegations(chain.App.CommittedState));
        Assert.Equal(chain.Time.Seconds + ChainParameters.Default.UnbondingSeconds, entry.Completion);
        var supply = Protocol.Modules.Bank.BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx);

        var response = chain.Block(evidence: [new Misbehavior(MisbehaviorType.DuplicateVote, new AbciValidator(ConsensusAddress(2), 100), infraction, chain.Time, 1300)]);

        // 5 % of the source's own 100 PHNX and 5 % of the 100 PHNX Alice moved away after the infraction.
        Assert.Equal((UInt128)95 * Phnx, StakingModule.GetValidator(chain.App.CommittedState, source)!.Tokens);
        Assert.Equal((UInt128)95 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, destination, TestKeys.Alice.Address));
        Assert.Equal((UInt128)100 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, destination, destination)); // others at the destination keep theirs
        Assert.Equal((UInt128)195 * Phnx, StakingModule.GetValidator(chain.App.CommittedState, destination)!.Tokens);
        Assert.Equal(supply - (10 * Phnx), Protocol.Modules.Bank.BankModule.GetSupply(chain.App.CommittedState, Denom.Phnx));
        Assert.Contains(response.Events, e => e.Type == "slash_redelegation");
        Assert.Empty(chain.App.CheckInvariants());
    }

    [Fact]
    public void DoubleSign_StakeRedelegatedBeforeTheInfraction_IsNotSlashed()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var source = ModuleChain.Operators[2].Address;
        var destination = ModuleChain.Operators[3].Address;
        chain.ExecOk(TestKeys.Alice, new DelegateMessage(source, 100 * Phnx).ToWire());
        chain.ExecOk(TestKeys.Alice, new RedelegateMessage(source, destination, 100 * Phnx).ToWire());
        chain.Block();
        var infraction = chain.App.LastHeight;

        chain.Block(evidence: [new Misbehavior(MisbehaviorType.DuplicateVote, new AbciValidator(ConsensusAddress(2), 100), infraction, chain.Time, 1300)]);

        Assert.Equal((UInt128)95 * Phnx, StakingModule.GetValidator(chain.App.CommittedState, source)!.Tokens);
        Assert.Equal((UInt128)100 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, destination, TestKeys.Alice.Address));
    }

    [Fact]
    public void DoubleSign_RedelegationPastTheUnbondingPeriod_IsNoLongerSlashable()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var source = ModuleChain.Operators[2].Address;
        var destination = ModuleChain.Operators[3].Address;
        chain.ExecOk(TestKeys.Alice, new DelegateMessage(source, 100 * Phnx).ToWire());
        var infraction = chain.App.LastHeight;
        chain.ExecOk(TestKeys.Alice, new RedelegateMessage(source, destination, 100 * Phnx).ToWire());
        chain.Block(seconds: ChainParameters.Default.UnbondingSeconds);
        Assert.Empty(StakingModule.GetRedelegations(chain.App.CommittedState));

        chain.Block(evidence: [new Misbehavior(MisbehaviorType.DuplicateVote, new AbciValidator(ConsensusAddress(2), 100), infraction, chain.Time, 1300)]);

        Assert.Equal((UInt128)100 * Phnx, StakingModule.DelegationValue(chain.App.CommittedState, destination, TestKeys.Alice.Address));
    }

    [Fact]
    public void Downtime_MissingMoreThanHalfTheWindow_SlashesJailsAndUnjailsAfterJailPeriod()
    {
        var parameters = ChainParameters.Default with { DowntimeWindowBlocks = 10, DowntimeJailSeconds = 60 };
        var chain = new ModuleChain(ModuleChain.StandardGenesis(parameters).Build());
        var op = ModuleChain.Operators[4];
        chain.NextCommit = Commit(absent: 4);
        for (var i = 0; i < 5; i++)
        {
            Assert.Empty(chain.Block().ValidatorUpdates);
        }

        Assert.Equal((5L, 5L), SlashingModule.GetSigning(chain.App.CommittedState, ModuleChain.ConsensusKeyOf(4).PublicKey.Address));
        var response = chain.Block(); // sixth miss: 6 of 10 > 1/2

        var v = StakingModule.GetValidator(chain.App.CommittedState, op.Address)!;
        Assert.True(v.Jailed);
        Assert.False(v.Tombstoned);
        Assert.Equal((UInt128)(100 * Phnx) - (100 * Phnx / 10_000), v.Tokens);
        Assert.Equal(0, Assert.Single(response.ValidatorUpdates).Power);

        chain.NextCommit = Commit();
        ModuleChain.AssertCode(SlashingErrors.JailPeriodNotOver, chain.Exec(op, new UnjailMessage().ToWire()));
        chain.Block(seconds: 60);
        var unjail = chain.Block([chain.Tx(op, new UnjailMessage().ToWire())]);
        Assert.True(unjail.TxResults[0].IsOk, unjail.TxResults[0].Log);
        Assert.Equal(99, Assert.Single(unjail.ValidatorUpdates).Power);
        Assert.True(StakingModule.IsBonded(chain.App.CommittedState, op.Address));
    }

    [Fact]
    public void Downtime_SignedBlocksRefillTheWindow_DoesNotJail()
    {
        var parameters = ChainParameters.Default with { DowntimeWindowBlocks = 10 };
        var chain = new ModuleChain(ModuleChain.StandardGenesis(parameters).Build());
        for (var round = 0; round < 4; round++)
        {
            chain.NextCommit = Commit(absent: 4);
            for (var i = 0; i < 5; i++)
            {
                chain.Block();
            }

            chain.NextCommit = Commit();
            for (var i = 0; i < 5; i++)
            {
                chain.Block();
            }
        }

        Assert.False(StakingModule.GetValidator(chain.App.CommittedState, ModuleChain.Operators[4].Address)!.Jailed);
        Assert.Equal(5L, SlashingModule.GetSigning(chain.App.CommittedState, ModuleChain.ConsensusKeyOf(4).PublicKey.Address).Missed);
    }

    [Fact]
    public void Unjail_NotJailedOrNoValidator_FailsWithTypedCodes()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        ModuleChain.AssertCode(SlashingErrors.NotJailed, chain.Exec(ModuleChain.Operators[0], new UnjailMessage().ToWire()));
        ModuleChain.AssertCode(SlashingErrors.NoValidator, chain.Exec(TestKeys.Alice, new UnjailMessage().ToWire()));
    }
}
