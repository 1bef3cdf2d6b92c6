using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Phoenix.Apps;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tasks;

// Every command but init works on a home directory (keystore + buyer.json) and may override the node.
var home = new Option<string>("--home") { Description = "The buyer's home directory.", Required = true, Recursive = true };
var passwordFile = new Option<string?>("--password-file") { Description = $"A file whose first line is the keystore password (default: ${AppHome.PasswordVariable}).", Recursive = true };
var nodes = new Option<string[]>("--node") { Description = "A node endpoint (init: written into buyer.json; other commands: overrides it). Repeatable.", AllowMultipleArgumentsPerToken = true, Recursive = true };

// 1. `init`: a wallet (new or recovered mnemonic), its encrypted keystore, and buyer.json.
var mnemonic = new Option<string?>("--mnemonic") { Description = "Recover this BIP-39 phrase instead of generating a new one." };
var init = new Command("init", "Create a buyer wallet, its encrypted keystore and buyer.json.") { mnemonic };
init.SetAction(async (parse, ct) => await Run(async () =>
{
    var dir = Path.GetFullPath(parse.GetValue(home)!);
    var given = parse.GetValue(nodes) is { Length: > 0 } n ? n : ["http://127.0.0.1:26657"];
    var config = new JsonObject
    {
        ["Phoenix"] = new JsonObject { ["Client"] = new JsonObject { ["Endpoints"] = new JsonArray([.. AppHome.Endpoints(new JsonObject(), given).Select(u => JsonValue.Create(u.ToString()))]) } },
    };
    var (address, fresh) = await AppHome.InitializeAsync(dir, "buyer.json", config, parse.GetValue(mnemonic), AppHome.ReadPassword(parse.GetValue(passwordFile)), ct);
    Console.WriteLine($"{dir}: buyer {address}");
    if (fresh is not null)
    {
        Console.WriteLine($"new mnemonic (write it down; it is shown once): {fresh}");
    }
}));

// 2. `burn`: PHNX -> SPARK at the oracle price, with a slippage guard against the price the buyer expects.
var phnx = new Option<string>("--phnx") { Description = "PHNX to burn: whole PHNX (e.g. 10) or base units (e.g. 2500000uphnx).", Required = true };
var slippage = new Option<uint>("--max-slippage-bps") { Description = "Most the mint may fall short of the expected SPARK, in basis points (0 to 10000).", DefaultValueFactory = _ => 100 };
slippage.Validators.Add(r => { if (r.GetValueOrDefault<uint>() > 10_000) { r.AddError("--max-slippage-bps is 0 to 10000."); } });
var expectedPrice = new Option<ulong?>("--price-micro-usd") { Description = "The PHNX/USD price you expect, in micro-USD per PHNX (default: the chain's current oracle price, read with a proof)." };
var burn = new Command("burn", "Burn PHNX for SPARK (1 SPARK = 0.01 USD).") { phnx, slippage, expectedPrice };
burn.SetAction(async (parse, ct) => await Run(async () =>
{
    var amount = ParseAmount(parse.GetValue(phnx)!, Denom.Phnx, "--phnx");
    var (client, wallet) = await Connect(parse, "buyer.json", ct);
    using (client)
    using (wallet)
    {
        var price = parse.GetValue(expectedPrice);
        if (price is null)
        {
            var oracle = await client.GetOraclePriceAsync(ct);
            if (!oracle.IsValid)
            {
                throw new OraclePriceUnavailableException($"The chain has no valid oracle price at height {oracle.Height} (reports cover {oracle.CoveredPower} of {oracle.TotalPower} voting power): minting is refused until validators report; try again, or pass --price-micro-usd.");
            }

            price = oracle.PriceMicroUsd;
            Console.WriteLine($"oracle price {price} micro-USD/PHNX at height {oracle.Height}");
        }

        var expected = amount.Value * price.Value / 10_000;
        var minOut = new Amount(expected * (10_000 - parse.GetValue(slippage)) / 10_000, Denom.Spark);
        var result = await client.BurnForSparkAsync(wallet, amount, minOut, ct);
        Console.WriteLine($"burned {amount} (min out {minOut}) in tx {result.TxHash} at height {result.Height}; balance {await client.GetBalanceAsync(wallet.Address, Denom.Spark, cancellationToken: ct)}");
    }
}));

