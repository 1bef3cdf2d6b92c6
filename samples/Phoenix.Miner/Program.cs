using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Phoenix.Apps;
using Phoenix.Miner;
using Phoenix.Sdk.Client;

// 1. `init`: a wallet (new or recovered mnemonic), its encrypted keystore, and miner.json.
var initHome = new Option<string>("--home") { Description = "The miner's home directory.", Required = true };
var mnemonic = new Option<string?>("--mnemonic") { Description = "Recover this BIP-39 phrase instead of generating a new one." };
var passwordFile = new Option<string?>("--password-file") { Description = $"A file whose first line is the keystore password (default: ${AppHome.PasswordVariable})." };
var initNodes = new Option<string[]>("--node") { Description = "A node endpoint to write into miner.json (repeatable).", DefaultValueFactory = _ => ["http://127.0.0.1:26657"], AllowMultipleArgumentsPerToken = true };
var init = new Command("init", "Create a miner wallet, its encrypted keystore and miner.json.") { initHome, mnemonic, passwordFile, initNodes };
init.SetAction(async (parse, ct) => await Run(async () =>
{
    var dir = Path.GetFullPath(parse.GetValue(initHome)!);
    var config = new JsonObject
    {
        ["Phoenix"] = new JsonObject { ["Client"] = new JsonObject { ["Endpoints"] = new JsonArray([.. AppHome.Endpoints(new JsonObject(), parse.GetValue(initNodes)).Select(u => JsonValue.Create(u.ToString()))]) } },
        ["Miner"] = new JsonObject
        {
            ["MaxBatchUnits"] = 16,
            ["Executors"] = new JsonArray(
                new JsonObject { ["kind"] = ExecutorLoader.OnnxKind },
                // An example third-party kind (samples/Phoenix.Workloads.Sample): copy its dll under plugins/ and set enabled to true.
                new JsonObject { ["assembly"] = "plugins/Phoenix.Workloads.Sample.dll", ["type"] = "Phoenix.Workloads.Sample.Int8MatVecExecutor", ["enabled"] = false }),
        },
    };
    var (address, fresh) = await AppHome.InitializeAsync(dir, "miner.json", config, parse.GetValue(mnemonic), AppHome.ReadPassword(parse.GetValue(passwordFile)), ct);
    Console.WriteLine($"{dir}: miner {address}");
    if (fresh is not null)
    {
        Console.WriteLine($"new mnemonic (write it down; it is shown once): {fresh}");
    }
}));

// 2. `start`: the MinerAgent on the Generic Host, with the executors miner.json lists.
var home = new Option<string>("--home") { Description = "The miner's home directory (from init).", Required = true };
var nodes = new Option<string[]>("--node") { Description = "A node endpoint, overriding miner.json (repeatable).", AllowMultipleArgumentsPerToken = true };
var startPassword = new Option<string?>("--password-file") { Description = $"A file whose first line is the keystore password (default: ${AppHome.PasswordVariable})." };
var start = new Command("start", "Mine until Ctrl+C.") { home, nodes, startPassword };
start.SetAction(async (parse, ct) => await Run(async () =>
{
    var dir = Path.GetFullPath(parse.GetValue(home)!);
    var config = AppHome.ReadConfig(dir, "miner.json");
    var endpoints = AppHome.Endpoints(config, parse.GetValue(nodes));
    var entries = ExecutorLoader.ReadEntries(config);
    var wallet = await AppHome.LoadWalletAsync(dir, AppHome.ReadPassword(parse.GetValue(startPassword)), ct);

    var builder = Host.CreateApplicationBuilder();
    var kinds = ExecutorLoader.Register(builder.Services, entries, dir);
    builder.Services.AddSingleton(wallet);
    builder.Services.AddPhoenixClient(o =>
    {
        foreach (var e in endpoints)
        {
            o.Endpoints.Add(e);
        }
    });
    var maxBatch = config["Miner"]?["MaxBatchUnits"]?.GetValue<int>() ?? 16;
    builder.Services.AddMinerAgent(wallet, o => o.MaxBatchUnits = maxBatch);
    using var host = builder.Build();
    Console.WriteLine($"miner {wallet.Address} on {string.Join(", ", endpoints)}; executors: {string.Join(", ", kinds)}");
    await host.RunAsync(ct);
}));

// 3. Go.
return await new RootCommand("A Phoenix miner.") { init, start }.Parse(args).InvokeAsync();

// Typed configuration errors are a message and exit code 2, not a stack trace.
static async Task<int> Run(Func<Task> action)
{
    try
    {
        await action();
        return 0;
    }
    catch (Exception e) when (e is AppConfigurationException or ExecutorLoadException or Phoenix.Sdk.PhoenixException)
    {
        await Console.Error.WriteLineAsync("error: " + e.Message);
        return 2;
    }
}
