using System.Diagnostics;
using Phoenix.Compute.Blobs;
using Phoenix.Devnet.Agents;
using Phoenix.Devnet.Chain;
using Phoenix.Devnet.Compute;
using Phoenix.Devnet.Reporting;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Devnet;

/// <summary>What the live view is shown after each block.</summary>
/// <param name="View">The chain after the block.</param>
/// <param name="Ledger">Totals so far.</param>
/// <param name="Log">The activity log.</param>
/// <param name="Participants">Every participant (name, address).</param>
/// <param name="Network">The backend and its endpoints.</param>
/// <param name="GenesisTime">The genesis time (chain time is counted from it).</param>
public sealed record DevnetProgress(ChainView View, Ledger Ledger, ActivityLog Log, IReadOnlyList<(string Name, string Role, Address Address)> Participants,
    NetworkSummary Network, Timestamp GenesisTime);

/// <summary>
/// Runs the devnet: 4 validators on the embedded engine (each with its own data directory), 2 honest miners and one
/// that cheats on some units, an auditor, a market maker and a buyer embedding passages with all-MiniLM-L6-v2.
/// </summary>
public static class DevnetRunner
{
    /// <summary>Starts the network, runs a job to settlement and stops the network.</summary>
    /// <param name="options">What to run (<see cref="DevnetOptions.UsesLiveBackend"/> picks the backend).</param>
    /// <param name="onBlock">Called after each block (the live view), or null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The settlement summary.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static async Task<DevnetSummary> RunAsync(DevnetOptions options, Action<DevnetProgress>? onBlock = null, CancellationToken cancellationToken = default)
    {
        var network = await DevnetNetwork.StartAsync(options, cancellationToken).ConfigureAwait(false);
        await using (network.ConfigureAwait(false))
        {
            return await network.RunJobAsync(onBlock, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// A running devnet: the 4 validators on the backend the options chose, and the job's participants. Run the job with
/// <see cref="RunJobAsync"/>; on the live backend the network can then be kept up with <see cref="KeepRunningAsync"/>.
/// Disposing stops the validators and deletes a temporary data directory.
/// </summary>
public sealed class DevnetNetwork : IAsyncDisposable
{
    // A local file for people to read: quotes and backticks stay as they are.
    private static readonly System.Text.Json.JsonSerializerOptions IndentedJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly DevnetOptions _options;
    private readonly string _dataDir;
    private readonly bool _temporary;
    private readonly Stopwatch _wall;
    private readonly ActivityLog _log = new();
    private ValidatorAgent[] _validators = [];
    private MarketMakerAgent? _marketMaker;
    private int _ran;

    private DevnetNetwork(DevnetOptions options, string dataDir, bool temporary, Stopwatch wall, DevnetGenesis genesis, IDevnetChain chain, string? accountsFile)
    {
        _options = options;
        _dataDir = dataDir;
        _temporary = temporary;
        _wall = wall;
        Genesis = genesis;
        Chain = chain;
        AccountsFile = accountsFile;
    }

    /// <summary>The keys and genesis.</summary>
    public DevnetGenesis Genesis { get; }

    /// <summary>The validators.</summary>
    public IDevnetChain Chain { get; }

    /// <summary>The file listing the guest accounts (live backend), or null.</summary>
    public string? AccountsFile { get; }

    /// <summary>What the summary and the screen say about this network.</summary>
    public NetworkSummary Summary => new(Chain.RealTime ? "live" : "virtual", [.. Chain.Endpoints.Select(e => e.ToString())], Chain.DataDirectories, AccountsFile,
        Genesis.ChainParameters.ChallengeWindowSeconds, Genesis.ChainParameters.DisputeMoveTimeoutSeconds, Genesis.ChainParameters.BuyBackEpochSeconds);

    /// <summary>Starts the validators on the backend <paramref name="options"/> chose.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running network.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static async Task<DevnetNetwork> StartAsync(DevnetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var wall = Stopwatch.StartNew();
        var temporary = options.DataDir is null;
        var dataDir = options.DataDir ?? Directory.CreateTempSubdirectory("phoenix-devnet-").FullName;
        try
        {
            // Keys, shortened parameters and genesis; 4 validators, each with its own data directory.
            if (!options.UsesLiveBackend)
            {
                var g = new DevnetGenesis();
                var chain = DevnetChain.Start(g.Genesis, g.ConsensusKeys, dataDir, blockInterval: TimeSpan.FromSeconds(2));
                return new DevnetNetwork(options, dataDir, temporary, wall, g, chain, null);
            }

            var live = DevnetGenesis.Live(Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow));
            var accounts = WriteAccountsFile(live, dataDir);
            var nodes = await LiveDevnetChain.StartAsync(live.Genesis, live.ConsensusKeys, live.Operators, dataDir, basePort: options.Port, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new DevnetNetwork(options, dataDir, temporary, wall, live, nodes, accounts);
        }
        catch
        {
            if (temporary)
            {
                TryDelete(dataDir);
            }

            throw;
        }
    }

    /// <summary>Runs the job to settlement (once per network).</summary>
    /// <param name="onBlock">Called after each block (the live view), or null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The settlement summary.</returns>
    /// <exception cref="InvalidOperationException">The job already ran on this network, or the network stalled.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<DevnetSummary> RunJobAsync(Action<DevnetProgress>? onBlock = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _ran, 1) != 0)
        {
            throw new InvalidOperationException("The job already ran on this network.");
        }

        var options = _options;
        var dataDir = _dataDir;
        var wall = _wall;
        var g = Genesis;
        var chain = Chain;
        var log = _log;
        var genesisPhnx = chain.Read(app => BankModule.GetSupply(app.CommittedState, Denom.Phnx));
        Trace(wall, $"chain started ({Summary.Clock}), genesis PHNX {genesisPhnx}");

        // 2. Shared compute: the blob service and one ONNX runner.
        using var compute = new JobCompute(new FileBlobStore(new FileBlobStoreOptions { RootPath = Path.Combine(dataDir, "blobs") }));
        var board = new ResultBoard();
        // 3. The participants.
        var buyer = new BuyerAgent(g.Buyer, compute, board, options.Units, log);
        var cheated = new HashSet<uint>();
        var cheating = new CheatingExecutor(compute.Executor, compute, u =>
        {
            lock (cheated)
            {
                return u.UnitIndex % (uint)options.BatchSize == (uint)options.CheatOffset && cheated.Add(u.UnitIndex);
            }
        });
        var miners = new[]
        {
            new MinerAgent("miner-1", g.Miners[0], 0, 3, options.BatchSize, compute.Executor, compute, board, log),
            new MinerAgent("miner-2", g.Miners[1], 1, 3, options.BatchSize, compute.Executor, compute, board, log),
            new MinerAgent("cheater", g.Miners[2], 2, 3, options.BatchSize, cheating, compute, board, log),
        };
        var validators = _validators = g.Operators.Select((k, i) => new ValidatorAgent(k, i, g.Operators.Count, options.SpotCheckRate, compute, board, log)).ToArray();
        var auditor = new AuditorAgent(g.Auditor, compute, board, log);
        var marketMaker = _marketMaker = new MarketMakerAgent(g.MarketMaker, log);
        Agent[] agents = [buyer, .. miners, .. validators, auditor, marketMaker];
        var participants = new List<(string Name, string Role, Address Address)>
        {
            ("buyer", "buyer", buyer.Address),
            ("miner-1", "miner", miners[0].Address),
            ("miner-2", "miner", miners[1].Address),
            ("cheater", "cheater", miners[2].Address),
        };
        participants.AddRange(validators.Select(v => (v.Name, "validator", v.Address)));
        participants.Add(("auditor", "auditor", auditor.Address));
        participants.Add(("market-maker", "market-maker", marketMaker.Address));
        var ledger = new Ledger(participants.ToDictionary(p => p.Address.ToString(), p => p.Name, StringComparer.Ordinal));
        await buyer.UploadAsync(cancellationToken).ConfigureAwait(false);
        Trace(wall, "uploaded");

        // 4. Block by block: the chain commits, every participant reacts, their transactions are gossiped.
        ChainView? view = null;
        var completed = false;
        for (var i = 0; i < options.MaxBlocks; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var blocks = await chain.NextBlocksAsync(cancellationToken).ConfigureAwait(false);
            foreach (var b in blocks)
            {
                ledger.Apply(b, log);
            }

            var block = CommittedBlock.Merge(blocks);
            view = new ChainView(chain, block);
            onBlock?.Invoke(new DevnetProgress(view, ledger, log, participants, Summary, g.Genesis.GenesisTime));
            if (Environment.GetEnvironmentVariable("PHOENIX_DEVNET_TRACE") == "1")
            {
                await Console.Error.WriteLineAsync($"[{wall.Elapsed.TotalSeconds:0.0}s] h{block.Height} txs {block.TxCount} failed {ledger.FailedTransactions.Count} | {string.Join(" | ", log.Tail(3))}").ConfigureAwait(false);
            }
            if (IsSettled(view, buyer, miners, ledger))
            {
                completed = true;
                break;
            }

            var outgoing = await Task.WhenAll(agents.Select(a => Task.Run(() => a.OnBlockAsync(view, cancellationToken), cancellationToken))).ConfigureAwait(false);
            foreach (var tx in outgoing.SelectMany(t => t))
            {
                var admission = chain.Submit(tx);
                if (!admission.IsAccepted)
                {
                    log.Write($"mempool refused a transaction: {admission.Status} {admission.Codespace}/{admission.Code} {admission.Log}");
                }
            }
        }

        return await SummarizeAsync(view, ledger, buyer, participants, genesisPhnx, completed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps the network up until <paramref name="cancellationToken"/> is cancelled: blocks keep coming, and the
    /// validators keep reporting oracle prices (so guests can burn PHNX for SPARK) and the market maker keeps offering
    /// into the buy-back. Returns normally when cancelled.
    /// </summary>
    /// <param name="onBlock">Called with the height after each block, or null.</param>
    /// <param name="cancellationToken">Ends the wait (Ctrl+C).</param>
    /// <returns>A task that completes when cancelled.</returns>
    /// <exception cref="InvalidOperationException">The network stalled.</exception>
    public async Task KeepRunningAsync(Action<long>? onBlock = null, CancellationToken cancellationToken = default)
    {
        Agent[] agents = [.. _validators, .. _marketMaker is null ? Array.Empty<Agent>() : [_marketMaker]];
        try
        {
            while (true)
            {
                var blocks = await Chain.NextBlocksAsync(cancellationToken).ConfigureAwait(false);
                var view = new ChainView(Chain, CommittedBlock.Merge(blocks));
                onBlock?.Invoke(view.Height);
                var outgoing = await Task.WhenAll(agents.Select(a => a.OnBlockAsync(view, cancellationToken))).ConfigureAwait(false);
                foreach (var tx in outgoing.SelectMany(t => t))
                {
                    Chain.Submit(tx);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    /// <remarks>Stops the validators, then deletes the data directory when it was temporary.</remarks>
    public async ValueTask DisposeAsync()
    {
        await Chain.DisposeAsync().ConfigureAwait(false);
        if (_temporary)
        {
            TryDelete(_dataDir);
        }
    }

    private static void Trace(Stopwatch wall, string what)
    {
        if (Environment.GetEnvironmentVariable("PHOENIX_DEVNET_TRACE") == "1")
        {
            Console.Error.WriteLine($"[{wall.Elapsed.TotalSeconds:0.0}s] {what}");
        }
    }

    private static bool IsSettled(ChainView view, BuyerAgent buyer, IEnumerable<MinerAgent> miners, Ledger ledger)
        => buyer.IsDone
           && view.Disputes.All(d => d.Phase == 0)
           && miners.All(m => view.RedeemableCredit(m.Address) == 0)
           && ledger.LastBuyBackBurnHeight > 0
           && ledger.LastBuyBackEpochHeight > ledger.LastPayoutHeight;

    private async Task<DevnetSummary> SummarizeAsync(ChainView? view, Ledger ledger, BuyerAgent buyer, IReadOnlyList<(string Name, string Role, Address Address)> participants,
        UInt128 genesisPhnx, bool completed, CancellationToken cancellationToken)
    {
        // Every validator at one height first; then one consistent read of validator 0's state at its height.
        var hashes = await Chain.AppHashesAtCommonHeightAsync(cancellationToken).ConfigureAwait(false);
        return Chain.Read(app => Summarize(app, view, ledger, buyer, participants, genesisPhnx, completed, hashes));
    }

    private DevnetSummary Summarize(PhoenixApplication app, ChainView? view, Ledger ledger, BuyerAgent buyer, IReadOnlyList<(string Name, string Role, Address Address)> participants,
        UInt128 genesisPhnx, bool completed, IReadOnlyList<string> hashes)
    {
        var options = _options;
        var wall = _wall;
        var state = app.CommittedState;
        var task = buyer.TaskId == 0 ? null : TaskMarketModule.GetTask(state, buyer.TaskId);
        var checks = new List<InvariantCheck>();
        var moduleViolations = app.CheckInvariants();
        checks.Add(new InvariantCheck("module invariants (escrow, bonds, stakes, unit accounting)", moduleViolations.Count == 0,
            moduleViolations.Count == 0 ? "all hold" : string.Join("; ", moduleViolations)));
        var sums = BankModule.SumOfBalances(state);
        foreach (var denom in Denom.All)
        {
            var supply = BankModule.GetSupply(state, denom);
            var sum = sums.GetValueOrDefault(denom);
            checks.Add(new InvariantCheck($"{denom.Symbol} supply equals the sum of all balances", supply == sum, $"supply {supply}, balances {sum}"));
        }

        var phnx = BankModule.GetSupply(state, Denom.Phnx);
        var burned = ledger.PhnxBurnedByMinting + ledger.PhnxBurnedByBuyBack;
        checks.Add(new InvariantCheck("PHNX supply fell only by burns (minting + buy-back)", genesisPhnx - phnx == burned, $"genesis {genesisPhnx} - now {phnx} = {genesisPhnx - phnx}, burned {burned}"));
        var spark = BankModule.GetSupply(state, Denom.Spark);
        checks.Add(new InvariantCheck("SPARK exists only by burning PHNX", spark == ledger.SparkMinted, $"supply {spark}, minted {ledger.SparkMinted}"));
        var btask = BankModule.GetSupply(state, Denom.BTask);
        checks.Add(new InvariantCheck("bTASK supply = minted - redeemed", btask == ledger.BTaskMinted - ledger.BTaskRedeemed, $"supply {btask}, minted {ledger.BTaskMinted}, redeemed {ledger.BTaskRedeemed}"));
        var paid = ledger.UnitsPaid.Values.Sum();
        checks.Add(new InvariantCheck("no unit paid twice", task is null || (paid == (int)task.FinalizedUnits && paid <= options.Units), $"units paid {paid}, finalized {task?.FinalizedUnits}"));
        checks.Add(new InvariantCheck("every validator has the same app hash", hashes.Count == 1, string.Join(", ", hashes)));

        var list = participants.Select(p => new ParticipantSummary(p.Name, p.Role, p.Address.ToString(), ledger.UnitsPaid.GetValueOrDefault(p.Name),
            ledger.MintedTo.GetValueOrDefault(p.Name).ToString(), ledger.RedeemedBy.GetValueOrDefault(p.Name).ToString(),
            BankModule.GetBalance(state, p.Address, Denom.Phnx).Value.ToString(), BankModule.GetBalance(state, p.Address, Denom.Spark).Value.ToString(),
            BankModule.GetBalance(state, p.Address, Denom.BTask).Value.ToString(), ledger.Slashes.Count(s => s.Who == p.Name))).ToList();
        return new DevnetSummary
        {
            ChainId = DevnetGenesis.ChainId,
            Completed = completed,
            Network = Summary,
            Height = app.LastHeight,
            ChainSeconds = view is null ? 0 : view.Time.Seconds - Genesis.Genesis.GenesisTime.Seconds,
            WallSeconds = Math.Round(wall.Elapsed.TotalSeconds, 1),
            Units = options.Units,
            UnitsFinalized = (int)(task?.FinalizedUnits ?? 0),
            UnitsRefunded = (int)(task?.RefundedUnits ?? 0),
            ResultsVerified = buyer.ResultsVerified,
            Participants = list,
            Slashes = ledger.Slashes,
            Disputes = ledger.Disputes,
            Flows = new FlowSummary(ledger.PhnxBurnedByMinting.ToString(), ledger.SparkMinted.ToString(), ledger.SparkPaid.ToString(), ledger.BTaskMinted.ToString(),
                ledger.BTaskRedeemed.ToString(), ledger.FeesToAttesters.ToString(), ledger.FeesToBuyBack.ToString(), ledger.BuyBackEpochs,
                ledger.BuyBackSpent.ToString(), ledger.PhnxBurnedByBuyBack.ToString()),
            Invariants = new InvariantSummary(checks.All(c => c.Ok), checks),
            FailedTransactions = ledger.FailedTransactions,
        };
    }

    private static string WriteAccountsFile(DevnetGenesis genesis, string dataDir)
    {
        var path = Path.Combine(dataDir, "accounts.json");
        var document = new
        {
            chainId = DevnetGenesis.ChainId,
            note = "Devnet keys are public: never use these mnemonics anywhere else. Recover one with `Phoenix.Buyer init --mnemonic \"<phrase>\" --node <endpoint>` (or Phoenix.Miner).",
            accounts = genesis.Guests.Select(a => new { name = a.Name, address = a.Address.ToString(), mnemonic = a.Mnemonic, phnx = a.Phnx }),
        };
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(document, IndentedJson));
        return path;
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
