namespace Phoenix.Protocol.Tests.Support;

/// <summary>Locates ../shared/conformance from the folder holding Phoenix.sln (null when absent).</summary>
internal static class Conformance
{
    public static string? VectorsDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Phoenix.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            return null;
        }

        var vectors = Path.Combine(dir.Parent.FullName, "shared", "conformance", "vectors");
        return Directory.Exists(vectors) ? vectors : null;
    }
}
