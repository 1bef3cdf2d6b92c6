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
        var failed = string.Join(Environment.NewLine, root.GetProperty("failedTransactions").EnumerateArray().Select(e => e.GetString()));
        Assert.True(root.GetProperty("completed").GetBoolean(), "the job did not settle; failed transactions:" + Environment.NewLine + failed);
        Assert.Equal(12, root.GetProperty("unitsFinalized").GetInt32());
        Assert.Equal(0, root.GetProperty("unitsRefunded").GetInt32());
        Assert.Equal(12, root.GetProperty("resultsVerified").GetInt32());

        // Every unit was paid exactly once, and each miner redeemed all the bTASK it earned.
        var participants = root.GetProperty("participants").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        var miners = new[] { "miner-1", "miner-2", "cheater" }.Select(n => participants[n]).ToList();
        Assert.Equal(12, miners.Sum(m => m.GetProperty("unitsPaid").GetInt32()));
        Assert.All(miners.Take(2), m => Assert.True(m.GetProperty("unitsPaid").GetInt32() > 0));
        Assert.All(miners, m => Assert.Equal(m.GetProperty("bTaskMinted").GetString(), m.GetProperty("sparkRedeemed").GetString()));
        Assert.All(miners, m => Assert.Equal("0", m.GetProperty("bTask").GetString()));

        // The honest miners were never slashed; the cheater lost its bond to the auditor in an overturned dispute.
        Assert.Equal(0, participants["miner-1"].GetProperty("slashed").GetInt32());
        Assert.Equal(0, participants["miner-2"].GetProperty("slashed").GetInt32());
        var slashes = root.GetProperty("slashes").EnumerateArray().ToList();
        Assert.Contains(slashes, s => s.GetProperty("who").GetString() == "cheater" && s.GetProperty("to").GetString() == "auditor");
        // Every dispute was decided by the re-execution game and its committee, not by a side missing its moves
        // (a trace-format mismatch between agents and chain makes every move fail and ends disputes by timeout).
        var disputes = root.GetProperty("disputes").EnumerateArray().ToList();
        Assert.NotEmpty(disputes);
        Assert.All(disputes, d => Assert.Equal(("overturned", "committee"), (d.GetProperty("verdict").GetString(), d.GetProperty("reason").GetString())));
        Assert.DoesNotContain("invalid_proof", failed, StringComparison.Ordinal);
        Assert.DoesNotContain(slashes, s => s.GetProperty("who").GetString() is "miner-1" or "miner-2" or "auditor");

        // Burns happened both ways, and every invariant holds.
        var flows = root.GetProperty("flows");
        Assert.NotEqual("0", flows.GetProperty("phnxBurnedByMinting").GetString());
        Assert.NotEqual("0", flows.GetProperty("phnxBurnedByBuyBack").GetString());
        var invariants = root.GetProperty("invariants");
        var broken = invariants.GetProperty("checks").EnumerateArray().Where(c => !c.GetProperty("ok").GetBoolean())
            .Select(c => c.GetProperty("name").GetString() + ": " + c.GetProperty("detail").GetString()).ToList();
        Assert.True(invariants.GetProperty("intact").GetBoolean(), string.Join("; ", broken));
        Assert.True(invariants.GetProperty("checks").GetArrayLength() >= 8);
    }

    [Fact]
    public async Task RunAsync_InvalidOptions_ThrowsArgumentExceptionListingEveryProblemBeforeStarting()
    {
        var options = new DevnetOptions { Units = 0, BatchSize = 0, SpotCheckRate = 1.5, MaxBlocks = 1 };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => DevnetRunner.RunAsync(options));

        Assert.Contains("--units", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--batch-size", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--spot-check-rate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--max-blocks", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DefaultOptions_HasNoErrors()
    {
        Assert.Empty(new DevnetOptions().Validate());
        Assert.Single(new DevnetOptions { CheatOffset = -1 }.Validate());
    }
}
