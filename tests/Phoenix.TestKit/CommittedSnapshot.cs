using System.Runtime.CompilerServices;

namespace Phoenix.TestKit;

/// <summary>
/// Guards golden snapshot tests: Snapshooter silently creates a missing snapshot and passes, so a golden test whose
/// <c>.snap</c> file is absent (not committed, or looked up under a path-mapped source directory) would compare
/// nothing. Call <see cref="Require"/> before <c>Snapshot.Match</c>; set <c>PHOENIX_ACCEPT_NEW_SNAPSHOTS=1</c> to
/// create a new snapshot on purpose (then commit it).
/// </summary>
public static class CommittedSnapshot
{
    /// <summary>Fails unless the snapshot Snapshooter will compare against exists next to the calling test file.</summary>
    /// <param name="testClass">The test class (its name prefixes the snapshot file).</param>
    /// <param name="testMethod">The test method (filled in by the compiler).</param>
    /// <param name="sourceFile">The calling source file (filled in by the compiler).</param>
    /// <returns>The full path of the snapshot file.</returns>
    public static string Require(Type testClass, [CallerMemberName] string testMethod = "", [CallerFilePath] string sourceFile = "")
    {
        ArgumentNullException.ThrowIfNull(testClass);
        var directory = Path.GetDirectoryName(sourceFile) ?? string.Empty;
        var path = Path.Combine(directory, "__snapshots__", $"{testClass.Name}.{testMethod}.snap");
        if (!File.Exists(path) && Environment.GetEnvironmentVariable("PHOENIX_ACCEPT_NEW_SNAPSHOTS") != "1")
        {
            throw new InvalidOperationException(
                $"The committed snapshot '{path}' does not exist. Golden tests compare against committed snapshots only: "
                + "if the source path is mapped (ContinuousIntegrationBuild), tests must be built without path mapping; "
                + "to create a new snapshot on purpose run with PHOENIX_ACCEPT_NEW_SNAPSHOTS=1 and commit the file.");
        }

        return path;
    }
}
