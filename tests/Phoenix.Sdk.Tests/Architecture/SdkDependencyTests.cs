using System.Reflection;
using System.Text.Json;
using Phoenix.Sdk.Client;

namespace Phoenix.Sdk.Tests.Architecture;

public sealed class SdkDependencyTests
{
    private const string Forbidden = "Microsoft.ML.OnnxRuntime";

    [Fact]
    public void PhoenixSdk_AssemblyReferenceGraph_DoesNotReachOnnxRuntime()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>([typeof(PhoenixClient).Assembly]);
        while (queue.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (!seen.Add(reference.Name!))
                {
                    continue;
                }

                Assert.False(reference.Name!.StartsWith(Forbidden, StringComparison.OrdinalIgnoreCase), $"{assembly.GetName().Name} references {reference.Name}");
                if (reference.Name.StartsWith("Phoenix.", StringComparison.Ordinal))
                {
                    queue.Enqueue(Assembly.Load(reference));
                }
            }
        }

        Assert.Contains("Phoenix.Protocol", seen);
    }

    [Fact]
    public void PhoenixSdk_PackageGraph_DoesNotContainOnnxRuntime()
    {
        var assets = Path.Combine(RepoRoot(), "src", "Phoenix.Sdk", "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"restore output not found at {assets}");
        using var doc = JsonDocument.Parse(File.ReadAllText(assets));

        var libraries = doc.RootElement.GetProperty("targets").EnumerateObject().SelectMany(t => t.Value.EnumerateObject()).Select(l => l.Name).ToList();

        Assert.Contains(libraries, l => l.StartsWith("Grpc.Net.Client/", StringComparison.Ordinal));
        Assert.DoesNotContain(libraries, l => l.StartsWith(Forbidden, StringComparison.OrdinalIgnoreCase));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Phoenix.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Phoenix.sln not found above " + AppContext.BaseDirectory);
    }
}
