using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Tests.Modules.Support;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

/// <summary>The production ports connect the task market to the real staking and oracle modules.</summary>
public sealed class StandardTaskPortsTests
{
    private static ModuleContext Context(ModuleChain chain)
        => new("phoenix-test", 1, chain.Time, chain.App.Parameters, new StateCache(chain.App.CommittedState));

    [Fact]
    public void StakingPort_GenesisValidator_IsBondedAndAliceIsNot()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var port = new StakingTaskStakingPort();
        var context = Context(chain);

        Assert.True(port.IsBondedValidator(context, ModuleChain.Operators[0].Address));
        Assert.False(port.IsBondedValidator(context, TestKeys.Alice.Address));
        Assert.True(port.TotalBondedStake(context) > UInt128.Zero);
    }

    [Fact]
    public void StakingPort_LockThenSlash_MovesLiquidPhnxToRecipient()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var port = new StakingTaskStakingPort();
        var context = Context(chain);
        var validator = ModuleChain.Operators[0].Address;
        var before = port.AvailableStake(context, validator);
        var recipientBefore = port.AvailableStake(context, TestKeys.Bob.Address);

        Assert.True(port.Lock(context, validator, 1_000).IsOk);
        Assert.Equal(before - 1_000, port.AvailableStake(context, validator));
        port.SlashLocked(context, validator, 1_000, TestKeys.Bob.Address);

        Assert.Equal(recipientBefore + 1_000, port.AvailableStake(context, TestKeys.Bob.Address));
        Assert.Throws<InvalidOperationException>(() => port.Unlock(context, validator, 1));
    }

    [Fact]
    public void PricePort_FollowsOracleValidity()
    {
        var chain = new ModuleChain(ModuleChain.StandardGenesis().Build());
        var port = new OracleTaskPricePort();
        Assert.False(port.TryGetPrice(Context(chain), out _));

        var txs = Enumerable.Range(0, 12).Select(i => chain.Tx(ModuleChain.Operators[i], new ReportPriceMessage(2_000_000).ToWire())).ToList();
        Assert.All(chain.Block(txs).TxResults, t => Assert.True(t.IsOk, t.Log));

        Assert.True(port.TryGetPrice(Context(chain), out var price));
        Assert.Equal(2_000_000UL, price);
    }
}
