using System.Text.Json;

namespace Phoenix.IntegrationTests.Devnet;

/// <summary>What every devnet run must show in its JSON summary, whichever backend ran it.</summary>
internal static class DevnetSummaryAssertions
{
    /// <summary>
    /// Every unit paid to the miner that did it right, every miner's bTASK redeemed, the cheater slashed through a
    /// dispute decided by the committee, burns both ways, and every supply invariant intact.
    /// </summary>
    public static void AssertSettled(JsonElement root, int units)
    {
        var failed = string.Join(Environment.NewLine, root.GetProperty("failedTransactions").EnumerateArray().Select(e => e.GetString()));
        Assert.True(root.GetProperty("completed").GetBoolean(), "the job did not settle; failed transactions:" + Environment.NewLine + failed);
        Assert.Equal(units, root.GetProperty("unitsFinalized").GetInt32());
        Assert.Equal(0, root.GetProperty("unitsRefunded").GetInt32());
        Assert.Equal(units, root.GetProperty("resultsVerified").GetInt32());

        // Every unit was paid exactly once, and each miner redeemed all the bTASK it earned.
        var participants = root.GetProperty("participants").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        var miners = new[] { "miner-1", "miner-2", "cheater" }.Select(n => participants[n]).ToList();
        Assert.Equal(units, miners.Sum(m => m.GetProperty("unitsPaid").GetInt32()));
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

        // Burns happened both ways, and every invariant holds (including one app hash across the validators).
        var flows = root.GetProperty("flows");
        Assert.NotEqual("0", flows.GetProperty("phnxBurnedByMinting").GetString());
        Assert.NotEqual("0", flows.GetProperty("phnxBurnedByBuyBack").GetString());
        var invariants = root.GetProperty("invariants");
        var broken = invariants.GetProperty("checks").EnumerateArray().Where(c => !c.GetProperty("ok").GetBoolean())
            .Select(c => c.GetProperty("name").GetString() + ": " + c.GetProperty("detail").GetString()).ToList();
        Assert.True(invariants.GetProperty("intact").GetBoolean(), string.Join("; ", broken));
        Assert.True(invariants.GetProperty("checks").GetArrayLength() >= 8);
    }
}
