using System.Security.Cryptography;
using System.Text;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Agents;

namespace Phoenix.Sdk.Tests.Agents;

/// <summary>
/// A tiny deterministic workload (kind <c>test/chain-v1</c>) with a four-node "graph": node k's output hash is
/// SHA-256("n{k}" ‖ previous), starting from the model and input bytes; the output blob is "out:" + the last
/// hash in hex. A cheating instance replaces node 2's output for the units it cheats on, so its output and
/// trace differ from the honest ones from node 2 on (what the re-execution game must find).
/// </summary>
internal sealed class TestWorkload(Func<uint, bool>? cheatOn = null) : IWorkloadExecutor, IResultVerifier, IUnitTraceSource
{
    public const string KindName = "test/chain-v1";
    public const int Nodes = 4;

    public string Kind => KindName;

    public int Executions;

    public static TestWorkload Honest() => new();

    public static TestWorkload CheatingOn(params uint[] units) => new(units.Contains);

    public static byte[] ExpectedOutput(ReadOnlySpan<byte> model, ReadOnlySpan<byte> input) => Output(Leaves(model, input, cheat: false));

    public async ValueTask<UnitResult> ExecuteAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Executions);
        var leaves = await TraceAsync(unit, blobs, cancellationToken);
        var output = Output(leaves);
        return new UnitResult(output, Hash32.Sha256(output), ExecutionTraces.Root(leaves));
    }

    public async ValueTask<IReadOnlyList<Hash32>> TraceAsync(UnitWork unit, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        var model = await blobs.ReadAsync(unit.Workload.ModelId, cancellationToken);
        var input = await blobs.ReadAsync(unit.InputId, cancellationToken);
        return Leaves(model.Span, input.Span, cheatOn?.Invoke(unit.UnitIndex) == true);
    }

    public async ValueTask<VerificationResult> VerifyAsync(UnitWork unit, ClaimedResult claimed, IBlobReader blobs, CancellationToken cancellationToken = default)
    {
        var model = await blobs.ReadAsync(unit.Workload.ModelId, cancellationToken);
        var input = await blobs.ReadAsync(unit.InputId, cancellationToken);
        var leaves = Leaves(model.Span, input.Span, cheat: false);
        var output = Output(leaves);
        return Hash32.Sha256(output) == claimed.OutputId && ExecutionTraces.Root(leaves) == claimed.TraceRoot
            ? new VerificationResult(VerificationVerdict.Valid, "re-execution matches")
            : new VerificationResult(VerificationVerdict.Invalid, "re-execution differs");
    }

    private static Hash32[] Leaves(ReadOnlySpan<byte> model, ReadOnlySpan<byte> input, bool cheat)
    {
        var leaves = new Hash32[Nodes];
        var previous = Hash32.Sha256([.. model, .. input]);
        for (var k = 0; k < Nodes; k++)
        {
            var tag = cheat && k == 2 ? "cheat" : "n" + k;
            previous = Hash32.Sha256([.. Encoding.ASCII.GetBytes(tag), .. previous.ToArray()]);
            leaves[k] = previous;
        }

        return leaves;
    }

    private static byte[] Output(IReadOnlyList<Hash32> leaves) => Encoding.ASCII.GetBytes("out:" + leaves[^1]);
}
