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
        var live = options.UsesLiveBackend;
        var p = live ? DevnetGenesis.LiveParameters : DevnetGenesis.Parameters;
        var backend = live
            ? "4 validators as real nodes (gRPC on loopback, embedded Tendermint engine)"
            : "4 validators (embedded Tendermint engine, in-process network)";
        var clock = live
            ? "Chain time is the wall clock: the validators commit about one block a second."
            : "Chain time is virtual: blocks come as fast as the work allows.";
        return new Panel(new Markup(
            $"[bold]Phoenix devnet[/]: {backend}, 2 honest miners, 1 cheating miner, an auditor, a market maker and a buyer.\n" +
            $"Job: embed {options.Units} passages with all-MiniLM-L6-v2 (ONNX Runtime, exact verification), {options.BatchSize} units per batch.\n" +
            $"[yellow]{ShortenedClock(p.ChallengeWindowSeconds, p.DisputeMoveTimeoutSeconds, p.BuyBackEpochSeconds)}[/]. {clock}"))
            .Header(DevnetGenesis.ChainId);
    }

    /// <summary>The network's endpoints, chain id and guest accounts (live backend).</summary>
    /// <param name="network">The network.</param>
    /// <param name="keepRunning">Whether the network stays up after the job.</param>
    /// <returns>The renderable.</returns>
    public static IRenderable Network(NetworkSummary network, bool keepRunning)
    {
        ArgumentNullException.ThrowIfNull(network);
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]chain id[/]", DevnetGenesis.ChainId);
        for (var i = 0; i < network.Endpoints.Count; i++)
        {
            grid.AddRow($"[bold]validator-{i}[/]", Markup.Escape(network.Endpoints[i]) + "  [dim](gRPC: NodeService, BlobService, peers)[/]");
        }

        if (network.AccountsFile is { } accounts)
        {
            grid.AddRow("[bold]guest accounts[/]", Markup.Escape(accounts) + "  [dim](addresses and mnemonics; funded in genesis)[/]");
            grid.AddRow("[bold]try[/]", Markup.Escape($"dotnet run --project samples/Phoenix.Buyer -- init --mnemonic \"<guest-buyer phrase>\" --node {(network.Endpoints.Count > 0 ? network.Endpoints[0] : "<endpoint>")}"));
        }

        grid.AddRow("[bold]homes[/]", Markup.Escape(string.Join(", ", network.Homes)));
        return new Panel(grid).Header(keepRunning ? "network (stays up after the job until Ctrl+C)" : "network");
    }

    /// <summary>What the screen says about the shortened protocol clock.</summary>
    /// <param name="challengeWindow">Challenge window, seconds.</param>
    /// <param name="moveTimeout">Dispute move timeout, seconds.</param>
    /// <param name="buyBack">Buy-back epoch, seconds.</param>
    /// <returns>One line.</returns>
    public static string ShortenedClock(long challengeWindow, long moveTimeout, long buyBack)
        => $"Shortened devnet clock: challenge window {challengeWindow} s (mainnet 2 h), dispute move timeout {moveTimeout} s (1 h), buy-back every {buyBack} s (hourly)";

    /// <summary>The live view after a block.</summary>
    /// <param name="progress">The state after the block.</param>
    /// <returns>The renderable.</returns>
    public static IRenderable Live(DevnetProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var view = progress.View;
        var units = view.UnitCounts();
        var n = progress.Network;
        var chain = new Grid().AddColumn().AddColumn();
        chain.AddRow("[bold]height[/]", view.Height.ToString(System.Globalization.CultureInfo.InvariantCulture));
        chain.AddRow("[bold]chain time[/]", $"+{view.Time.Seconds - progress.GenesisTime.Seconds} s ({(n.Clock == "live" ? "wall clock" : "virtual")})");
        chain.AddRow("[bold]clock[/]", "[yellow]" + ShortenedClock(n.ChallengeWindowSeconds, n.DisputeMoveTimeoutSeconds, n.BuyBackEpochSeconds) + "[/]");
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

    /// <summary>One line of progress, for output that is not an interactive terminal.</summary>
    /// <param name="progress">The state after a block.</param>
    /// <returns>The line (plain text).</returns>
    public static string ProgressLine(DevnetProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var view = progress.View;
        var units = view.UnitCounts();
        var ledger = progress.Ledger;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"height {view.Height}, +{view.Time.Seconds - progress.GenesisTime.Seconds} s: units {string.Join(" ", units.OrderBy(u => u.Key).Select(u => $"{u.Key} {u.Value}"))}; " +
            $"disputes open {view.Disputes.Count(d => d.Phase != 0)}, resolved {ledger.Disputes.Count}; slashes {ledger.Slashes.Count}; " +
            $"burned {Fmt.Tokens(ledger.PhnxBurnedByMinting)} PHNX by minting, {Fmt.Tokens(ledger.PhnxBurnedByBuyBack)} by buy-back");
    }

    /// <summary>Writes the settlement table.</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="summary">The summary.</param>
    public static void WriteSettlement(IAnsiConsole console, DevnetSummary summary)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(summary);
        console.Write(new Rule($"[bold]Settlement[/] at height {summary.Height} (+{summary.ChainSeconds} s {(summary.Network.Clock == "live" ? "wall-clock" : "virtual")} chain time, {summary.WallSeconds} s wall)"));
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
