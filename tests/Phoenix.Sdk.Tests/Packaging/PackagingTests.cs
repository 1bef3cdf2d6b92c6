using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;
using Phoenix.Sdk.Tests.Api;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Packaging;

/// <summary>
/// Issue #6 point 9: the library packages carry README, licence, XML docs, symbols, deterministic assemblies and
/// dependency ranges, and a fresh console app that references only Phoenix.Sdk from a folder feed builds and talks to a
/// node. Packs the outputs this test run already built (<c>--no-build</c>) and restores offline: the feed plus the
/// machine's global packages folder as a local source, into a private packages folder (so the Phoenix packages never
/// land in the shared cache).
/// </summary>
public sealed class PackagingTests : IClassFixture<PackagingTests.PackedFeed>
{
    private readonly PackedFeed _feed;

    public PackagingTests(PackedFeed feed) => _feed = feed;

    [Theory]
    [InlineData("Phoenix.Protocol", new string[0])]
    [InlineData("Phoenix.Node", new[] { "Phoenix.Protocol" })]
    [InlineData("Phoenix.Compute", new[] { "Phoenix.Protocol" })]
    [InlineData("Phoenix.Sdk", new[] { "Phoenix.Protocol" })]
    public void Pack_LibraryPackage_HasReadmeLicenceDocsSymbolsAndDependencyRanges(string id, string[] phoenixDependencies)
    {
        var path = Path.Combine(_feed.Directory, $"{id}.{PackedFeed.Version}.nupkg");
        Assert.True(File.Exists(path), $"{id} was not packed: {_feed.Log}");
        using var package = ZipFile.OpenRead(path);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        Assert.Equal(id, metadata.Element(ns + "id")!.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
        Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.Contains("README.md", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        Assert.True(File.Exists(Path.ChangeExtension(path, ".snupkg")), $"{id} has no symbol package");
        using (var symbols = ZipFile.OpenRead(Path.ChangeExtension(path, ".snupkg")))
        {
            Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net10.0/{id}.pdb");
        }

        var dependencies = metadata.Element(ns + "dependencies")!.Descendants(ns + "dependency").ToList();
        Assert.NotEmpty(dependencies);
        foreach (var dependency in dependencies)
        {
            // A lower bound on every dependency (NuGet's minimum-version range), never a floating or empty version.
            var version = dependency.Attribute("version")?.Value;
            Assert.False(string.IsNullOrEmpty(version), $"{id} depends on {dependency.Attribute("id")?.Value} without a version");
            Assert.Matches(@"^\[?\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?(, \)|,\)|\]|)$", version);
        }

        var phoenix = dependencies.Select(d => d.Attribute("id")!.Value).Where(d => d.StartsWith("Phoenix.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(phoenixDependencies, phoenix);
        // Only the compute package brings ONNX Runtime; an app or agent referencing the SDK never does.
        Assert.Equal(id == "Phoenix.Compute", dependencies.Any(d => d.Attribute("id")!.Value.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal)));

        using var dll = new MemoryStream();
        using (var stream = package.GetEntry($"lib/net10.0/{id}.dll")!.Open())
        {
            stream.CopyTo(dll);
        }

        dll.Position = 0;
        using var pe = new PEReader(dll);
        Assert.Contains(pe.ReadDebugDirectory(), d => d.Type == DebugDirectoryEntryType.Reproducible);
    }

    [Fact]
    public void PackSolution_ProducesExactlyTheFourLibraryPackagesWithSymbols()
    {
        var packages = System.IO.Directory.GetFiles(_feed.Directory, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var symbols = System.IO.Directory.GetFiles(_feed.Directory, "*.snupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        string[] ids = ["Phoenix.Compute", "Phoenix.Node", "Phoenix.Protocol", "Phoenix.Sdk"];
        Assert.Equal(ids.Select(id => $"{id}.{PackedFeed.Version}.nupkg"), packages);
        Assert.Equal(ids.Select(id => $"{id}.{PackedFeed.Version}.snupkg"), symbols);
    }

    [Fact]
    public async Task FreshConsoleApp_ReferencingOnlyPhoenixSdkFromTheFeed_BuildsAndReadsANode()
    {
        var app = Path.Combine(_feed.Root, "app");
        await PackedFeed.DotnetAsync(_feed.Root, "new", "console", "-o", app, "--no-restore");
        var csproj = Path.Combine(app, "app.csproj");
        var project = XDocument.Load(csproj);
        project.Root!.Add(new XElement("ItemGroup", new XElement("PackageReference", new XAttribute("Include", "Phoenix.Sdk"), new XAttribute("Version", PackedFeed.Version))));
        project.Save(csproj);
        // The program is the README's SDK quick start: it must compile against the package alone.
        File.Copy(Path.Combine(PackedFeed.FindRepoRoot(), "tests", "Phoenix.Sdk.Tests", "Packaging", "QuickStart.cs.txt"), Path.Combine(app, "Program.cs"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="phoenix-feed" value="{_feed.Directory}" />
                <add key="global-packages" value="{PackedFeed.GlobalPackages}" />
              </packageSources>
            </configuration>
            """);

        await PackedFeed.DotnetAsync(app, "build", "-c", "Release", "--packages", Path.Combine(_feed.Root, "packages"));
        var references = Directory.GetFiles(Path.Combine(app, "bin", "Release", "net10.0"), "Phoenix.*.dll").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["Phoenix.Protocol.dll", "Phoenix.Sdk.dll"], references);

        await using var node = await TestNode.StartAsync();
        var output = await PackedFeed.DotnetAsync(app, Path.Combine(app, "bin", "Release", "net10.0", "app.dll"), node.Address.ToString());

        Assert.Contains($"chain={TestChain.ChainId} height={node.Height}", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Packs the whole solution once per test class into a temporary folder feed (<c>dotnet pack Phoenix.sln</c>, as a
    /// release does): the four libraries are packable, tests, samples and benchmarks are not.
    /// </summary>
    public sealed class PackedFeed : IAsyncLifetime
    {
        public const string Version = "0.1.0";

#if DEBUG
        private const string Configuration = "Debug";
#else
        private const string Configuration = "Release";
#endif

        private readonly StringBuilder _log = new();

        public string Root { get; } = System.IO.Directory.CreateTempSubdirectory("phx-pack-").FullName;

        public string Directory => Path.Combine(Root, "feed");

        public string Log => _log.ToString();

        public static string GlobalPackages => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        public async Task InitializeAsync()
        {
            // --no-build: this test run already built the four libraries (Phoenix.Sdk.Tests references Node, Compute and Sdk).
            _log.AppendLine(await DotnetAsync(FindRepoRoot(), "pack", "Phoenix.sln", "-c", Configuration, "--no-build", "-o", Directory));
        }

        public Task DisposeAsync()
        {
            try
            {
                System.IO.Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind does no harm.
            }

            return Task.CompletedTask;
        }

        public static async Task<string> DotnetAsync(string workingDirectory, params string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in arguments)
            {
                start.ArgumentList.Add(a);
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
            start.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "0";
            foreach (var inherited in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG" })
            {
                start.Environment.Remove(inherited);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within 5 minutes.");
            }

            var output = await stdout + await stderr;
            Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
            return output;
        }

        public static string FindRepoRoot()
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
}
