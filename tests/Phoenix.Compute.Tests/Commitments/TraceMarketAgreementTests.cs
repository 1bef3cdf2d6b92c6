using Phoenix.Compute.Commitments;
using Phoenix.Compute.Onnx;
using Phoenix.Compute.Tests.Support;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Commitments;

/// <summary>
/// The chain's re-execution game must accept execution traces exactly as Phoenix.Compute commits to them:
/// the trace root a miner submits, and each bisection move (node digest + audit path), go through
/// <see cref="TaskMarketModule.VerifyTraceLeaf"/>, the check the market's <c>MsgBisect</c> handler runs.
/// </summary>
public class TraceMarketAgreementTests
{
    private static async Task<ExecutionTrace> TraceAsync(byte[] model, IReadOnlyList<OnnxTensor> inputs)
        => (await SharedModels.Runner.RunTracedAsync(Hash32.Sha256(model), _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(model), inputs)).Trace;

    private static void AssertMarketAccepts(ExecutionTrace trace, int index)
    {
        var size = (ulong)trace.NodeDigests.Count;
        var proof = trace.Tree.InclusionProof(index);
        Assert.True(TaskMarketModule.VerifyTraceLeaf(trace.Root, size, (ulong)index, trace.NodeDigests[index], proof), $"leaf {index} of {size}");

        // The chain's leaf is the RFC 6962 leaf hash of the node digest, the same bytes as Compute's tree.
        Assert.Equal(BatchMerkle.LeafHash(trace.NodeDigests[index].ToArray()), trace.Tree.LeafHash(index));

        // What the game must refuse: the already leaf-hashed value instead of the digest, or the digest at another index.
        Assert.False(TaskMarketModule.VerifyTraceLeaf(trace.Root, size, (ulong)index, trace.Tree.LeafHash(index), proof));
        Assert.False(TaskMarketModule.VerifyTraceLeaf(trace.Root, size, (ulong)((index + 1) % (int)size), trace.NodeDigests[index], proof));
    }

    [Fact]
    public async Task VerifyTraceLeaf_EveryNodeOfComputedMlpTrace_AcceptedByMarketGame()
    {
        var trace = await TraceAsync(TestModels.Mlp(), [OnnxTensor.FromFloats("X", [1, 4], [1f, -2f, 0.5f, 3f])]);

        Assert.Equal(5, trace.NodeDigests.Count);
        Assert.Equal(BatchMerkle.Root([.. trace.NodeDigests.Select(d => BatchMerkle.LeafHash(d.ToArray()))]), trace.Root);
        for (var i = 0; i < trace.NodeDigests.Count; i++)
        {
            AssertMarketAccepts(trace, i);
        }
    }

    [Fact]
    public async Task VerifyTraceLeaf_BisectionPathsOfMiniLmTrace_AcceptedByMarketGame()
    {
        var inputs = SharedModels.MiniLmUnits.Tensors("Trace leaves agree between compute and chain.", 16);
        var trace = await TraceAsync(SharedModels.MiniLm, inputs);
        var n = trace.NodeDigests.Count;

        // The indices the chain's game asks for while narrowing towards the last node, plus both ends.
        var asked = new List<int> { 0, n - 1 };
        ulong lo = 0, hi = (ulong)n - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            asked.Add((int)mid);
            lo = mid + 1;
        }

        foreach (var i in asked.Distinct())
        {
            AssertMarketAccepts(trace, i);
        }
    }
}
