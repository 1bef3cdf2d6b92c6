using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Phoenix.Node.Hosting;
using Phoenix.Sdk.Client;

namespace Phoenix.IntegrationTests.Apps;

/// <summary>
/// What the operator guide's hand-started network walkthrough does, as processes: <c>Phoenix.Miner init</c> and
/// <c>Phoenix.Buyer init</c> (wallets), <c>Phoenix.Validator init</c> for four homes with both accounts funded in
/// genesis and a short challenge window, then four <c>Phoenix.Validator start</c> processes with the peer list.
/// </summary>
public sealed partial class HandStartedNetwork : IAsyncLifetime
{
    public const int Validators = 4;
    public const ulong PriceMicroUsd = 2_000_000;
    private readonly List<AppProcess> _processes = [];

    public string Root { get; } = Directory.CreateTempSubdirectory("phx-apps-").FullName;

    public string MinerHome => Path.Combine(Root, "miner");

    public string BuyerHome => Path.Combine(Root, "buyer");

    public string[] Homes { get; } = new string[Validators];

    public int[] Ports { get; } = new int[Validators];

    public AppProcess?[] Nodes { get; } = new AppProcess?[Validators];

    public PhoenixClient[] Clients { get; } = new PhoenixClient[Validators];

    public string[] NodeIds { get; } = new string[Validators];

    public Uri Url(int i) => new($"http://127.0.0.1:{Ports[i]}");

    public async Task InitializeAsync()
    {
        // 1. Wallets first: their addresses go into genesis.
        var inits = await Task.WhenAll(
            AppProcess.RunOkAsync("Phoenix.Miner", "init", "--home", MinerHome),
            AppProcess.RunOkAsync("Phoenix.Buyer", "init", "--home", BuyerHome));
        var miner = AddressIn(inits[0], "miner");
        var buyer = AddressIn(inits[1], "buyer");

        // 2. Four validator homes sharing one genesis: the miner gets PHNX and SPARK for claim bonds, the buyer PHNX to burn.
        for (var i = 0; i < Validators; i++)
        {
            Homes[i] = Path.Combine(Root, "v" + i);
            Ports[i] = FreePort();
        }

        string[] init =
        [
            "init", .. Homes.SelectMany(h => new[] { "--home", h }),
            "--account", $"{miner}=1000000000uphnx,100000000uspark",
            "--account", $"{buyer}=1000000000uphnx",
            "--challenge-window-seconds", "5",
            "--price-micro-usd", PriceMicroUsd.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--spot-check-rate", "1",
        ];
        await AppProcess.RunOkAsync("Phoenix.Validator", init);
        for (var i = 0; i < Validators; i++)
        {
            NodeIds[i] = ValidatorKeyFile.Read(Path.Combine(Homes[i], ValidatorNetwork.ConsensusKeyFileName)).NodeId();
            Clients[i] = new PhoenixClientBuilder().AddEndpoint(Url(i)).Build();
        }

        // 3. Each validator in its own process, with the others as peers.
        for (var i = 0; i < Validators; i++)
        {
            StartValidator(i);
        }

        await WaitAsync(async () => (await Task.WhenAll(Enumerable.Range(0, Validators).Select(HeightAsync))).Min() >= 2, "four hand-started validators committing blocks");
    }

    public void StartValidator(int i)
    {
        string[] args = ["start", "--home", Homes[i], "--listen", Url(i).ToString().TrimEnd('/'), .. Enumerable.Range(0, Validators).Where(j => j != i).SelectMany(j => new[] { "--peer", $"{NodeIds[j]}@{Url(j).ToString().TrimEnd('/')}" })];
        Nodes[i] = Track(AppProcess.Start("Phoenix.Validator", "validator-" + i, args));
    }

    public AppProcess Track(AppProcess p)
    {
        lock (_processes)
        {
            _processes.Add(p);
        }

        return p;
    }

    /// <summary>The node's latest height, or -1 while it does not answer.</summary>
    public async Task<long> HeightAsync(int i)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return (await Clients[i].GetStatusAsync(cts.Token)).LatestHeight;
        }
        catch (Exception e) when (e is Phoenix.Sdk.PhoenixException or OperationCanceledException or Grpc.Core.RpcException)
        {
            return -1;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming what it waited for, with every process's output tail.</summary>
    public async Task WaitAsync(Func<Task<bool>> condition, string what, int maxSeconds = 240)
    {
        var until = DateTime.UtcNow.AddSeconds(maxSeconds);
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"Still waiting for {what} after {maxSeconds} s.\n{Logs()}");
    }

    public string Logs()
    {
        lock (_processes)
        {
            return string.Join("\n", _processes.Select(p => $"--- {p.Name}{(p.HasExited ? " (exited)" : string.Empty)}:\n{p.Tail(25)}"));
        }
    }

    public Task DisposeAsync()
    {
        lock (_processes)
        {
            foreach (var p in _processes)
            {
                p.Dispose();
            }
        }

        foreach (var c in Clients)
        {
            c?.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private static string AddressIn(string output, string role) =>
        AddressLine().Match(output) is { Success: true } m && m.Groups[1].Value == role ? m.Groups[2].Value : throw new InvalidOperationException($"no {role} address in:\n{output}");

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [GeneratedRegex(@": (miner|buyer) (phx1[0-9a-z]+)")]
    private static partial Regex AddressLine();

    /// <summary>Rewrites the miner's config to enable the sample third-party executor, copied under plugins/.</summary>
    public void EnableSampleWorkload()
    {
        var plugins = Path.Combine(MinerHome, "plugins");
        Directory.CreateDirectory(plugins);
        File.Copy(typeof(Phoenix.Workloads.Sample.Int8MatVecExecutor).Assembly.Location, Path.Combine(plugins, "Phoenix.Workloads.Sample.dll"), overwrite: true);
        var path = Path.Combine(MinerHome, "miner.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        foreach (var e in config["Miner"]!["Executors"]!.AsArray())
        {
            if (e!["assembly"] is not null)
            {
                e["enabled"] = true;
            }
        }

        File.WriteAllText(path, config.ToJsonString());
    }
}
