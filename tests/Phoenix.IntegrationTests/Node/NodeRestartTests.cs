using Phoenix.IntegrationTests.Support;
using Phoenix.Protocol.Node.V1;
using Phoenix.TestKit;

namespace Phoenix.IntegrationTests.Node;

/// <summary>Stopping and restarting real validators on their data directories.</summary>
public sealed class NodeRestartTests
{
    [Fact]
    public async Task OneStopped_OthersCommit_TwoStopped_Halt_ResumeWhenOneReturns_AllCatchUp()
    {
        await using var net = await LoopbackDevnet.StartAsync(4);
        await net.WaitHeightAsync(3);

        await net.StopNodeAsync(3);
        var three = new[] { 0, 1, 2 };
        await net.WaitHeightAsync(net.MaxHeight(three) + 3, three);

        await net.StopNodeAsync(2);
        var two = new[] { 0, 1 };
        var haltedAt = net.MaxHeight(two);
        await Task.Delay(TimeSpan.FromSeconds(3));
        // Half the voting power cannot commit; at most a block already precommitted by the stopped node completes.
        Assert.InRange(net.MaxHeight(two), haltedAt, haltedAt + 1);

        await net.StartNodeAsync(2);
        await net.WaitHeightAsync(net.MaxHeight(three) + 3, three);

        await net.StartNodeAsync(3);
        var target = net.MaxHeight() + 2;
        await net.WaitHeightAsync(target);
        net.AssertSameAppHashes(1, target);
    }

    [Fact]
    public async Task ValidatorStoppedMidRun_RestartedOnItsDataDirectory_ResumesCatchesUpWithoutDoubleSigning()
    {
        await using var net = await LoopbackDevnet.StartAsync(4);
        var tx = net.Transfer(TestKeys.Alice, TestKeys.Dave.Address, 5_000_000);
        Assert.Equal(AdmissionStatus.Accepted, (await net.BroadcastAsync(0, tx)).Admission);
        await net.WaitHeightAsync(5);

        await net.StopNodeAsync(1);
        var others = new[] { 0, 2, 3 };
        await net.WaitHeightAsync(net.MaxHeight(others) + 5, others);
        var tx2 = net.Transfer(TestKeys.Alice, TestKeys.Dave.Address, 7_000_000);
        Assert.Equal(AdmissionStatus.Accepted, (await net.BroadcastAsync(0, tx2)).Admission);

        var restarted = await net.StartNodeAsync(1);
        Assert.True(restarted.Runtime.AppHeightAtOpen >= 5, $"the application state was not reopened (height {restarted.Runtime.AppHeightAtOpen})");
        var target = net.MaxHeight() + 3;
        await net.WaitHeightAsync(target);

        net.AssertSameAppHashes(1, target);
        // Nobody saw two different votes from one validator: no duplicate-vote evidence in any block.
        for (var h = 1; h <= target; h++)
        {
            Assert.Empty(net.Nodes[0]!.Runtime.Blocks!.LoadBlock(h)!.Block.Evidence);
        }
    }
}