// 3. `post`: upload a model and one input blob per unit, escrow SPARK, print the task id.
var model = new Option<FileInfo>("--model") { Description = "The model file (ONNX for onnx/v1).", Required = true };
var inputs = new Option<DirectoryInfo>("--inputs") { Description = "A directory of input files, one unit each, in file-name order.", Required = true };
var price = new Option<string>("--price-per-unit") { Description = "SPARK per unit: whole SPARK or base units (e.g. 5000uspark).", Required = true };
var attestations = new Option<uint>("--attestations") { Description = "Attestations required per batch (1 to 16).", DefaultValueFactory = _ => 1 };
var kind = new Option<string>("--kind") { Description = "The workload kind.", DefaultValueFactory = _ => "onnx/v1" };
var autoBurn = new Option<bool>("--auto-burn") { Description = "Burn PHNX for missing SPARK before posting." };
var maxPhnx = new Option<string?>("--max-phnx") { Description = "With --auto-burn: the most PHNX to burn." };
var minPrice = new Option<ulong>("--min-price-micro-usd") { Description = "With --auto-burn: the lowest PHNX/USD oracle price accepted (micro-USD)." };
var post = new Command("post", "Post a task and print its id.") { model, inputs, price, attestations, kind, autoBurn, maxPhnx, minPrice };
post.SetAction(async (parse, ct) => await Run(async () =>
{
    var modelFile = parse.GetValue(model)!;
    var inputDir = parse.GetValue(inputs)!;
    if (!modelFile.Exists || !inputDir.Exists)
    {
        throw new AppConfigurationException(!modelFile.Exists ? $"model file '{modelFile}' does not exist." : $"inputs directory '{inputDir}' does not exist.");
    }

    var files = inputDir.GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    if (files.Count == 0)
    {
        throw new AppConfigurationException($"inputs directory '{inputDir}' has no files.");
    }

    var request = new TaskRequest
    {
        Kind = parse.GetValue(kind)!,
        Model = await File.ReadAllBytesAsync(modelFile.FullName, ct),
        Inputs = [.. await Task.WhenAll(files.Select(async f => (ReadOnlyMemory<byte>)await File.ReadAllBytesAsync(f.FullName, ct)))],
        PricePerUnit = ParseAmount(parse.GetValue(price)!, Denom.Spark, "--price-per-unit"),
        AttestationsRequired = parse.GetValue(attestations),
    };
    if (parse.GetValue(autoBurn))
    {
        if (parse.GetValue(maxPhnx) is not { } max || parse.GetValue(minPrice) == 0)
        {
            throw new AppConfigurationException("--auto-burn needs --max-phnx and --min-price-micro-usd.");
        }

        request.Purchase = new SparkPurchase(parse.GetValue(minPrice), ParseAmount(max, Denom.Phnx, "--max-phnx"));
    }

    var (client, wallet) = await Connect(parse, "buyer.json", ct);
    using (client)
    using (wallet)
    {
        var handle = await client.PostTaskAsync(wallet, request, ct);
        var dir = Path.Combine(Path.GetFullPath(parse.GetValue(home)!), "tasks");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, $"{handle.TaskId}.json"), new JsonObject { ["taskId"] = handle.TaskId, ["postedHeight"] = handle.PostedHeight, ["units"] = handle.Units }.ToJsonString(), ct);
        Console.WriteLine(handle.TaskId);
    }
}));

