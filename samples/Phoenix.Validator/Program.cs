using System.CommandLine;
using Phoenix.Node;
using Phoenix.Node.CometBft;
using Phoenix.Node.Hosting;
using Phoenix.Protocol.Primitives;

// 1. `init`: keys and one shared genesis for one or more validator home directories.
var homes = new Option<string[]>("--home") { Description = "A validator home directory (repeat for each validator of a new network).", Required = true, AllowMultipleArgumentsPerToken = true };
var chainId = new Option<string>("--chain-id") { Description = "The chain id.", DefaultValueFactory = _ => "phoenix-local-1" };
var init = new Command("init", "Write keys and a shared genesis into validator home directories.") { homes, chainId };
init.SetAction(parse =>
{
    var dirs = parse.GetValue(homes)!;
    foreach (var v in ValidatorNetwork.Initialize(parse.GetValue(chainId)!, Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), dirs))
    {
        Console.WriteLine($"{v.HomeDirectory}: node id {v.NodeId}, operator {v.Operator.ToPublicKey().Address}");
    }

    return 0;
});

// 2. `start`: the node host on one HTTP/2 port (p2p, API, blobs) with a peer list, or the application behind CometBFT.
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
var start = new Command("start", "Run the validator until Ctrl+C.") { home, listen, peers, consensus, abci };
start.SetAction(async (parse, ct) =>
{
    var dir = Path.GetFullPath(parse.GetValue(home)!);
    if (parse.GetValue(consensus) == "cometbft")
    {
        await CometBftValidatorHost.RunAsync(new CometBftHostOptions { DataDirectory = Path.Combine(dir, "data"), Abci = new CometBftOptions { Address = parse.GetValue(abci)! } }, null, ct);
        return 0;
    }

    var builder = WebApplication.CreateBuilder();
    builder.AddPhoenixNode(o =>
    {
        o.HomeDirectory = dir;
        o.ListenUrl = parse.GetValue(listen)!;
        foreach (var p in parse.GetValue(peers) ?? [])
        {
            var (id, url) = (p[..p.IndexOf('@', StringComparison.Ordinal)], p[(p.IndexOf('@', StringComparison.Ordinal) + 1)..]);
            o.Consensus.Peers[id] = url;
            o.Peers.Add(url);
        }
    });
    var app = builder.Build();
    app.MapPhoenixNode();
    Console.WriteLine($"validator {dir} listening on {parse.GetValue(listen)} (gRPC: p2p, node API, blobs)");
    await app.RunAsync(ct);
    return 0;
});

// 3. Go.
return await new RootCommand("A Phoenix validator.") { init, start }.Parse(args).InvokeAsync();
