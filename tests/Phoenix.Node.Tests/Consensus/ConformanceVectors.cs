using System.Text.Json;

namespace Phoenix.Node.Tests.Consensus;

/// <summary>Finds <c>../shared/conformance/vectors</c> next to the repository (the folder holding Phoenix.sln).</summary>
internal static class ConformanceVectors
{
    private static readonly Lazy<string?> Folder = new(Locate);

    /// <summary>Loads a vector file, or null when the shared folder is absent (the data-driven part then returns early).</summary>
    public static JsonElement? Load(string fileName)
    {
        if (Folder.Value is null)
        {
            return null;
        }

        var path = Path.Combine(Folder.Value, fileName);
        if (!File.Exists(path))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.Clone();
    }

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Phoenix.sln")))
            {
                var vectors = Path.Combine(dir.FullName, "..", "shared", "conformance", "vectors");
                return Directory.Exists(vectors) ? vectors : null;
            }
        }

        return null;
    }

    public static byte[] Hex(this JsonElement e) => e.ValueKind == JsonValueKind.Null ? [] : Convert.FromHexString(e.GetString()!);
}
