using System.Net.Sockets;
using System.Text.Json;
using Phoenix.Devnet;
using Phoenix.Devnet.Chain;
using Phoenix.Node.Storage;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Wallets;
using Spectre.Console;

namespace Phoenix.IntegrationTests.Devnet;

/// <summary>
/// The devnet on its live backend: 4 real <c>PhoenixNode</c>s talking gRPC on loopback, on the wall clock. One run
/// covers both <c>--live</c> and <c>--keep-running</c>: the reduced job settles with the same checks as the virtual
/// run, then the network stays up, an SDK client reads it through a printed endpoint, and cancelling shuts it down.
/// </summary>
public sealed class LiveDevnetTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task KeepRunning_ReducedJobSettlesOnRealNodes_ThenServesGrpcUntilCancelledAndShutsDown()
    {
        var dataDir = Directory.CreateTempSubdirectory("phx-live-devnet-").FullName;
        try
        {
            var output = new StringWriter();
            var writer = TextWriter.Synchronized(output);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
            var options = new DevnetOptions { Units = 12, BatchSize = 4, Headless = true, Json = true, KeepRunning = true, DataDir = dataDir };
            using var stop = new CancellationTokenSource();
            var run = DevnetApp.RunAsync(options, console, stop.Token);

            // 1. The job settles on the live backend; the summary is printed while the network stays up.
            using var json = await WaitForSummaryAsync(writer, output, run);
            var root = json.RootElement;
            DevnetSummaryAssertions.AssertSettled(root, units: 12);
            var network = root.GetProperty("network");
            Assert.Equal("live", network.GetProperty("clock").GetString());
            Assert.Equal(DevnetGenesis.LiveParameters.ChallengeWindowSeconds, network.GetProperty("challengeWindowSeconds").GetInt64());
            var endpoints = network.GetProperty("endpoints").EnumerateArray().Select(e => new Uri(e.GetString()!)).ToList();
            Assert.Equal(4, endpoints.Count);
            Assert.Equal(4, endpoints.Distinct().Count());
            Assert.All(endpoints, e => Assert.True(e.IsLoopback && e.Port > 0, e.ToString()));
            Assert.False(run.IsCompleted, "--keep-running returned after the job instead of keeping the network up");

            // 2. An SDK client on a printed endpoint (not validator 0, whose application the agents read) sees the
            //    devnet's chain, the funded guest account from the accounts file, and blocks still being committed.
            using var client = new PhoenixClientBuilder().AddEndpoint(endpoints[2]).Build();
            var first = await client.GetStatusAsync();
            Assert.Equal(DevnetGenesis.ChainId, first.ChainId);
            Assert.True(first.LatestHeight >= root.GetProperty("height").GetInt64() - 1, $"endpoint at {first.LatestHeight}, job settled at {root.GetProperty("height").GetInt64()}");
            using var accounts = JsonDocument.Parse(await File.ReadAllTextAsync(network.GetProperty("accountsFile").GetString()!));
            var guest = accounts.RootElement.GetProperty("accounts").EnumerateArray().First(a => a.GetProperty("name").GetString() == "guest-buyer");
            var guestBalance = await client.GetBalanceAsync(Address.Parse(guest.GetProperty("address").GetString()!, null), Denom.Phnx);
            Assert.Equal(Amount.FromTokens(guest.GetProperty("phnx").GetUInt64(), Denom.Phnx).Value, guestBalance.Value);
            var advanced = await WaitAsync(async () => (await client.GetStatusAsync()).LatestHeight > first.LatestHeight + 2);
            Assert.True(advanced, $"the height stayed at {first.LatestHeight} while the network was kept running");

            // 3. Cancelling (Ctrl+C) shuts the network down: the run returns the settled summary, the ports close and
            //    every validator's RocksDB state store was closed (it opens again).
            await stop.CancelAsync();
            var summary = await run.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(summary.Completed && summary.Invariants.Intact);
            foreach (var endpoint in endpoints)
            {
                using var tcp = new TcpClient();
                await Assert.ThrowsAnyAsync<SocketException>(() => tcp.ConnectAsync(endpoint.Host, endpoint.Port));
            }

            foreach (var home in network.GetProperty("homes").EnumerateArray().Select(h => h.GetString()!))
            {
                using var reopened = RocksDbKeyValueStore.Open(Path.Combine(home, "data", "state"));
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_KeysNotMatchingTheGenesis_ThrowsArgumentExceptionAndStartsNothing()
    {
        var genesis = DevnetGenesis.Live(Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow));
        var dataDir = Path.Combine(Path.GetTempPath(), "phx-live-devnet-" + Guid.NewGuid().ToString("N"));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => LiveDevnetChain.StartAsync(genesis.Genesis, genesis.ConsensusKeys.Take(3).ToList(), genesis.Operators, dataDir));
        var port = await Assert.ThrowsAsync<ArgumentException>(() => LiveDevnetChain.StartAsync(genesis.Genesis, genesis.ConsensusKeys, genesis.Operators, dataDir, basePort: 65_534));

        Assert.Contains("4 validators", ex.Message, StringComparison.Ordinal);
        Assert.Contains("65534", port.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public void Live_Genesis_FundsGuestAccountsWhoseMnemonicsRecoverTheirAddresses()
    {
        var live = DevnetGenesis.Live(Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow));

        Assert.NotEmpty(live.Guests);
        foreach (var guest in live.Guests)
        {
            using var wallet = Wallet.FromMnemonic(Mnemonic.Parse(guest.Mnemonic));
            Assert.Equal(guest.Address, wallet.Address);
            Assert.Contains(live.Genesis.Accounts, a => a.Address == guest.Address);
        }

        Assert.Empty(new DevnetGenesis().Guests);
        Assert.True(DevnetGenesis.LiveParameters.ChallengeWindowSeconds < DevnetGenesis.Parameters.ChallengeWindowSeconds);
    }

    [Fact]
    public void Merge_SeveralBlocks_KeepsTheNewestHeaderAndEveryResultInOrder()
    {
        static CommittedBlock Block(long height, string tx, string ev) => new(height, Hash32.Sha256([(byte)height]), new Timestamp(height, 0), 1,
            new FinalizeBlockResponse([new AbciEvent(ev, [])], [new ExecTxResult(0, ReadOnlyMemory<byte>.Empty, tx, string.Empty, 0, 0, [], string.Empty)], [], null, ReadOnlyMemory<byte>.Empty));
        var blocks = new[] { Block(5, "a", "e5"), Block(6, "b", "e6"), Block(7, "c", "e7") };

        var merged = CommittedBlock.Merge(blocks);

        Assert.Equal((7L, blocks[2].Hash, blocks[2].Time, 3), (merged.Height, merged.Hash, merged.Time, merged.TxCount));
        Assert.Equal(["a", "b", "c"], merged.Result.TxResults.Select(r => r.Log));
        Assert.Equal(["e5", "e6", "e7"], merged.Result.Events.Select(e => e.Type));
        Assert.Same(blocks[0], CommittedBlock.Merge([blocks[0]]));
        Assert.Throws<ArgumentException>(() => CommittedBlock.Merge([]));
    }

    private static async Task<JsonDocument> WaitForSummaryAsync(TextWriter writer, StringWriter output, Task run)
    {
        var deadline = DateTimeOffset.UtcNow + Generous;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (run.IsCompleted)
            {
                await run; // surfaces the failure
                Assert.Fail("The devnet returned before printing its summary.");
            }

            string text;
            lock (writer)
            {
                // TextWriter.Synchronized locks on the writer it returns.
                text = output.ToString();
            }

            if (text.TrimEnd().EndsWith('}'))
            {
                try
                {
                    return JsonDocument.Parse(text);
                }
                catch (JsonException)
                {
                    // Not complete yet.
                }
            }

            await Task.Delay(250);
        }

        Assert.Fail($"No summary within {Generous}.");
        return null!;
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