// 4. `status`: the task's state and unit counts.
var taskId = new Option<ulong>("--task") { Description = "The task id.", Required = true };
var status = new Command("status", "Show a task's state and unit counts.") { taskId };
status.SetAction(async (parse, ct) => await Run(async () =>
{
    var (client, wallet) = await Connect(parse, "buyer.json", ct);
    using (client)
    using (wallet)
    {
        var id = parse.GetValue(taskId);
        var info = await client.GetTaskAsync(id, ct) ?? throw new AppConfigurationException($"there is no task {id}.");
        Console.WriteLine($"task {info.Id} ({info.Kind}): {info.Status}{(info.IsComplete ? ", complete" : string.Empty)}");
        Console.WriteLine($"units {info.Units}: open {info.OpenUnits}, in progress {(long)info.LiveUnits - info.OpenUnits}, finalized {info.FinalizedUnits}, refunded {info.RefundedUnits}");
        Console.WriteLine($"price {info.PricePerUnit}/unit, attestations {info.AttestationsRequired}, deadline {info.Deadline:u}");
    }
}));

// 5. `results`: download every finalized unit's output, each verified against its content id.
var outDir = new Option<DirectoryInfo>("--out") { Description = "Where to write <unit>.bin files.", Required = true };
var results = new Command("results", "Download a task's verified outputs.") { taskId, outDir };
results.SetAction(async (parse, ct) => await Run(async () =>
{
    var (client, wallet) = await Connect(parse, "buyer.json", ct);
    using (client)
    using (wallet)
    {
        var id = parse.GetValue(taskId);
        var info = await client.GetTaskAsync(id, ct) ?? throw new AppConfigurationException($"there is no task {id}.");
        var saved = Path.Combine(Path.GetFullPath(parse.GetValue(home)!), "tasks", $"{id}.json");
        var height = File.Exists(saved) ? JsonNode.Parse(await File.ReadAllTextAsync(saved, ct))!["postedHeight"]!.GetValue<long>() : 1;
        var outputs = await client.GetTaskHandle(id, height, info.Units).DownloadResultsAsync(ct);
        var dir = parse.GetValue(outDir)!;
        dir.Create();
        foreach (var o in outputs)
        {
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, $"{o.Unit.ToString(CultureInfo.InvariantCulture)}.bin"), o.Output.ToArray(), ct);
        }

        Console.WriteLine($"{outputs.Count} of {info.Units} units written to {dir.FullName} (verified)");
    }
}));

// Go.
return await new RootCommand("A Phoenix buyer.") { home, passwordFile, nodes, init, burn, post, status, results }.Parse(args).InvokeAsync();

async Task<(PhoenixClient Client, Phoenix.Sdk.Wallets.Wallet Wallet)> Connect(ParseResult parse, string configFile, CancellationToken ct)
{
    var dir = Path.GetFullPath(parse.GetValue(home)!);
    var endpoints = AppHome.Endpoints(AppHome.ReadConfig(dir, configFile), parse.GetValue(nodes));
    var wallet = await AppHome.LoadWalletAsync(dir, AppHome.ReadPassword(parse.GetValue(passwordFile)), ct);
    return (AppHome.CreateClient(endpoints), wallet);
}

// Whole tokens ("10") or the base-unit text form ("2500000uphnx") in the expected denomination.
static Amount ParseAmount(string text, Denom denom, string option) =>
    ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var tokens) ? Amount.FromTokens(tokens, denom)
    : Amount.TryParse(text, CultureInfo.InvariantCulture, out var a) && a.Denom == denom ? a
    : throw new AppConfigurationException($"{option} '{text}' is neither a whole number of tokens nor an amount in {denom}.");

// Typed configuration errors are a message and exit code 2, not a stack trace.
static async Task<int> Run(Func<Task> action)
{
    try
    {
        await action();
        return 0;
    }
    catch (Exception e) when (e is AppConfigurationException or Phoenix.Sdk.PhoenixException or OraclePriceUnavailableException)
    {
        await Console.Error.WriteLineAsync("error: " + e.Message);
        return 2;
    }
}

/// <summary>The chain has no valid oracle price, so a burn without <c>--price-micro-usd</c> cannot set its slippage guard.</summary>
internal sealed class OraclePriceUnavailableException(string message) : Exception(message);
