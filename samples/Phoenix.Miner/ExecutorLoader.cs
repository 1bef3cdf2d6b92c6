using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Phoenix.Apps;
using Phoenix.Compute.Hosting;
using Phoenix.Protocol.Compute;

namespace Phoenix.Miner;

/// <summary>One entry of miner.json's <c>Miner.Executors</c> list.</summary>
/// <param name="Kind">A built-in kind (only <c>onnx/v1</c>), or null for a third-party executor.</param>
/// <param name="Assembly">A third-party executor's assembly path (relative to the home directory or absolute).</param>
/// <param name="Type">The executor's full type name in <paramref name="Assembly"/>.</param>
/// <param name="Enabled">Whether the entry is used (false keeps an example in the file without loading it).</param>
public sealed record ExecutorEntry(string? Kind, string? Assembly, string? Type, bool Enabled = true);

/// <summary>Turns miner.json's executor list into registered <see cref="IWorkloadExecutor"/>s.</summary>
public static class ExecutorLoader
{
    /// <summary>The built-in ONNX kind.</summary>
    public const string OnnxKind = WorkloadKinds.OnnxV1;

    /// <summary>Reads <c>Miner.Executors</c> from a miner config.</summary>
    /// <exception cref="AppConfigurationException">An entry is malformed.</exception>
    public static IReadOnlyList<ExecutorEntry> ReadEntries(JsonNode config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var list = config["Miner"]?["Executors"] as JsonArray ?? throw new AppConfigurationException("miner.json has no Miner.Executors list.");
        var entries = new List<ExecutorEntry>();
        foreach (var node in list)
        {
            if (node is not JsonObject o)
            {
                throw new AppConfigurationException("each Miner.Executors entry must be an object.");
            }

            string? Str(string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            var enabled = o["enabled"] is not JsonValue e || !e.TryGetValue<bool>(out var b) || b;
            var entry = new ExecutorEntry(Str("kind"), Str("assembly"), Str("type"), enabled);
            var builtIn = entry.Kind is not null && entry.Assembly is null && entry.Type is null;
            var thirdParty = entry.Kind is null && entry.Assembly is not null && entry.Type is not null;
            if (!builtIn && !thirdParty)
            {
                throw new AppConfigurationException($"executor entry {o.ToJsonString()} needs either \"kind\" (built-in) or both \"assembly\" and \"type\".");
            }

            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Loads a third-party executor type from an assembly, in its own load context sharing the Phoenix contracts with the host.</summary>
    /// <param name="assemblyPath">The assembly file.</param>
    /// <param name="typeName">The full type name.</param>
    /// <returns>A new instance (the type needs a public parameterless constructor).</returns>
    /// <exception cref="ExecutorLoadException">The file, the type or its constructor is missing, or the type does not implement <see cref="IWorkloadExecutor"/>.</exception>
    public static IWorkloadExecutor LoadExecutor(string assemblyPath, string typeName)
    {
        var path = Path.GetFullPath(assemblyPath);
        if (!File.Exists(path))
        {
            throw new ExecutorLoadException(assemblyPath, typeName, "the assembly file does not exist");
        }

        Assembly assembly;
        try
        {
            assembly = new PluginLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (BadImageFormatException e)
        {
            throw new ExecutorLoadException(assemblyPath, typeName, "the file is not a .NET assembly", e);
        }

        var type = assembly.GetType(typeName, throwOnError: false)
            ?? throw new ExecutorLoadException(assemblyPath, typeName, "the assembly has no such type");
        if (!typeof(IWorkloadExecutor).IsAssignableFrom(type))
        {
            throw new ExecutorLoadException(assemblyPath, typeName, $"the type does not implement {typeof(IWorkloadExecutor).FullName}");
        }

        if (type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ExecutorLoadException(assemblyPath, typeName, "the type is abstract or has no public parameterless constructor");
        }

        return (IWorkloadExecutor)Activator.CreateInstance(type)!;
    }

    /// <summary>Registers the enabled entries' executors (built-in ONNX via Phoenix.Compute, others loaded from their assemblies).</summary>
    /// <param name="services">The services.</param>
    /// <param name="entries">The entries.</param>
    /// <param name="home">The directory relative assembly paths are resolved against.</param>
    /// <returns>The kinds registered, in order.</returns>
    /// <exception cref="AppConfigurationException">An unknown built-in kind, two executors for one kind, or nothing enabled.</exception>
    /// <exception cref="ExecutorLoadException">A third-party executor could not be loaded.</exception>
    public static IReadOnlyList<string> Register(IServiceCollection services, IEnumerable<ExecutorEntry> entries, string home)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(entries);

        // Load and check everything before touching the service collection.
        var kinds = new List<string>();
        var loaded = new List<IWorkloadExecutor>();
        var onnx = false;
        foreach (var entry in entries.Where(e => e.Enabled))
        {
            string kind;
            if (entry.Kind is not null)
            {
                kind = entry.Kind == OnnxKind ? entry.Kind : throw new AppConfigurationException($"unknown built-in executor kind '{entry.Kind}' (built in: {OnnxKind}).");
                onnx = true;
            }
            else
            {
                var executor = LoadExecutor(Path.Combine(home, entry.Assembly!), entry.Type!);
                kind = executor.Kind;
                loaded.Add(executor);
            }

            if (kinds.Contains(kind))
            {
                throw new AppConfigurationException($"two executors for kind '{kind}'.");
            }

            kinds.Add(kind);
        }

        if (kinds.Count == 0)
        {
            throw new AppConfigurationException("no enabled executor in Miner.Executors.");
        }

        if (onnx)
        {
            services.AddOnnxWorkloads();
        }

        foreach (var executor in loaded)
        {
            services.AddSingleton(executor);
        }

        return kinds;
    }

    private sealed class PluginLoadContext(string path) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(path))
    {
        private readonly string _directory = Path.GetDirectoryName(path)!;
        private readonly AssemblyDependencyResolver? _resolver = CreateResolver(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Assemblies the host already has (Phoenix.Protocol above all) stay shared so the contract types match.
            if (Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), assemblyName)))
            {
                return null;
            }

            // The plugin's own dependencies: from its .deps.json when it has one, else next to it.
            var resolved = _resolver?.ResolveAssemblyToPath(assemblyName) ?? Path.Combine(_directory, assemblyName.Name + ".dll");
            return File.Exists(resolved) ? LoadFromAssemblyPath(resolved) : null;
        }

        private static AssemblyDependencyResolver? CreateResolver(string path)
        {
            try
            {
                return new AssemblyDependencyResolver(path);
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }
    }
}

/// <summary>A third-party executor named in miner.json could not be loaded; nothing was registered.</summary>
public sealed class ExecutorLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExecutorLoadException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ExecutorLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ExecutorLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one entry.</summary>
    public ExecutorLoadException(string assemblyPath, string typeName, string reason, Exception? innerException = null)
        : base($"executor '{typeName}' from '{assemblyPath}': {reason}.", innerException)
    {
        AssemblyPath = assemblyPath;
        TypeName = typeName;
    }

    /// <summary>The assembly path from the config.</summary>
    public string? AssemblyPath { get; }

    /// <summary>The type name from the config.</summary>
    public string? TypeName { get; }
}
