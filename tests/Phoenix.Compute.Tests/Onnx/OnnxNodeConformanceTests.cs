using Phoenix.Compute.Internal;
using Phoenix.Compute.Onnx;
using Phoenix.Compute.Tests.Support;
using Phoenix.Compute.Verification;

namespace Phoenix.Compute.Tests.Onnx;

public class OnnxNodeConformanceTests
{
    private const int MaxSupportedOpset = 26;

    [Fact]
    public async Task RunTensorProtosAsync_OnnxBackendNodeTests_MatchReferenceOutputs()
    {
        var folder = Conformance.Folder("onnx-node-tests");
        if (folder is null)
        {
            return;
        }

        using var runner = new OnnxModelRunner(new OnnxExecutionOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, MaxCachedModels = 1 });
        var failures = new List<string>();
        var ran = 0;
        foreach (var dir in Directory.EnumerateDirectories(folder, "test_*").Order(StringComparer.Ordinal))
        {
            var modelBytes = File.ReadAllBytes(Path.Combine(dir, "model.onnx"));
            var model = OnnxGraph.Parse(modelBytes);
            if (model.OpsetImport.Any(o => o.Version > MaxSupportedOpset))
            {
                continue;
            }

            var data = Path.Combine(dir, "test_data_set_0");
            var inputs = Directory.EnumerateFiles(data, "input_*.pb").Order(StringComparer.Ordinal)
                .Select((f, i) => (Index: i, Tensor: OnnxTensor.FromTensorProto(File.ReadAllBytes(f))))
                .ToDictionary(
                    x => x.Tensor.Name.Length > 0 ? x.Tensor.Name : model.Graph.Input[x.Index].Name,
                    x => (ReadOnlyMemory<byte>)x.Tensor.ToTensorProto());
            var expected = Directory.EnumerateFiles(data, "output_*.pb").Order(StringComparer.Ordinal)
                .Select((f, j) => OnnxTensor.FromTensorProto(File.ReadAllBytes(f)) is var t && t.Name.Length > 0 ? t : t.WithName(model.Graph.Output[j].Name))
                .ToArray();

            try
            {
                var outputs = await runner.RunTensorProtosAsync(modelBytes, inputs);
                var actual = expected.Select(e => OnnxTensor.FromTensorProto(outputs[e.Name])).ToArray();
                var comparison = ToleranceComparer.Compare(expected, actual, 1e-3, 1e-7);
                if (!comparison.Matches)
                {
                    failures.Add($"{Path.GetFileName(dir)}: {comparison.Mismatch}");
                }
            }
            catch (WorkloadException ex)
            {
                failures.Add($"{Path.GetFileName(dir)}: {ex.Code} {ex.Message}");
            }

            ran++;
        }

        Assert.True(ran >= 100, $"expected the node-test suite, ran {ran}");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
