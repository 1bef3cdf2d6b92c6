using System.Text.Json;
using Phoenix.Devnet.Agents;
using Phoenix.Devnet.Chain;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Phoenix.Devnet.Reporting;

/// <summary>The live view (Spectre.Console) and the final settlement table or JSON.</summary>
public static class ConsoleView
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The banner shown before the run.</summary>
    /// <param name="options">The run's options.</param>
    /// <returns>The renderable.</returns>
    public static IRenderable Banner(DevnetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var p = DevnetGenesis.Parameters;
        return new Panel(new Markup(
            $"[bold]Phoenix devnet[/]: 4 validators (embedded Tendermint engine), 2 honest miners, 1 cheating miner, an auditor, a market maker and a buyer.\n" +
            $"Job: embed {options.Units} passages with all-MiniLM-L6-v2 (ONNX Runtime, exact verification), {options.BatchSize} units per batch.\n" +
            $"[yellow]Shortened devnet clock[/]: challenge window {p.ChallengeWindowSeconds} s (mainnet 2 h), dispute move timeout {p.DisputeMoveTimeoutSeconds} s (1 h), " +
            $"buy-back every {p.BuyBackEpochSeconds} s (hourly). Chain time is virtual: blocks come as fast as the work allows."))
            .Header("phoenix-devnet-1");
    }

    /// <summary>The live view after a block.</summary>
    /// <param name="progress">The state after the block.</param>
    /// <returns>The renderable.</returns>
    public static IRenderable Live(DevnetProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var view = progress.View;
        var units = new Dictionary<UnitState, int>();
        foreach (var task in view.Tasks)
        {
            for (uint u = 0; u < task.Units; u++)
            {
                var s = view.Unit(task.Id, u).State;
                units[s] = units.GetValueOrDefault(s) + 1;
            }
        }

        var chain = new Grid().AddColumn().AddColumn();
        chain.AddRow("[bold]height[/]", view.Height.ToString(System.Globalization.CultureInfo.InvariantCulture));
        chain.AddRow("[bold]chain time[/]", $"+{view.Time.Seconds - 1_767_225_600} s");
        chain.AddRow("[bold]oracle[/]", view.Price.IsValid ? $"{view.Price.PriceMicroUsd / 1e6:0.00} USD/PHNX" : "stale");
        chain.AddRow("[bold]units[/]", string.Join("  ", Enum.GetValues<UnitState>().Select(s => $"{s}: {units.GetValueOrDefault(s)}")));
        chain.AddRow("[bold]disputes[/]", $"open {view.Disputes.Count(d => d.Phase != 0)}, resolved {progress.Ledger.Disputes.Count}, slashes {progress.Ledger.Slashes.Count}");
        chain.AddRow("[bold]burned[/]", $"{Fmt.Tokens(progress.Ledger.PhnxBurnedByMinting)} PHNX by minting, {Fmt.Tokens(progress.Ledger.PhnxBurnedByBuyBack)} PHNX by buy-back");

        var balances = new Table().Border(TableBorder.Simple).AddColumns("participant", "PHNX", "SPARK", "bTASK");
        foreach (var (name, _, address) in progress.Participants)
        {
            balances.AddRow(name, Fmt.Tokens(view.Balance(address, Denom.Phnx)), Fmt.Tokens(view.Balance(address, Denom.Spark)), Fmt.Tokens(view.Balance(address, Denom.BTask)));
        }

        var activity = new Rows(progress.Log.Tail(10).Select(l => new Text(l)).ToArray());
        return new Rows(new Panel(chain).Header("chain"), balances, new Panel(activity).Header("activity"));
    }

    /// <summary>Writes the settlement table.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="summary">The summary.</param>
    public static void WriteSettlement(IAnsiConsole console, DevnetSummary summary)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(summary);
        console.Write(new Rule($"[bold]Settlement[/] at height {summary.Height} (+{summary.ChainSeconds} s chain time, {summary.WallSeconds} s wall)"));
        var people = new Table().AddColumns("participant", "role", "units paid", "bTASK minted", "SPARK redeemed", "PHNX", "SPARK", "slashed");
        foreach (var p in summary.Participants)
        {
            people.AddRow(p.Name, p.Role, p.UnitsPaid.ToString(System.Globalization.CultureInfo.InvariantCulture), Tok(p.BTaskMinted), Tok(p.SparkRedeemed), Tok(p.Phnx), Tok(p.Spark),
                p.Slashed == 0 ? "-" : $"[red]{p.Slashed}×[/]");
        }

        console.Write(people);
        var f = summary.Flows;
        var flows = new Table().AddColumns("flow", "amount");
        flows.AddRow("PHNX burned by minting SPARK", Tok(f.PhnxBurnedByMinting) + " PHNX");
        flows.AddRow("SPARK minted", Tok(f.SparkMinted) + " SPARK");
        flows.AddRow("bTASK minted to miners / redeemed", $"{Tok(f.BTaskMinted)} / {Tok(f.BTaskRedeemed)} bTASK");
        flows.AddRow("SPARK paid to miners from escrow", Tok(f.SparkPaidToMiners) + " SPARK");
        flows.AddRow("fees to attesters / to buy-back pool", $"{Tok(f.FeesToAttesters)} / {Tok(f.FeesToBuyBack)} SPARK");
        flows.AddRow($"buy-back ({f.BuyBackEpochs} epochs): SPARK spent, PHNX burned", $"{Tok(f.BuyBackSparkSpent)} SPARK, {Tok(f.PhnxBurnedByBuyBack)} PHNX");
        flows.AddRow("units finalized / refunded / results verified by the buyer", $"{summary.UnitsFinalized} / {summary.UnitsRefunded} / {summary.ResultsVerified} of {summary.Units}");
        console.Write(flows);
        var slashes = new Table().AddColumns("dispute", "slashed", "amount", "to");
        foreach (var s in summary.Slashes)
        {
            slashes.AddRow(s.DisputeId.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Who, s.Amount, s.To);
        }

        console.Write(slashes.Title("slashes"));
        var inv = new Table().AddColumns("invariant", "", "detail");
        foreach (var c in summary.Invariants.Checks)
        {
            inv.AddRow(Markup.Escape(c.Name), c.Ok ? "[green]ok[/]" : "[red]BROKEN[/]", Markup.Escape(c.Detail));
        }

        console.Write(inv);
        console.MarkupLine(summary.Completed && summary.Invariants.Intact
            ? "[green]The job settled and every invariant holds.[/]"
            : "[red]The job did not settle, or an invariant is broken.[/]");
    }

    /// <summary>The summary as JSON.</summary>
    /// <param name="summary">The summary.</param>
    /// <returns>Indented camel-case JSON.</returns>
    public static string ToJson(DevnetSummary summary) => JsonSerializer.Serialize(summary, JsonOptions);

    private static string Tok(string baseUnits) => Fmt.Tokens(UInt128.Parse(baseUnits, System.Globalization.CultureInfo.InvariantCulture));
}
