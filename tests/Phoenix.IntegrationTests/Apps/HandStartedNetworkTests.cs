using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Phoenix.Compute.Onnx;
using Phoenix.Node.Consensus.Types;

namespace Phoenix.IntegrationTests.Apps;

/// <summary>
/// Issue #7 point 2 at the process level: the Phoenix.Validator, Phoenix.Miner and Phoenix.Buyer executables,
/// started by hand with a peer list, form a working network: a validator killed with SIGKILL while signing comes
/// back on its home without double-signing, and a buyer's ONNX task is mined, attested, finalized and downloaded.
/// </summary>
public sealed partial class HandStartedNetworkTests(HandStartedNetwork net) : IClassFixture<HandStartedNetwork>
{
    [Fact]
    public async Task Validator_KilledWithSigkillWhileSigning_RestartsOnItsHome_CatchesUpWithSameAppHashAndNoDoubleSign()
    {
        const int victim = 3;
        var others = new[] { 0, 1, 2 };
        for (var round = 0; round < 2; round++)
        {
            // Round 0 kills it in steady state, round 1 right after it restarted (while catching up).
            await net.WaitAsync(async () => await net.HeightAsync(victim) >= 2 && File.Exists(StateFile(victim)), "the victim signing");
            var before = SignState(victim);
            var heightBefore = await net.HeightAsync(victim);
            net.Nodes[victim]!.KillHard();
            var after = SignState(victim);
            Assert.True(Compare(after, before) >= 0, "the signer state went backwards across the kill");

            var othersAt = (await Task.WhenAll(others.Select(net.HeightAsync))).Max();
            await net.WaitAsync(async () => (await Task.WhenAll(others.Select(net.HeightAsync))).Min() >= othersAt + 2, "the other three committing without the victim");

            net.StartValidator(victim);
            await net.WaitAsync(() => Task.FromResult(StartedAt(net.Nodes[victim]!.Output) is not null), "the victim's restart");
            Assert.True(StartedAt(net.Nodes[victim]!.Output) >= Math.Max(1, heightBefore - 1), $"the restarted validator reopened its state at height {StartedAt(net.Nodes[victim]!.Output)}, before the kill it was at {heightBefore}");
            if (round == 0)
            {
                var target = (await Task.WhenAll(others.Select(net.HeightAsync))).Max() + 2;
                await net.WaitAsync(async () => await net.HeightAsync(victim) >= target, $"the victim catching up to height {target}");

                // A node that caught up by block sync signs again once it has switched to consensus: wait for that (it
                // fails after WaitAsync's timeout if the restarted validator never signs).
                await net.WaitAsync(() => Task.FromResult(Compare(SignState(victim), after) > 0), "the restarted validator signing again");
            }
        }

        var final = (await Task.WhenAll(others.Select(net.HeightAsync))).Max() + 3;
        await net.WaitAsync(async () => (await Task.WhenAll(Enumerable.Range(0, HandStartedNetwork.Validators).Select(net.HeightAsync))).Min() >= final, $"all four at height {final}");

        // Same application state everywhere.
        var hashes = await Task.WhenAll(net.Clients.Select(async c => Convert.ToHexString((await c.GetBlockAsync(final))!.AppHash.Span)));
        Assert.Single(hashes.Distinct());

        // No duplicate-vote evidence in any committed block, and the victim kept its full voting power.
        var empty = Block.ComputeEvidenceHash([]);
        var victimKey = Convert.FromHexString(Phoenix.Node.Hosting.ValidatorKeyFile.Read(Path.Combine(net.Homes[victim], Phoenix.Node.Hosting.ValidatorNetwork.ConsensusKeyFileName)).PublicKey);
        for (var h = 1; h <= final; h++)
        {
            var block = (await net.Clients[0].GetLightBlockAsync(h))!;
            Assert.True(block.Header.EvidenceHash.Span.SequenceEqual(empty), $"block {h} carries evidence");
            var power = block.ValidatorSet.Validators.Where(v => v.PubKeyEd25519.Span.SequenceEqual(victimKey)).Select(v => v.VotingPower).Single();
            Assert.Equal(block.ValidatorSet.Validators[0].VotingPower, power);
        }
    }

