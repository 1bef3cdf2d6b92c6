using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Phoenix.Compute.Models;
using Phoenix.Compute.Onnx;
using Phoenix.Compute.Verification;
using Phoenix.Protocol.Primitives;

// GPU check for the onnx/v1 runner: which execution provider Auto picks, whether CUDA runs are bit-identical run to
// run (one determinism class), how far they are from CPU (another class: tolerance, never hashes), trace mode on
// CUDA, and time per unit against CPU in the same process. Usage:
//   dotnet run -c Release --project benchmarks/Phoenix.Compute.GpuCheck [-p:PhoenixOnnxGpu=true] -- [--units N] [--out report.md]
var units = 16;
string? outPath = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--units":
            units = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--out":
            outPath = args[++i];
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'");
            return 2;
    }
}

var report = new StringBuilder();
void Say(string line)
{
    Console.WriteLine(line);
    report.AppendLine(line);
}

Say($"# onnx/v1 GPU check — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
Say($"- ONNX Runtime {OrtEnv.Instance().GetVersionString()}, providers listed: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}");
Say($"- OnnxModelRunner.IsCudaAvailable = {OnnxModelRunner.IsCudaAvailable}; {Environment.ProcessorCount} logical CPUs; {RuntimeInformationText()}");

byte[] model;
string modelName;
try
{
    model = PretrainedModels.LoadResNet18();
    modelName = "ResNet18";
}
catch (ModelNotAvailableException ex)
{
    Say($"- ResNet18 not found ({ex.Message}); nothing to run.");
    return 1;
}

var modelId = Hash32.Sha256(model);
ModelSource source = _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(model);
var inputs = Enumerable.Range(0, units).Select(i => (IReadOnlyList<OnnxTensor>)[ResNet18Units.Tensor(ResNet18Units.SyntheticImage(i))]).ToArray();
Say($"- model {modelName} ({model.Length / 1024 / 1024} MiB), {units} synthetic 224x224 units");

using var auto = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Auto, CommitTrace = false });
using var autoFast = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Auto, CommitTrace = false, Deterministic = false });
using var cpu = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, CommitTrace = false });
using var cpuFast = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, CommitTrace = false, Deterministic = false });

async Task<(List<IReadOnlyList<OnnxTensor>> Outputs, double MsPerUnit)> RunAll(OnnxModelRunner runner)
{
    await runner.RunAsync(modelId, source, inputs[0]); // load + warm-up
    var outputs = new List<IReadOnlyList<OnnxTensor>>(units);
    var sw = Stopwatch.StartNew();
    foreach (var input in inputs)
    {
        outputs.Add(await runner.RunAsync(modelId, source, input));
    }

    return (outputs, sw.Elapsed.TotalMilliseconds / units);
}

static string Digest(IReadOnlyList<IReadOnlyList<OnnxTensor>> outputs)
{
    using var h = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
    foreach (var unit in outputs)
    {
        foreach (var t in unit)
        {
            h.AppendData(t.ToTensorProto());
        }
    }

    return Convert.ToHexStringLower(h.GetHashAndReset())[..16];
}

Say("");
Say("| runner | execution provider | determinism class | ms/unit | outputs digest | rerun bit-identical |");
Say("| --- | --- | --- | ---: | --- | --- |");
var results = new Dictionary<string, List<IReadOnlyList<OnnxTensor>>>();
double? cpuMs = null, autoMs = null;
foreach (var (name, runner) in new[] { ("auto, deterministic", auto), ("auto, fast", autoFast), ("cpu, deterministic", cpu), ("cpu, fast", cpuFast) })
{
    var first = await RunAll(runner);
    var second = await RunAll(runner);
    var same = Digest(first.Outputs) == Digest(second.Outputs);
    var ms = Math.Min(first.MsPerUnit, second.MsPerUnit);
    results[name] = first.Outputs;
    if (name == "cpu, deterministic")
    {
        cpuMs = ms;
    }

    if (name == "auto, deterministic")
    {
        autoMs = ms;
    }

    Say($"| {name} | {runner.ExecutionProvider} | {runner.DeterminismClass} | {ms:0.00} | {Digest(first.Outputs)} | {(same ? "yes" : "NO")} |");
}

Say("");
if (cpuMs is { } c && autoMs is { } a)
{
    Say($"- deterministic auto vs deterministic cpu, time per unit: {a / c:0.000}x ({c / a:0.0}x faster)");
}

// Across determinism classes: never compare hashes; compare with tolerance (ONNX's own rtol 1e-3, atol 1e-5 here).
var cross = Enumerable.Range(0, units).Select(i => ToleranceComparer.Compare(results["cpu, deterministic"][i], results["auto, deterministic"][i], 1e-3, 1e-5)).ToArray();
Say($"- auto vs cpu outputs bit-identical: {Digest(results["cpu, deterministic"]) == Digest(results["auto, deterministic"])}; " +
    $"within rtol 1e-3/atol 1e-5: {cross.Count(x => x.Matches)}/{units}; max |diff| {cross.Max(x => x.MaxAbsoluteDifference):E2}");

// Trace mode on the auto provider: same root on a rerun; where it first departs from the CPU trace.
using var autoTrace = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Auto, CommitTrace = true });
using var cpuTrace = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, CommitTrace = true });
var t1 = await autoTrace.RunTracedAsync(modelId, source, inputs[0]);
var sw = Stopwatch.StartNew();
var t2 = await autoTrace.RunTracedAsync(modelId, source, inputs[0]);
var tracedMs = sw.Elapsed.TotalMilliseconds;
var tc = await cpuTrace.RunTracedAsync(modelId, source, inputs[0]);
var firstDiff = Enumerable.Range(0, tc.Trace.NodeDigests.Count).FirstOrDefault(i => tc.Trace.NodeDigests[i] != t1.Trace.NodeDigests[i], -1);
Say($"- trace mode ({autoTrace.ExecutionProvider}): {t1.Trace.NodeDigests.Count} nodes, root {t1.Trace.Root.ToString()[..16]}, rerun same root: {t1.Trace.Root == t2.Trace.Root}, {tracedMs:0.0} ms/unit; " +
    $"first node differing from the CPU trace: {(firstDiff < 0 ? "none" : $"{firstDiff} ({tc.Trace.OpTypes[firstDiff]})")}");

if (outPath is not null)
{
    await File.WriteAllTextAsync(outPath, report.ToString());
}

return 0;

static string RuntimeInformationText() => $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
