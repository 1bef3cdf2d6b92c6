using System.Text;
using Phoenix.Compute.Onnx;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Agents;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tasks;

namespace Phoenix.Sdk.Tests.Agents;

/// <summary>
/// The re-execution game played by the SDK agents with Phoenix.Compute's real <c>onnx/v1</c> executor and verifier
/// (their <see cref="IUnitTraceSource"/> implementations) against an in-process node.
/// </summary>
public sealed class OnnxDisputeTests
{
    private const int PerturbedNode = 2;

    [Fact]
    public async Task OnnxTraceSource_LeavesHashToTheTraceRootTheExecutorReports()
    {
        using var runner = new OnnxModelRunner(new OnnxExecutionOptions { CommitTrace = true });
        var executor = new OnnxWorkloadExecutor(runner);
        IUnitTraceSource verifier = new OnnxResultVerifier(runner);
        var blobs = new MemoryBlobs();
        var model = blobs.Add(SmallOnnx.Model());
        var input = blobs.Add(SmallOnnx.Input(0));
        var unit = new UnitWork(new WorkloadSpec(WorkloadKinds.OnnxV1, model, VerificationPolicy.Exact, runner.DeterminismClass, ReadOnlyMemory<byte>.Empty), 0, input);

        var result = await executor.ExecuteAsync(unit, blobs);
        var leaves = await ((IUnitTraceSource)executor).TraceAsync(unit, blobs);
        var again = await verifier.TraceAsync(unit, blobs);

        Assert.Equal(SmallOnnx.NodeCount, leaves.Count);
        Assert.False(result.TraceRoot.IsZero);
        Assert.Equal(result.TraceRoot, ExecutionTraces.Root(leaves));
        Assert.Equal(leaves, again);
        await Assert.ThrowsAsync<ArgumentException>(async () => await ((IUnitTraceSource)executor).TraceAsync(unit with { Workload = unit.Workload with { Kind = "other/v1" } }, blobs));
    }

    [Fact]
    public async Task Agents_OnnxMinerFakingAnIntermediateNode_IsBisectedToThatNode_CommitteeOverturns_CheaterSlashed()
    {
        await using var net = await MarketNet.StartAsync();
        await net.ReportPricesAsync();
        using var runner = new OnnxModelRunner(new OnnxExecutionOptions { CommitTrace = true });
        var honestExecutor = new OnnxWorkloadExecutor(runner);
        var cheatingExecutor = new PerturbingExecutor(honestExecutor, cheatOnUnit: 1);
        var cheater = new MinerAgent(net.Client, MarketNet.Miner(1), [cheatingExecutor], new MinerAgentOptions { MaxBatchUnits = 4 }, net.Log.For<MinerAgent>());
        var honest = new MinerAgent(net.Client, MarketNet.Miner(0), [honestExecutor], new MinerAgentOptions { MaxBatchUnits = 4 }, net.Log.For<MinerAgent>());
        ValidatorAgent Validator(int i, double rate) => new(net.Client, MarketNet.Operator(i), [new OnnxResultVerifier(runner)],
            new ValidatorAgentOptions { SpotCheckRate = rate, PriceSource = () => MarketNet.PriceMicroUsd }, net.Log.For<ValidatorAgent>());
        var lazy = Validator(0, 0.0);
        var checkers = Enumerable.Range(1, 3).Select(i => Validator(i, 1.0)).ToList();

        var handle = await net.Client.PostTaskAsync(MarketNet.Buyer, new TaskRequest
        {
            Kind = WorkloadKinds.OnnxV1,
            Model = SmallOnnx.Model(),
            Inputs = [.. Enumerable.Range(0, 4).Select(i => (ReadOnlyMemory<byte>)SmallOnnx.Input(i))],
            PricePerUnit = Amount.FromTokens(1, Denom.Spark),
            AttestationsRequired = 1,
        });
        using var watching = new CancellationTokenSource();
        var events = new Collector<ChainEventData>();
        var watch = Task.Run(async () =>
        {
            await foreach (var e in net.Client.SubscribeEventsAsync(new ChainEventFilter { EventTypePrefixes = ["slashed", "dispute_resolved", "committee_called", "bisect_move"] }, watching.Token))
            {
                events.Add(((ApplicationEvent)e).Event);
            }
        });

        await net.DriveDisputeAsync(cheater, lazy, checkers, honest,
            async () => (await handle.GetInfoAsync()).IsComplete,
            "the task to complete with unit 1 redone by the honest miner");

        Assert.True(cheatingExecutor.Cheated);
        await events.WaitAsync(l => l.Any(e => e.Type == "dispute_resolved") && l.Count(e => e.Type == "slashed") >= 2, "the dispute's resolution and slashing events");
        await watching.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);
        var seen = events.Snapshot();
        static string Attr(ChainEventData e, string key) => e.Attributes.Single(a => a.Key == key).Value;

        // The bisection, played by the agents with the ONNX node digests, narrowed the dispute to the faked node,
        // and the committee (validators re-executing through OnnxResultVerifier's trace) decided it: no missed move, no bad proof.
        Assert.Contains(seen, e => e.Type == "bisect_move");
        var committee = Assert.Single(seen, e => e.Type == "committee_called");
        Assert.Equal(PerturbedNode.ToString(System.Globalization.CultureInfo.InvariantCulture), Attr(committee, "node_index"));
        var resolved = Assert.Single(seen, e => e.Type == "dispute_resolved");
        Assert.Equal("overturned", Attr(resolved, "verdict"));
        Assert.Equal("committee", Attr(resolved, "reason"));
        Assert.Contains(seen, e => e.Type == "slashed" && Attr(e, "who") == cheater.Address.ToString());
        Assert.DoesNotContain(net.Log.Entries, e => e.Message.Contains("invalid_proof", StringComparison.Ordinal) || e.Message.Contains("missed_move", StringComparison.Ordinal));