    [Fact]
    public async Task MinerAndBuyer_TaskOnHandStartedNetwork_FinalizesAndResultsMatchTheModelRunLocally()
    {
        var node0 = net.Url(0).ToString().TrimEnd('/');
        net.EnableSampleWorkload();
        var miner = net.Track(AppProcess.Start("Phoenix.Miner", "miner", "start", "--home", net.MinerHome, "--node", node0));
        await net.WaitAsync(() => Task.FromResult(miner.Output.Contains("executors:", StringComparison.Ordinal) || miner.HasExited), "the miner to start");
        Assert.False(miner.HasExited, miner.Output);
        Assert.Contains("onnx/v1", miner.Output, StringComparison.Ordinal);
        Assert.Contains(Phoenix.Workloads.Sample.Int8MatVec.Kind, miner.Output, StringComparison.Ordinal);

        // Burn PHNX for SPARK at the chain's oracle price, read by the buyer with a proof (retried until the validators'
        // agents have reported enough prices for a valid oracle).
        string[] burn = ["burn", "--home", net.BuyerHome, "--node", node0, "--phnx", "10", "--max-slippage-bps", "100"];
        var burned = string.Empty;
        await net.WaitAsync(async () => (burned = (await AppProcess.RunAsync("Phoenix.Buyer", burn)) is (0, var o) ? o : string.Empty).Length > 0 || !await Pause(), "a successful burn");
        Assert.Contains("burned", burned, StringComparison.Ordinal);
        Assert.Contains($"oracle price {HandStartedNetwork.PriceMicroUsd} micro-USD/PHNX", burned, StringComparison.Ordinal);

        // A tiny ONNX model (Y = X·W + B) and four inputs.
        var work = Path.Combine(net.Root, "job");
        var inputsDir = Directory.CreateDirectory(Path.Combine(work, "inputs"));
        var model = TinyModel();
        var modelFile = Path.Combine(work, "model.onnx");
        await File.WriteAllBytesAsync(modelFile, model);
        var inputs = Enumerable.Range(0, 4).Select(u => new[] { u + 1f, -u, 0.5f * u, 2f }).ToArray();
        for (var u = 0; u < inputs.Length; u++)
        {
            await File.WriteAllBytesAsync(Path.Combine(inputsDir.FullName, $"{u:D3}.bin"), OnnxUnitFormat.Encode([OnnxTensor.FromFloats("X", [1, 4], inputs[u])]));
        }

        var posted = await AppProcess.RunOkAsync("Phoenix.Buyer", "post", "--home", net.BuyerHome, "--node", node0, "--model", modelFile, "--inputs", inputsDir.FullName, "--price-per-unit", "1", "--attestations", "2");
        var taskId = posted.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.Matches("^[0-9]+$", taskId);

        // Followed through the SDK (cheap), then shown by `status` (one process).
        var id = ulong.Parse(taskId, CultureInfo.InvariantCulture);
        await net.WaitAsync(async () => (await net.Clients[0].GetTaskAsync(id))?.IsComplete == true, "the task to complete");
        var status = await AppProcess.RunOkAsync("Phoenix.Buyer", "status", "--home", net.BuyerHome, "--node", node0, "--task", taskId);
        Assert.Contains(", complete", status, StringComparison.Ordinal);
        Assert.Contains("finalized 4, refunded 0", status, StringComparison.Ordinal);

        var outDir = Path.Combine(work, "results");
        var results = await AppProcess.RunOkAsync("Phoenix.Buyer", "results", "--home", net.BuyerHome, "--node", node0, "--task", taskId, "--out", outDir);
        Assert.Contains("4 of 4 units", results, StringComparison.Ordinal);

        // The downloaded outputs are the model's: byte-identical to a local run, and numerically X·W + B.
        using var runner = new OnnxModelRunner();
        for (var u = 0; u < inputs.Length; u++)
        {
            var output = await File.ReadAllBytesAsync(Path.Combine(outDir, $"{u}.bin"));
            var local = await runner.RunAsync(model, [OnnxTensor.FromFloats("X", [1, 4], inputs[u])]);
            Assert.Equal(OnnxUnitFormat.Encode(local), output);
            var y = OnnxUnitFormat.Decode(output).Single(t => t.Name == "Y").ToFloats();
            Assert.Equal(Reference(inputs[u]), y);
        }
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        return true;
    }

