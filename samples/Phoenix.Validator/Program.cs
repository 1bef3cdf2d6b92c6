using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Phoenix.Compute.Hosting;
using Phoenix.Node;
using Phoenix.Node.CometBft;
using Phoenix.Node.Hosting;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Wallets;

// The validator's local config file in its home directory (node options and the agent).
const string ConfigFile = "validator.json";

// 1. `init`: keys, one shared genesis and a validator.json for one or more validator home directories.
var homes = new Option<string[]>("--home") { Description = "A validator home directory (repeat for each validator of a new network).", Required = true, AllowMultipleArgumentsPerToken = true };
var chainId = new Option<string>("--chain-id") { Description = "The chain id.", DefaultValueFactory = _ => "phoenix-local-1" };
var accounts = new Option<string[]>("--account") { Description = "A genesis account: <phx address>=<amount>[,<amount>…] in base units, e.g. phx1…=1000000000uphnx,50000000uspark (repeatable).", AllowMultipleArgumentsPerToken = true };
accounts.Validators.Add(r =>
{
    foreach (var a in r.GetValueOrDefault<string[]>() ?? [])
    {
        if (ParseAccount(a) is null)
        {
            r.AddError($"--account '{a}' is not <phx address>=<amount>[,<amount>…] with amounts such as 1000000uphnx.");
        }
    }
});
var challengeWindow = PositiveSeconds("--challenge-window-seconds", "How long an attested batch can be challenged", ChainParameters.Default.ChallengeWindowSeconds);
var disputeMove = PositiveSeconds("--dispute-move-timeout-seconds", "How long a dispute party has for each bisection move", ChainParameters.Default.DisputeMoveTimeoutSeconds);
var disputeVoting = PositiveSeconds("--dispute-voting-seconds", "How long a dispute's committee vote lasts", ChainParameters.Default.DisputeVotingSeconds);
var oracleStaleness = PositiveSeconds("--oracle-staleness-seconds", "How old a validator's price report may be and still count", ChainParameters.Default.OracleStalenessSeconds);
var buyBackEpoch = PositiveSeconds("--buy-back-epoch-seconds", "The buy-back auction period", ChainParameters.Default.BuyBackEpochSeconds);
var initPrice = new Option<ulong?>("--price-micro-usd") { Description = "The PHNX/USD price (micro-USD per PHNX) each validator's agent reports to the oracle and sizes attestation stakes with (written to validator.json; omit to report nothing and attest nothing)." };
var spotCheck = new Option<double>("--spot-check-rate") { Description = "Probability that the validator's agent re-executes each unit before attesting (validator.json).", DefaultValueFactory = _ => 0.1 };
spotCheck.Validators.Add(r => { if (r.GetValueOrDefault<double>() is < 0 or > 1) { r.AddError("--spot-check-rate is 0 to 1."); } });
var init = new Command("init", "Write keys, a shared genesis and validator.json into validator home directories.")
{
    homes, chainId, accounts, challengeWindow, disputeMove, disputeVoting, oracleStaleness, buyBackEpoch, initPrice, spotCheck,
};
init.SetAction(parse =>
{
    var dirs = parse.GetValue(homes)!;
    var parameters = ChainParameters.Default with
    {
        ChallengeWindowSeconds = parse.GetValue(challengeWindow),
        DisputeMoveTimeoutSeconds = parse.GetValue(disputeMove),
        DisputeVotingSeconds = parse.GetValue(disputeVoting),
        OracleStalenessSeconds = parse.GetValue(oracleStaleness),
        BuyBackEpochSeconds = parse.GetValue(buyBackEpoch),
    };
    if (parameters.Validate() is { Count: > 0 } errors)
    {
        Console.Error.WriteLine("error: " + string.Join(" ", errors));
        return 2;
    }

    var extra = (parse.GetValue(accounts) ?? []).Select(a => ParseAccount(a)!.Value).ToList();
    IReadOnlyList<ValidatorHome> written;
    try
    {
        written = ValidatorNetwork.Initialize(parse.GetValue(chainId)!, Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), dirs, g =>
        {
            g.WithParameters(parameters);
            foreach (var (address, amounts) in extra)
            {
                g.AddAccount(address, amounts);
            }
        });
    }
    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
    {
        Console.Error.WriteLine("error: " + e.Message);
        return 2;
    }

    foreach (var v in written)
    {
        var agent = new JsonObject { ["Enabled"] = true, ["SpotCheckRate"] = parse.GetValue(spotCheck) };
        if (parse.GetValue(initPrice) is { } p)
        {
            agent["PriceMicroUsd"] = p;
        }

        var config = new JsonObject
        {
            ["Phoenix"] = new JsonObject { ["Node"] = new JsonObject { ["Moniker"] = "validator-" + v.NodeId[..8] } },
            ["Validator"] = new JsonObject { ["Agent"] = agent },
        };
        File.WriteAllText(Path.Combine(v.HomeDirectory, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"{v.HomeDirectory}: node id {v.NodeId}, operator {v.Operator.ToPublicKey().Address}");
    }

    return 0;
});

