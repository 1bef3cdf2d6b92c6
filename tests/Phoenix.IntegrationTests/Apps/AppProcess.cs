using System.Collections.Concurrent;
using System.Diagnostics;

namespace Phoenix.IntegrationTests.Apps;

/// <summary>
/// One of the sample executables (Phoenix.Validator, Phoenix.Miner, Phoenix.Buyer) run as a real child process
/// (<c>dotnet &lt;app&gt;.dll …</c>) from its own build output, with its output collected. Disposing kills it.
/// </summary>
public sealed class AppProcess : IDisposable
{
    public const string Password = "correct horse battery staple";
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private AppProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public string Output => string.Join('\n', _lines);

    public string Tail(int lines = 40) => string.Join('\n', _lines.TakeLast(lines));

    /// <summary>The build output of a sample app: samples/&lt;app&gt;/bin/&lt;configuration&gt;/&lt;tfm&gt;/&lt;app&gt;.dll, next to this test's own build.</summary>
    public static string AppDll(string app)
    {
        // This assembly lives in tests/Phoenix.IntegrationTests/bin/<configuration>/<tfm>/.
        var tfm = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = tfm.Parent!;
        var root = configuration.Parent!.Parent!.Parent!.Parent!;
        var dll = Path.Combine(root.FullName, "samples", app, "bin", configuration.Name, tfm.Name, app + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The {app} build output is missing (the test project builds it through a ProjectReference): {dll}");
    }

    /// <summary>Starts an app; its stdout and stderr lines are collected.</summary>
    public static AppProcess Start(string app, string name, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(AppDll(app));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PHOENIX_KEYSTORE_PASSWORD"] = Password;
        // Six processes share a small machine: workstation GC, no console colours.
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "0";
        info.Environment["Logging__Console__DisableColors"] = "true";
        var process = new Process { StartInfo = info };
        var p = new AppProcess(name, process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { p._lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { p._lines.Enqueue("err: " + e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return p;
    }

    /// <summary>Runs a command to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string app, params string[] args)
    {
        using var p = Start(app, app, args);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p._process.WaitForExitAsync(timeout.Token);
        // WaitForExitAsync also waits for the redirected streams to end.
        return (p._process.ExitCode, p.Output);
    }

    /// <summary>Runs a command that must succeed; fails the test with its output otherwise.</summary>
    public static async Task<string> RunOkAsync(string app, params string[] args)
    {
        var (code, output) = await RunAsync(app, args);
        Assert.True(code == 0, $"{app} {string.Join(' ', args)} exited {code}:\n{output}");
        return output;
    }

    /// <summary>SIGKILL: no graceful shutdown, no flushing, no disposal.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        try
        {
            KillHard();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
