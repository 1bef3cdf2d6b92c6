using System.CommandLine;
using Phoenix.Devnet;
using Spectre.Console;

// 1. The command line.
var units = new Option<int>("--units") { Description = "Passages to embed (one unit each).", DefaultValueFactory = _ => 200 };
var batch = new Option<int>("--batch-size") { Description = "Units per claimed batch.", DefaultValueFactory = _ => 20 };
var rate = new Option<double>("--spot-check-rate") { Description = "Fraction of each batch a validator re-executes before attesting.", DefaultValueFactory = _ => 0.1 };
var dataDir = new Option<string?>("--data-dir") { Description = "Where the validators' data directories go (default: a temporary directory, deleted afterwards)." };
var headless = new Option<bool>("--headless") { Description = "No live view; print only the summary." };
var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
var live = new Option<bool>("--live") { Description = "Run the job on 4 real nodes talking gRPC on loopback, on the wall clock (slower than the default virtual clock), then exit." };
var keepRunning = new Option<bool>("--keep-running") { Description = "Like --live, then keep the network up with its gRPC endpoints printed until Ctrl+C." };
var port = new Option<int>("--port") { Description = "With --live or --keep-running: validator i listens on port + i (default: free ports the system picks)." };
var root = new RootCommand("A local Phoenix network doing real ONNX work: validators, miners (one cheats), an auditor and a buyer.")
{
    units, batch, rate, dataDir, headless, json, live, keepRunning, port,
};

// 2. The run: live view unless headless, then the settlement table or JSON; exit 0 only when it settled with every
//    invariant intact (with --keep-running: after Ctrl+C has shut the network down cleanly).
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new DevnetOptions
    {
        Units = parse.GetValue(units), BatchSize = parse.GetValue(batch), SpotCheckRate = parse.GetValue(rate), DataDir = parse.GetValue(dataDir),
        Headless = parse.GetValue(headless), Json = parse.GetValue(json), Live = parse.GetValue(live), KeepRunning = parse.GetValue(keepRunning), Port = parse.GetValue(port),
    };
    if (options.Validate() is { Count: > 0 } errors)
    {
        await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, errors));
        return 2;
    }

    try
    {
        var summary = await DevnetApp.RunAsync(options, AnsiConsole.Console, cancellationToken);
        return summary.Completed && summary.Invariants.Intact ? 0 : 1;
    }
    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
    {
        await Console.Error.WriteLineAsync("Cancelled before the job settled.");
        return 130;
    }
});

// 3. Go. Ctrl+C cancels the token; stopping 4 nodes takes a few seconds, so allow more than the default 2 s.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
