using Phoenix.Devnet.Reporting;
using Spectre.Console;

namespace Phoenix.Devnet;

/// <summary>The devnet's console front end: live view or headless, settlement table or JSON, and <c>--keep-running</c>.</summary>
public static class DevnetApp
{
    /// <summary>
    /// Runs the devnet and prints as the options ask. With <see cref="DevnetOptions.KeepRunning"/>, the network stays up
    /// after the summary is printed until <paramref name="cancellationToken"/> is cancelled (Ctrl+C), then shuts down
    /// and the summary is returned.
    /// </summary>
    /// <param name="options">What to run and how to print it.</param>
    /// <param name="console">The console.</param>
    /// <param name="cancellationToken">Stops the run (or, once the job settled with <c>--keep-running</c>, the network).</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the job settled.</exception>
    public static async Task<DevnetSummary> RunAsync(DevnetOptions options, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        var interactive = !options.Headless && console.Profile.Capabilities.Interactive;
        if (!options.Headless)
        {
            console.Write(ConsoleView.Banner(options));
        }

        var network = await DevnetNetwork.StartAsync(options, cancellationToken).ConfigureAwait(false);
        await using (network.ConfigureAwait(false))
        {
            if (!options.Headless && network.Chain.RealTime)
            {
                console.Write(ConsoleView.Network(network.Summary, options.KeepRunning));
            }

            var summary = await RunJobAsync(network, options, console, interactive, cancellationToken).ConfigureAwait(false);
            if (options.Json)
            {
                console.Profile.Out.Writer.WriteLine(ConsoleView.ToJson(summary));
                console.Profile.Out.Writer.Flush();
            }
            else
            {
                ConsoleView.WriteSettlement(console, summary);
            }

            if (options.KeepRunning)
            {
                if (!options.Json)
                {
                    console.Write(ConsoleView.Network(network.Summary, keepRunning: true));
                    console.MarkupLine("[bold]The network stays up: press Ctrl+C to stop it.[/]");
                }

                await network.KeepRunningAsync(null, cancellationToken).ConfigureAwait(false);
                if (!options.Json)
                {
                    console.MarkupLine($"Stopping the validators at height {network.Chain.Height}…");
                }
            }

            return summary;
        }
    }

    private static async Task<DevnetSummary> RunJobAsync(DevnetNetwork network, DevnetOptions options, IAnsiConsole console, bool interactive, CancellationToken cancellationToken)
    {
        if (options.Headless)
        {
            return await network.RunJobAsync(null, cancellationToken).ConfigureAwait(false);
        }

        if (!interactive)
        {
            // Redirected output: no cursor movement; a progress line every 10 blocks instead of the live view.
            var lastLine = 0L;
            return await network.RunJobAsync(p =>
            {
                if (p.View.Height - lastLine >= 10)
                {
                    lastLine = p.View.Height;
                    // Straight to the writer: one unwrapped line per report, easy to grep in a log.
                    console.Profile.Out.Writer.WriteLine(ConsoleView.ProgressLine(p));
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        // On a terminal shorter than the view, keep its top (height, units, disputes, burns, the shortened clock) and
        // cut the balances and the activity log at the bottom.
        return await console.Live(new Text("waiting for the first block…")).AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis).Cropping(VerticalOverflowCropping.Bottom).StartAsync(async ctx =>
            await network.RunJobAsync(p => ctx.UpdateTarget(ConsoleView.Live(p)), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }
}
