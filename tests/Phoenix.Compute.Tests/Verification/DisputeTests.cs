using Phoenix.Compute.Commitments;
using Phoenix.Compute.Onnx;
using Phoenix.Compute.Tests.Support;
using Phoenix.Compute.Verification;

namespace Phoenix.Compute.Tests.Verification;

public class DisputeTests
{
    private static readonly IReadOnlyList<OnnxTensor> Inputs = SharedModels.MiniLmUnits.Tensors("The validator re-executes one node of the disputed trace.", 16);

    private static async Task<ExecutionTrace> HonestTraceAsync()
        => (await SharedModels.Runner.RunTracedAsync(SharedModels.MiniLmId, SharedModels.MiniLmSource, Inputs, keepNodeOutputs: true)).Trace;

    private static async Task<RefereeDecision> SettleAsync(BisectionGame game, ExecutionTrace miner, ExecutionTrace challenger)
    {
        var needed = NodeReferee.RequiredEvidence(SharedModels.MiniLm, game.DisputedNode);
        var evidence = needed.Select(j => NodeReferee.EvidenceFrom(miner, j)).ToArray();
        return await new NodeReferee(SharedModels.Runner).DecideAsync(SharedModels.MiniLm, Inputs, game, miner.Root, challenger.Root, evidence);
    }

    [Fact]
    public async Task RunTracedAsync_MiniLmTwice_SameRootAndOutputsEqualUntracedRun()
    {
        var first = await SharedModels.Runner.RunTracedAsync(SharedModels.MiniLmId, SharedModels.MiniLmSource, Inputs);
        var second = await SharedModels.Runner.RunTracedAsync(SharedModels.MiniLmId, SharedModels.MiniLmSource, Inputs);
        var plain = await SharedModels.Runner.RunAsync(SharedModels.MiniLmId, SharedModels.MiniLmSource, Inputs);

        Assert.Equal(first.Trace.Root, second.Trace.Root);
        Assert.True(first.Trace.NodeDigests.Count > 100, $"MiniLM should have hundreds of nodes, got {first.Trace.NodeDigests.Count}");
        Assert.Equal(plain.Count, first.Outputs.Count);
        for (var i = 0; i < plain.Count; i++)
        {
            Assert.Equal(plain[i].RawData.ToArray(), first.Outputs[i].RawData.ToArray());
        }
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public async Task Dispute_MinerPerturbsOneIntermediateTensor_PinpointsThatNodeAndBlamesMiner(double where)
    {
        var honest = await HonestTraceAsync();
        var candidates = CheatingMiner.FloatNodes(honest);
        var k = candidates[(int)(where * (candidates.Count - 1))];

        var cheat = await CheatingMiner.TraceAsync(SharedModels.Runner, SharedModels.MiniLm, Inputs, k, 1e-3f);
        var game = BisectionGame.Play(cheat.Tree, honest.Tree);
        var decision = await SettleAsync(game, cheat, honest);

        Assert.Null(game.Forfeited);
        Assert.Equal(k, game.DisputedNode);
        Assert.True(game.Rounds <= BisectionGame.MaxRounds(honest.NodeDigests.Count), $"{game.Rounds} rounds for {honest.NodeDigests.Count} nodes");
        Assert.Equal(RefereeRuling.ChallengerCorrect, decision.Ruling);
        Assert.Equal(honest.Tree.LeafHash(k), decision.RecomputedLeaf);
    }

    [Fact]
    public async Task Dispute_HonestMinerAgainstLyingChallenger_MinerIsNeverBlamed()
    {
        var honest = await HonestTraceAsync();
        var candidates = CheatingMiner.FloatNodes(honest);
        var k = candidates[candidates.Count / 3];

        var liar = await CheatingMiner.TraceAsync(SharedModels.Runner, SharedModels.MiniLm, Inputs, k, -2e-3f);
        var game = BisectionGame.Play(honest.Tree, liar.Tree);
        var decision = await SettleAsync(game, honest, liar);

        Assert.Equal(k, game.DisputedNode);
        Assert.Equal(RefereeRuling.MinerCorrect, decision.Ruling);
    }

    [Fact]
    public async Task Dispute_HonestMinerAndHonestChallenger_HaveNothingToDispute()
    {
        var a = await HonestTraceAsync();
        var b = await HonestTraceAsync();

        Assert.Equal(a.Root, b.Root);
        Assert.Throws<ArgumentException>(() => new BisectionGame(a.NodeDigests.Count, a.Root, b.Root));
    }

    [Fact]
    public async Task DecideAsync_EvidenceNotInTheTrace_IsRejected()
    {
        var honest = await HonestTraceAsync();
        var k = CheatingMiner.FloatNodes(honest)[^1];
        var cheat = await CheatingMiner.TraceAsync(SharedModels.Runner, SharedModels.MiniLm, Inputs, k, 1e-3f);
        var game = BisectionGame.Play(cheat.Tree, honest.Tree);
        var needed = NodeReferee.RequiredEvidence(SharedModels.MiniLm, game.DisputedNode);
        Assert.NotEmpty(needed);
        var forged = needed.Select(j =>
        {
            var e = NodeReferee.EvidenceFrom(honest, j);
            var first = e.Outputs[0];
            var bytes = first.RawData.ToArray();
            bytes[0] ^= 1;
            return e with { Outputs = [new OnnxTensor(first.Name, first.ElementType, first.Dimensions.ToArray(), bytes), .. e.Outputs.Skip(1)] };
        }).ToArray();

        await Assert.ThrowsAsync<ArgumentException>(() => new NodeReferee(SharedModels.Runner).DecideAsync(SharedModels.MiniLm, Inputs, game, cheat.Root, honest.Root, forged));
    }
}