        // Every unit's final output is the honest model output.
        var outputs = await handle.DownloadResultsAsync();
        Assert.Equal(4, outputs.Count);
        foreach (var o in outputs)
        {
            var expected = await runner.RunAsync(SmallOnnx.Model(), OnnxUnitFormat.Decode(SmallOnnx.Input((int)o.Unit)));
            Assert.Equal(expected[0].ToFloats(), OnnxUnitFormat.Decode(o.Output.Span)[0].ToFloats());
        }

        Assert.Empty(net.Node.Chain.App.CheckInvariants());
    }

    /// <summary>
    /// A cheating miner: for one unit it fakes node <see cref="PerturbedNode"/>'s output, so that node's digest and
    /// every later one differ from the honest run, and its output is nudged; it commits to (and defends with) that trace.
    /// </summary>
    private sealed class PerturbingExecutor(OnnxWorkloadExecutor honest, uint cheatOnUnit) : IWorkloadExecutor, IUnitTraceSource
    {
        public string Kind => honest.Kind;

        public bool Cheated { get; private set; }

        public async ValueTask<UnitResult> ExecuteAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
        {
            var result = await honest.ExecuteAsync(unit, blobs, cancellationToken);
            if (unit.UnitIndex != cheatOnUnit)
            {
                return result;
            }

            Cheated = true;
            var tensors = OnnxUnitFormat.Decode(result.Output.Span).ToArray();
            var values = tensors[0].ToFloats();
            values[0] += 0.25f;
            tensors[0] = OnnxTensor.FromFloats(tensors[0].Name, [.. tensors[0].Dimensions], values);
            var output = OnnxUnitFormat.Encode(tensors);
            return new UnitResult(output, Hash32.Sha256(output), ExecutionTraces.Root(await TraceAsync(unit, blobs, cancellationToken)));
        }

        public async ValueTask<IReadOnlyList<Hash32>> TraceAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
        {
            var leaves = (await ((IUnitTraceSource)honest).TraceAsync(unit, blobs, cancellationToken)).ToArray();
            if (unit.UnitIndex == cheatOnUnit)
            {
                for (var k = PerturbedNode; k < leaves.Length; k++)
                {
                    leaves[k] = Hash32.Sha256([.. "perturbed"u8, .. leaves[k].ToArray()]);
                }
            }

            return leaves;
        }
    }

    private sealed class MemoryBlobs : IBlobReader
    {
        private readonly Dictionary<Hash32, byte[]> _blobs = [];

        public Hash32 Add(byte[] bytes)
        {
            var id = Hash32.Sha256(bytes);
            _blobs[id] = bytes;
            return id;
        }

        public ValueTask<ReadOnlyMemory<byte>> ReadAsync(Hash32 id, CancellationToken cancellationToken = default) => ValueTask.FromResult<ReadOnlyMemory<byte>>(_blobs[id]);
    }
}

/// <summary>A five-node ONNX model over a float input X [1,4], written as protobuf bytes by hand (Phoenix.Compute's ONNX protos are internal).</summary>
internal static class SmallOnnx
{
    public const int NodeCount = 5;

    /// <summary>Y = (Relu(X·X + X) − X)², node by node: Mul, Add, Relu, Sub, Mul.</summary>
    public static byte[] Model()
    {
        byte[][] nodes =
        [
            Node("Mul", ["X", "X"], "a"),
            Node("Add", ["a", "X"], "b"),
            Node("Relu", ["b"], "c"),
            Node("Sub", ["c", "X"], "d"),
            Node("Mul", ["d", "d"], "Y"),
        ];
        var graph = Concat([.. nodes.Select(n => Field(1, n)), Text(2, "small"), Field(11, ValueInfo("X", [1, 4])), Field(12, ValueInfo("Y", null))]);
        return Concat(Int(1, 8), Text(2, "phoenix-sdk-tests"), Field(7, graph), Field(8, Concat(Text(1, string.Empty), Int(2, 13))));
    }

    public static byte[] Input(int unit) =>
        OnnxUnitFormat.Encode([OnnxTensor.FromFloats("X", [1, 4], [0.5f + unit, -0.25f * unit, 1.5f, -2f + (0.125f * unit)])]);

    private static byte[] Node(string op, string[] inputs, string output) =>
        Concat([.. inputs.Select(i => Text(1, i)), Text(2, output), Text(3, op + "_" + output), Text(4, op)]);

    private static byte[] ValueInfo(string name, long[]? dims)
    {
        var tensor = Int(1, 1); // elem_type FLOAT
        if (dims is not null)
        {
            tensor = Concat(tensor, Field(2, Concat([.. dims.Select(d => Field(1, Int(1, d)))])));
        }

        return Concat(Text(1, name), Field(2, Field(1, tensor)));
    }

    private static byte[] Field(int number, byte[] payload) => Concat(Varint(((ulong)number << 3) | 2), Varint((ulong)payload.Length), payload);

    private static byte[] Text(int number, string text) => Field(number, Encoding.UTF8.GetBytes(text));

    private static byte[] Int(int number, long value) => Concat(Varint((ulong)number << 3), Varint((ulong)value));

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