    private static readonly float[] W = [0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 1f, -2f];
    private static readonly float[] B = [0.125f, -0.5f];

    private static float[] Reference(float[] x)
    {
        var y = new float[2];
        for (var j = 0; j < 2; j++)
        {
            var s = 0f;
            for (var i = 0; i < 4; i++)
            {
                s += x[i] * W[(i * 2) + j];
            }

            y[j] = s + B[j];
        }

        return y;
    }

    /// <summary>ONNX ModelProto for Y = Add(MatMul(X[1,4], W[4,2]), B[2]) written field by field (onnx.proto numbers).</summary>
    private static byte[] TinyModel()
    {
        static byte[] Node(string op, string[] inputs, string output) =>
            Msg([.. inputs.Select(i => (1, (object)i)), (2, output), (3, op + "_" + output), (4, op)]);
        static byte[] TensorType(long[]? dims) => Msg((1, Msg([(1, 1L), .. dims is null ? [] : new[] { (2, (object)Msg([.. dims.Select(d => (1, (object)Msg((1, d))))])) }])));
        var graph = Msg(
            (1, Node("MatMul", ["X", "W"], "h")),
            (1, Node("Add", ["h", "B"], "Y")),
            (2, "tiny"),
            (5, OnnxTensor.FromFloats("W", [4, 2], W).ToTensorProto()),
            (5, OnnxTensor.FromFloats("B", [2], B).ToTensorProto()),
            (11, Msg((1, "X"), (2, TensorType([1, 4])))),
            (12, Msg((1, "Y"), (2, TensorType(null)))));
        return Msg((1, 8L), (2, "phoenix-apps-test"), (7, graph), (8, Msg((1, string.Empty), (2, 13L))));
    }

    private static byte[] Msg(params (int Field, object Value)[] fields)
    {
        using var ms = new MemoryStream();
        var o = new CodedOutputStream(ms);
        foreach (var (field, value) in fields)
        {
            switch (value)
            {
                case long v:
                    o.WriteTag(field, WireFormat.WireType.Varint);
                    o.WriteInt64(v);
                    break;
                case string s:
                    o.WriteTag(field, WireFormat.WireType.LengthDelimited);
                    o.WriteString(s);
                    break;
                case byte[] b:
                    o.WriteTag(field, WireFormat.WireType.LengthDelimited);
                    o.WriteBytes(ByteString.CopyFrom(b));
                    break;
                default:
                    throw new ArgumentException("unsupported field value", nameof(fields));
            }
        }

        o.Flush();
        return ms.ToArray();
    }

    private string StateFile(int i) => Path.Combine(net.Homes[i], "data", "priv_validator_state.json");

    private (long Height, int Round, int Step) SignState(int i)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(StateFile(i)));
        var r = doc.RootElement;
        return (r.GetProperty("Height").GetInt64(), r.GetProperty("Round").GetInt32(), r.GetProperty("Step").GetInt32());
    }

    private static int Compare((long H, int R, int S) a, (long H, int R, int S) b) =>
        a.H != b.H ? a.H.CompareTo(b.H) : a.R != b.R ? a.R.CompareTo(b.R) : a.S.CompareTo(b.S);

    /// <summary>The height in the last "Node … started on chain … at height N" line.</summary>
    private static long? StartedAt(string output) =>
        StartedLine().Matches(output) is { Count: > 0 } m ? long.Parse(m[^1].Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"started on chain \S+ at height (\d+)")]
    private static partial Regex StartedLine();
}
