using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Parameters;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Agents;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tests.Api;
using Phoenix.Sdk.Wallets;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Agents;

/// <summary>
/// A <see cref="TestNode"/> running the standard modules (staking, oracle, mint, governance, task market) with
/// short windows: four bonded validators (operators numbered 21-24, one jurisdiction each), a buyer (Alice) and
/// miners numbered 31-32. Each block is 5 seconds of chain time; the challenge window and the dispute move
/// timeout are 60 seconds.
/// </summary>
internal sealed class MarketNet : IAsyncDisposable
{
    public const ulong PriceMicroUsd = 2_000_000;
    public static readonly ChainParameters Parameters = ChainParameters.Default with
    {
        ChallengeWindowSeconds = 60,
        DisputeMoveTimeoutSeconds = 60,
        DisputeVotingSeconds = 60,
    };

    public static readonly TestKey[] Operators = [.. Enumerable.Range(21, 4).Select(TestKeys.Numbered)];
    public static readonly TestKey[] Miners = [.. Enumerable.Range(31, 2).Select(TestKeys.Numbered)];

    private MarketNet(TestNode node, PhoenixClient client)
    {
        Node = node;
        Client = client;
    }

    public TestNode Node { get; }

    public PhoenixClient Client { get; }

    public static Wallet Buyer => TestClients.Wallet(TestKeys.Alice);

    public static Wallet Operator(int i) => TestClients.Wallet(Operators[i]);

    public static Wallet Miner(int i) => TestClients.Wallet(Miners[i]);

    public static async Task<MarketNet> StartAsync(ChainParameters? parameters = null)
    {
        var b = new GenesisBuilder(TestChain.ChainId, TestChain.GenesisTime).WithParameters(parameters ?? Parameters)
            .AddAccount(TestKeys.Alice.Address, Amount.FromTokens(1_000_000, Denom.Phnx), Amount.FromTokens(1_000, Denom.Spark))
            .AddAccount(TestKeys.Bob.Address, Amount.FromTokens(1_000, Denom.Phnx));
        string[] jurisdictions = ["DE", "FR", "US", "JP"];
        for (var i = 0; i < Operators.Length; i++)
        {
            b.AddAccount(Operators[i].Address, Amount.FromTokens(1_000, Denom.Phnx));
            b.AddValidator(TestKeys.Numbered(1021 + i).PublicKey, Operators[i].Address, jurisdictions[i], 100);
        }

        foreach (var m in Miners)
        {
            b.AddAccount(m.Address, Amount.FromTokens(1_000, Denom.Phnx), Amount.FromTokens(100, Denom.Spark));
        }

        var chain = new TestChain(b.Build(), builder => builder.AddStandardModules());
        var node = await TestNode.StartAsync(chain: chain);
        return new MarketNet(node, TestClients.For(node.Address));
    }

    /// <summary>Every validator reports <see cref="PriceMicroUsd"/>, so the oracle price is valid.</summary>
    public async Task ReportPricesAsync()
    {
        for (var i = 0; i < Operators.Length; i++)
        {
            await Client.ReportPriceAsync(Operator(i), PriceMicroUsd);
        }
    }

    /// <summary>Everything the agents logged (event name, level, message), for assertions and failure messages.</summary>
    public AgentLog Log { get; } = new();

    public ValidatorAgent Validator(int i, TestWorkload workload, double rate) =>
        new(Client, Operator(i), [workload], new ValidatorAgentOptions { SpotCheckRate = rate, PriceSource = () => PriceMicroUsd }, Log.For<ValidatorAgent>());

    public MinerAgent Miner(int i, TestWorkload workload) => new(Client, Miner(i), [workload], new MinerAgentOptions { MaxBatchUnits = 4 }, Log.For<MinerAgent>());

    /// <summary>
    /// Runs every agent's pass in turn, then commits an empty block (5 seconds of chain time), until
    /// <paramref name="done"/> holds; fails after <paramref name="maxRounds"/> rounds naming what it waited for.
    /// </summary>
    public async Task DriveAsync(IReadOnlyList<Func<Task>> passes, Func<Task<bool>> done, string waitingFor, int maxRounds = 80)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            if (await done())
            {
                return;
            }

            foreach (var pass in passes)
            {
                await pass();
            }

            Node.ProduceBlock();
        }

        Assert.Fail($"After {maxRounds} rounds (height {Node.Height}) still waiting for {waitingFor}. Agent log:\n{Log.Tail(80)}");
    }

    /// <summary>
    /// The dispute scenario both agent dispute tests play: the cheater mines until dispute 1 is resolved, the lazy
    /// validator attests without re-executing, the checkers spot-check, challenge, bisect and sit on the committee, and
    /// once the verdict is in the honest miner redoes the reopened unit. The verdict is read from state (not the event
    /// stream) so that no pass can run between the verdict and the switch.
    /// </summary>
    public Task DriveDisputeAsync(MinerAgent cheater, ValidatorAgent lazy, IEnumerable<ValidatorAgent> checkers, MinerAgent honest,
        Func<Task<bool>> done, string waitingFor, int maxRounds = 120)
    {
        async Task<bool> Resolved() => await Client.GetLatestDisputeIdAsync() >= 1 && await Client.GetDisputeAsync(1) is null;

        return DriveAsync(
            [
                async () =>
                {
                    if (!await Resolved())
                    {
                        await cheater.RunOnceAsync();
                    }
                },
                () => lazy.RunOnceAsync(),
                .. checkers.Select(v => (Func<Task>)(() => v.RunOnceAsync())),
                async () =>
                {
                    if (await Resolved())
                    {
                        await honest.RunOnceAsync();
                    }
                },
            ],
            done,
            waitingFor,
            maxRounds);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Node.DisposeAsync();
    }
}

/// <summary>Collects the agents' log entries.</summary>
internal sealed class AgentLog
{
    public ConcurrentQueue<(string Name, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger<T> For<T>() => new Logger<T>(this);

    public string Tail(int n) => string.Join("\n", Entries.TakeLast(n).Select(e => $"{e.Level} {e.Name}: {e.Message}"));

    private sealed class Logger<T>(AgentLog log) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Entries.Enqueue((eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), logLevel, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception.Message)));
    }
}
