using Phoenix.Node.Consensus.Simulation;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.TestKit.Abci;

namespace Phoenix.Node.Tests.Consensus.Tendermint;

public class SimulatedConsensusTests
{
    [Fact]
    public void Run_FourValidators_CommitFiftyBlocksWithIdenticalAppHashes()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 7 });
        for (var i = 0; i < 40; i++)
        {
            h.AddTx(KvStoreApplication.SetTx($"k{i}", $"v{i}"));
        }

        h.Network.StartAll();
        Assert.True(h.Network.RunUntil(() => h.AllReached(50), TimeSpan.FromMinutes(5)),
            $"expected every node at height >= 50, min height {h.MinHeight()}");
        h.AssertAgreement();
        Assert.All(h.Apps.Values, a => Assert.Equal("v39", a.Get("k39")));
    }
}