// 2. `start`: the node host on one HTTP/2 port (p2p, API, blobs) with a peer list and, unless disabled in
//    validator.json, the validator agent (oracle price reports, spot checks with the ONNX verifier, attestations,
//    challenges); or the application behind CometBFT.
var home = new Option<string>("--home") { Description = "The validator's home directory (from init).", Required = true };
var listen = new Option<string>("--listen") { Description = "Listen URL for p2p, API and blobs.", DefaultValueFactory = _ => "http://127.0.0.1:26657" };
var peers = new Option<string[]>("--peer") { Description = "Another validator as <node id>@<url> (repeatable; init prints the node ids).", AllowMultipleArgumentsPerToken = true };
peers.Validators.Add(r =>
{
    foreach (var p in r.GetValueOrDefault<string[]>() ?? [])
    {
        if (p.Split('@') is not [{ Length: > 0 }, var url] || !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            r.AddError($"--peer '{p}' is not <node id>@<absolute url>.");
        }
    }
});
var consensus = new Option<string>("--consensus") { Description = "embedded (default) or cometbft.", DefaultValueFactory = _ => "embedded" };
consensus.AcceptOnlyFromAmong("embedded", "cometbft");
var abci = new Option<string>("--abci") { Description = "With --consensus cometbft: the ABCI listener, tcp://host:port or unix:///path.", DefaultValueFactory = _ => "tcp://127.0.0.1:26658" };
var noAgent = new Option<bool>("--no-agent") { Description = "Run the node only, without the validator agent (overrides validator.json)." };
var start = new Command("start", "Run the validator until Ctrl+C.") { home, listen, peers, consensus, abci, noAgent };
start.SetAction(async (parse, ct) =>
{
    var dir = Path.GetFullPath(parse.GetValue(home)!);
    if (parse.GetValue(consensus) == "cometbft")
    {
        await CometBftValidatorHost.RunAsync(new CometBftHostOptions { DataDirectory = Path.Combine(dir, "data"), Abci = new CometBftOptions { Address = parse.GetValue(abci)! } }, null, ct);
        return 0;
    }

    var builder = WebApplication.CreateBuilder();
    builder.Configuration.AddJsonFile(Path.Combine(dir, ConfigFile), optional: true, reloadOnChange: false);
    var listenUrl = parse.GetValue(listen)!;
    builder.AddPhoenixNode(o =>
    {
        o.HomeDirectory = dir;
        o.ListenUrl = listenUrl;
        foreach (var p in parse.GetValue(peers) ?? [])
        {
            var (id, url) = (p[..p.IndexOf('@', StringComparison.Ordinal)], p[(p.IndexOf('@', StringComparison.Ordinal) + 1)..]);
            o.Consensus.Peers[id] = url;
            o.Peers.Add(url);
        }
    });

    var agent = builder.Configuration.GetSection("Validator:Agent");
    var agentOn = !parse.GetValue(noAgent) && agent.GetValue("Enabled", false);
    Wallet? wallet = null;
    if (agentOn)
    {
        var operatorKey = ValidatorKeyFile.Read(Path.Combine(dir, ValidatorNetwork.OperatorKeyFileName));
        wallet = Wallet.FromPrivateKey(operatorKey.SeedBytes());
        var price = agent.GetValue<ulong?>("PriceMicroUsd");
        var rate = agent.GetValue("SpotCheckRate", 0.1);
        var interval = TimeSpan.FromSeconds(agent.GetValue("PriceReportIntervalSeconds", 60));
        builder.Services.AddOnnxWorkloads();
        builder.Services.AddPhoenixClient(o => o.Endpoints.Add(new Uri(listenUrl)));
        builder.Services.AddValidatorAgent(wallet, o =>
        {
            o.SpotCheckRate = rate;
            o.PriceSource = price is { } fixedPrice ? () => fixedPrice : null;
            o.PriceReportInterval = interval;
        });
    }

    var app = builder.Build();
    app.MapPhoenixNode();
    Console.WriteLine($"validator {dir} listening on {listenUrl} (gRPC: p2p, node API, blobs); agent {(agentOn ? "operator " + wallet!.Address : "off")}");
    try
    {
        await app.RunAsync(ct);
    }
    finally
    {
        wallet?.Dispose();
    }

    return 0;
});

// 3. Go.
return await new RootCommand("A Phoenix validator.") { init, start }.Parse(args).InvokeAsync();

static Option<long> PositiveSeconds(string name, string what, long defaultValue)
{
    var o = new Option<long>(name) { Description = $"{what}, in seconds (genesis parameter; default {defaultValue.ToString(CultureInfo.InvariantCulture)} as in DESIGN).", DefaultValueFactory = _ => defaultValue };
    o.Validators.Add(r => { if (r.GetValueOrDefault<long>() <= 0) { r.AddError($"{name} must be positive."); } });
    return o;
}

static (Address Address, Amount[] Amounts)? ParseAccount(string text)
{
    if (text.Split('=') is not [var a, var list] || !Address.TryParse(a, CultureInfo.InvariantCulture, out var address))
    {
        return null;
    }

    var amounts = new List<Amount>();
    foreach (var part in list.Split(',', StringSplitOptions.TrimEntries))
    {
        if (!Amount.TryParse(part, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        amounts.Add(amount);
    }

    return amounts.Count == 0 || amounts.Select(x => x.Denom).Distinct().Count() != amounts.Count ? null : (address, [.. amounts]);
}
