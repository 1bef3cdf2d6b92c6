using System.Text.Json;
using Phoenix.Devnet;
using Spectre.Console;

namespace Phoenix.IntegrationTests.Devnet;

/// <summary>
/// Runs the devnet headless on a reduced job (12 MiniLM units in batches of 4, so each of the 3 miners gets a batch)
/// and checks its JSON summary: every unit paid to the miner that did it right, the cheater slashed through a
/// dispute, and every supply invariant intact.
/// </summary>
public sealed class DevnetEndToEndTests
{
    [Fact]
    public async Task Devnet_ReducedJob_PaysHonestUnitsSlashesCheaterAndKeepsInvariants()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        var options = new DevnetOptions { Units = 12, BatchSize = 4, Headless = true, Json = true };

        await DevnetApp.RunAsync(options, console, CancellationToken.None);

        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        DevnetSummaryAssertions.AssertSettled(root, units: 12);

        // The default backend is the virtual clock: no endpoints, nothing to reach.
        Assert.Equal("virtual", root.GetProperty("network").GetProperty("clock").GetString());
        Assert.Equal(0, root.GetProperty("network").GetProperty("endpoints").GetArrayLength());
    }

    [Fact]
    public async Task RunAsync_InvalidOptions_ThrowsArgumentExceptionListingEveryProblemBeforeStarting()
    {
        var options = new DevnetOptions { Units = 0, BatchSize = 0, SpotCheckRate = 1.5, MaxBlocks = 1, Port = 70_000 };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => DevnetRunner.RunAsync(options));

        Assert.Contains("--units", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--batch-size", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--spot-check-rate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--max-blocks", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--port", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DefaultOptions_HasNoErrors()
    {
        Assert.Empty(new DevnetOptions().Validate());
        Assert.Single(new DevnetOptions { CheatOffset = -1 }.Validate());
        Assert.Empty(new DevnetOptions { KeepRunning = true, Port = 26_700 }.Validate());
        Assert.Empty(new DevnetOptions { Live = true, Port = 26_700 }.Validate());
    }

    [Fact]
    public void Validate_PortWithoutLiveBackend_IsRefused()
    {
        var errors = new DevnetOptions { Port = 26_700 }.Validate();

        Assert.Contains(errors, e => e.Contains("--port needs --live", StringComparison.Ordinal));
        Assert.True(new DevnetOptions { KeepRunning = true }.UsesLiveBackend);
        Assert.False(new DevnetOptions().UsesLiveBackend);
    }
}
