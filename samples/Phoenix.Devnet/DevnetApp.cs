using Phoenix.Devnet.Reporting;
using Spectre.Console;

namespace Phoenix.Devnet;

/// <summary>The devnet's console front end: live view or headless, settlement table or JSON.</summary>
public static class DevnetApp
{
    /// <summary>Runs the devnet and prints as the options ask.</summary>
    /// <param name="options">What to run and how to print it.</param>
    /// <param name="console">The console.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static async Task<DevnetSummary> RunAsync(DevnetOptions options, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        DevnetSummary summary;
        if (options.Headless)
        {
            summary = await DevnetRunner.RunAsync(options, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            console.Write(ConsoleView.Banner(options));
            DevnetProgress? last = null;
            summary = await console.Live(new Spectre.Console.Text("starting 4 validators…")).AutoClear(false).StartAsync(async ctx =>
            {
                return await DevnetRunner.RunAsync(options, p =>
                {
                    last = p;
                    ctx.UpdateTarget(ConsoleView.Live(p));
                }, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        if (options.Json)
        {
            console.Profile.Out.Writer.WriteLine(ConsoleView.ToJson(summary));
        }
        else
        {
            ConsoleView.WriteSettlement(console, summary);
        }

        return summary;
    }
}
