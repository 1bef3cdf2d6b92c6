using Phoenix.Node.Consensus.Simulation;
using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Consensus.Transport;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Crypto;
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

    [Fact]
    public void Run_RandomDelaysDropsAndReordering_StillAgrees()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 11, MinDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(40), DropPerMille = 100 });
        h.Network.StartAll();
        Assert.True(h.Network.RunUntil(() => h.AllReached(20), TimeSpan.FromMinutes(10)), $"expected height 20 under 10% drops, min height {h.MinHeight()}");
        h.AssertAgreement();
        Assert.Contains(h.Network.Nodes.Values, n => n.Engine.State.LastBlockHeight > 0 && h.Stores[n.Id].LoadBlock(h.Stores[n.Id].Height)!.SeenCommit.Round >= 0);
    }

    [Fact]
    public void Run_OneOfFourStopped_RestKeepCommitting()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 3 });
        h.Network.StartAll();
        Assert.True(h.Network.RunUntil(() => h.AllReached(5), TimeSpan.FromMinutes(1)), "expected height 5 before stopping a node");
        h.Network.Stop(SimulationHarness.NodeId(0));
        var before = h.MinHeight();
        Assert.True(h.Network.RunUntil(() => h.AllReached(before + 10), TimeSpan.FromMinutes(2)),
            $"expected the 3 remaining validators to pass height {before + 10}, min height {h.MinHeight()}");
        h.AssertAgreement();
    }

    [Fact]
    public void Run_TwoOfFourStopped_HaltsThenResumesWhenOneReturns()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 5 });
        h.Network.StartAll();
        Assert.True(h.Network.RunUntil(() => h.AllReached(5), TimeSpan.FromMinutes(1)), "expected height 5 before stopping nodes");
        h.Network.Stop(SimulationHarness.NodeId(1));
        h.Network.Stop(SimulationHarness.NodeId(2));
        h.Network.RunFor(TimeSpan.FromSeconds(2));
        var stalled = h.Running.Max(n => n.Engine.State.LastBlockHeight);
        h.Network.RunFor(TimeSpan.FromSeconds(20));
        Assert.Equal(stalled, h.Running.Max(n => n.Engine.State.LastBlockHeight));

        // The returning node keeps its store and signer (a process restart): it replays and catches up.
        var id = SimulationHarness.NodeId(1);
        var app = new KvStoreApplication();
        h.Apps[id] = app;
        h.Network.Restart(id, (outbox, clock) => h.CreateEngine(id, outbox, clock, app, NullConsensusWal.Instance));
        Assert.True(h.Network.RunUntil(() => h.AllReached(stalled + 5), TimeSpan.FromMinutes(2)),
            $"expected commits to resume past {stalled + 5}, min height {h.MinHeight()}");
        h.AssertAgreement();
    }

    [Fact]
    public void Run_NodeBehindManyBlocks_CatchesUpByBlockSync()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 21 });
        h.Network.StartAll();
        var lagger = SimulationHarness.NodeId(3);
        h.Network.Stop(lagger);
        Assert.True(h.Network.RunUntil(() => h.AllReached(30), TimeSpan.FromMinutes(2)), "expected 3 validators to reach height 30");
        var app = new KvStoreApplication();
        h.Apps[lagger] = app;
        h.Network.Restart(lagger, (outbox, clock) => h.CreateEngine(lagger, outbox, clock, app, NullConsensusWal.Instance));
        var target = h.MinHeight() + 3;
        Assert.True(h.Network.RunUntil(() => app.Height >= target, TimeSpan.FromMinutes(2)), $"expected the restarted node to sync to {target}, at {app.Height}");
        h.AssertAgreement();
        Assert.True(h.Network.Nodes[lagger].Outcomes.GetValueOrDefault(MessageOutcome.Accepted) > 0);
    }

    [Fact]
    public void Run_HundredValidatorsWithPartitionHealed_ReachSameAppHash()
    {
        var h = new SimulationHarness(100, new SimulatedNetworkOptions { Seed = 100, MinDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(30) },
            new ConsensusTimeoutOptions
            {
                Propose = TimeSpan.FromMilliseconds(300), ProposeDelta = TimeSpan.FromMilliseconds(50),
                Prevote = TimeSpan.FromMilliseconds(100), PrevoteDelta = TimeSpan.FromMilliseconds(50),
                Precommit = TimeSpan.FromMilliseconds(100), PrecommitDelta = TimeSpan.FromMilliseconds(50),
                Commit = TimeSpan.FromMilliseconds(50),
            });
        h.AddTx(KvStoreApplication.SetTx("hello", "world"));
        h.Network.StartAll();
        Assert.True(h.Network.RunUntil(() => h.AllReached(1), TimeSpan.FromMinutes(1)), $"expected height 1, min {h.MinHeight()}");

        // 60/40 split: neither side has more than 2/3, so nobody commits.
        var ids = h.Network.Nodes.Keys.ToList();
        h.Network.Partition(ids.Take(60), ids.Skip(60));
        h.Network.RunFor(TimeSpan.FromMilliseconds(500));
        var stalled = h.Network.Nodes.Values.Max(n => n.Engine.State.LastBlockHeight);
        h.Network.RunFor(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(stalled, h.Network.Nodes.Values.Max(n => n.Engine.State.LastBlockHeight));

        h.Network.Heal();
        Assert.True(h.Network.RunUntil(() => h.AllReached(stalled + 1), TimeSpan.FromMinutes(2)), $"expected progress after healing, min {h.MinHeight()}");
        h.AssertAgreement();
        Assert.Single(h.Apps.Values.Where(a => a.Height == h.MinHeight()).Select(a => Convert.ToHexString(a.AppHash)).Distinct());
    }

    [Fact]
    public void Run_ValidatorDoubleSigns_EvidenceReachesFinalizeBlockAndSlashes()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 9 });
        var byzantine = SimulationHarness.NodeId(0);
        var seed = h.Seeds[0];
        h.Network.OutgoingInterceptor = (from, message) =>
        {
            // A scripted fake: after height 3, the byzantine node also signs a conflicting nil prevote.
            if (from != byzantine || message is not VoteMessage { Vote: { Type: SignedMsgType.Prevote, Height: >= 3 } vote } || vote.BlockId.IsNil)
            {
                return [message];
            }

            var conflicting = vote with { BlockId = BlockId.Nil };
            conflicting = conflicting with { Signature = Ed25519.Sign(seed, conflicting.SignBytes(SimulationHarness.ChainId)) };
            return [message, new VoteMessage(conflicting)];
        };
        h.Network.StartAll();
        var honest = h.Apps.Where(kv => kv.Key != byzantine).Select(kv => kv.Value).ToList();
        Assert.True(h.Network.RunUntil(() => honest.All(a => a.Misbehavior.Count > 0), TimeSpan.FromMinutes(1)),
            "expected duplicate-vote evidence to reach FinalizeBlock on every honest node");
        var m = honest[0].Misbehavior[0];
        Assert.Equal(MisbehaviorType.DuplicateVote, m.Type);
        Assert.Equal(Validator.AddressOf(Ed25519.GetPublicKey(seed)), m.Validator.Address.ToArray());
        Assert.Equal(10, m.Validator.Power);
        Assert.Equal(40, m.TotalVotingPower);

        // The app slashes by removing the validator; the set changes at H+2.
        var evidenceHeight = h.Stores[SimulationHarness.NodeId(1)].Height;
        Assert.True(h.Network.RunUntil(() => h.AllReached(evidenceHeight + 3), TimeSpan.FromMinutes(1)), "expected the chain to go on after slashing");
        var engine = h.Network.Nodes[SimulationHarness.NodeId(1)].Engine;
        Assert.Null(engine.State.Validators.GetByAddress(m.Validator.Address.Span, out _));
        Assert.Equal(3, engine.State.Validators.Count);
        h.AssertAgreement();
    }

    [Fact]
    public void Run_ValidatorAddedByTransaction_JoinsAtHeightPlusTwo()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 13 });
        var newKey = Ed25519.GetPublicKey(SimulationHarness.Seed(50));
        h.AddTx(KvStoreApplication.ValidatorTx(newKey, 5));
        long includedAt = 0;
        h.Network.Nodes[SimulationHarness.NodeId(1)].Engine.BlockCommitted += (_, e) =>
        {
            if (e.Result.ValidatorUpdates.Count > 0)
            {
                includedAt = e.Block.Header.Height;
            }
        };
        h.Network.StartAll();
        Assert.True(h.Network.RunUntil(() => includedAt > 0, TimeSpan.FromMinutes(1)), "expected the validator update to be committed");
        var store = h.Stores[SimulationHarness.NodeId(1)];
        Assert.True(h.Network.RunUntil(() => store.Height >= includedAt + 2, TimeSpan.FromMinutes(1)), "expected two more blocks");
        var at1 = store.LoadBlock(includedAt + 1)!.Block.Header;
        var at2 = store.LoadBlock(includedAt + 2)!.Block.Header;
        Assert.Equal(store.LoadBlock(includedAt)!.Block.Header.ValidatorsHash, at1.ValidatorsHash);
        Assert.NotEqual(at1.ValidatorsHash, at1.NextValidatorsHash);
        Assert.Equal(at1.NextValidatorsHash, at2.ValidatorsHash);
        Assert.Equal(5, h.Network.Nodes[SimulationHarness.NodeId(1)].Engine.State.Validators.Count);
    }

    [Fact]
    public void Run_BlockTime_IsWeightedMedianOfLastCommitAndIncreases()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 17 });
        h.Network.StartAll();
        Assert.True(h.Network.RunUntil(() => h.AllReached(10), TimeSpan.FromMinutes(1)), "expected height 10");
        var store = h.Stores[SimulationHarness.NodeId(2)];
        var engine = h.Network.Nodes[SimulationHarness.NodeId(2)].Engine;
        Assert.Equal(h.Genesis.GenesisTime, store.LoadBlock(1)!.Block.Header.Time);
        for (var height = 2; height <= 10; height++)
        {
            var block = store.LoadBlock(height)!.Block;
            var previous = store.LoadBlock(height - 1)!.Block;
            Assert.True(block.Header.Time > previous.Header.Time, $"block time must increase at height {height}");
            var timestamps = block.LastCommit.Signatures.Where(s => s.Flag != BlockIdFlag.Absent).Select(s => s.Timestamp).Order().ToList();
            Assert.True(block.Header.Time >= timestamps.First() && block.Header.Time <= timestamps.Last(), $"block time at {height} must lie within its last commit's timestamps");
        }

        Assert.Equal(store.LoadBlock(10)!.Block.Header.Time, engine.State.LastBlockTime);
    }

    [Fact]
    public void Run_ProposersRotate_ByWeightedRoundRobin()
    {
        var h = new SimulationHarness(4, new SimulatedNetworkOptions { Seed = 19 });
        h.Network.StartAll();
        Assert.True(h.Network.RunUntil(() => h.AllReached(12), TimeSpan.FromMinutes(1)), "expected height 12");
        var store = h.Stores[SimulationHarness.NodeId(0)];
        var proposers = Enumerable.Range(1, 12).Select(i => Convert.ToHexString(store.LoadBlock(i)!.Block.Header.ProposerAddress)).ToList();
        Assert.Equal(4, proposers.Distinct().Count());
    }
}
