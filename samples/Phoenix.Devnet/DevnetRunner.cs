using System.Diagnostics;
using Phoenix.Compute.Blobs;
using Phoenix.Devnet.Agents;
using Phoenix.Devnet.Chain;
using Phoenix.Devnet.Compute;
using Phoenix.Devnet.Reporting;
using Phoenix.Protocol.Modules.Bank;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Devnet;

/// <summary>What the live view is shown after each block.</summary>
/// <param name="View">The chain after the block.</param>
/// <param name="Ledger">Totals so far.</param>
/// <param name="Log">The activity log.</param>
/// <param name="Participants">Every participant (name, address).</param>
public sealed record DevnetProgress(ChainView View, Ledger Ledger, ActivityLog Log, IReadOnlyList<(string Name, string Role, Address Address)> Participants);

/// <summary>
/// Runs the devnet: 4 validators on the embedded engine (each with its own data directory), 2 honest miners and one
/// that cheats on some units, an auditor, a market maker and a buyer embedding passages with all-MiniLM-L6-v2.
/// </summary>
public static class DevnetRunner
{
    /// <summary>Runs a job to settlement.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="onBlock">Called after each block (the live view), or null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The settlement summary.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static async Task<DevnetSummary> RunAsync(DevnetOptions options, Action<DevnetProgress>? onBlock = null, CancellationToken cancellationToken = default)
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
            return await RunInAsync(options, dataDir, wall, onBlock, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (temporary)
            {
                TryDelete(dataDir);
            }
        }
    }

    private static async Task<DevnetSummary> RunInAsync(DevnetOptions options, string dataDir, Stopwatch wall, Action<DevnetProgress>? onBlock, CancellationToken cancellationToken)
    {
        // 1. Keys, shortened parameters and genesis; 4 validators, each with its own data directory.
        var g = new DevnetGenesis();
        using var chain = DevnetChain.Start(g.Genesis, g.ConsensusKeys, dataDir, blockInterval: TimeSpan.FromSeconds(2));
        var genesisPhnx = BankModule.GetSupply(chain.State, Denom.Phnx);
        Trace(wall, $"chain started, genesis PHNX {genesisPhnx}");

        // 2. Shared compute: the blob service and one ONNX runner.
        using var compute = new JobCompute(new FileBlobStore(new FileBlobStoreOptions { RootPath = Path.Combine(dataDir, "blobs") }));
        var board = new ResultBoard();
        var log = new ActivityLog();

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
        var validators = g.Operators.Select((k, i) => new ValidatorAgent(k, i, g.Operators.Count, options.SpotCheckRate, compute, board, log)).ToArray();
        var auditor = new AuditorAgent(g.Auditor, compute, board, log);
        var marketMaker = new MarketMakerAgent(g.MarketMaker, log);
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
        var stateLock = new Lock();
        ChainView? view = null;
        var completed = false;
        for (var i = 0; i < options.MaxBlocks; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var block = chain.NextBlock();
            ledger.Apply(block, log);
            view = new ChainView(chain.State, stateLock, block, chain.App.Parameters);
            onBlock?.Invoke(new DevnetProgress(view, ledger, log, participants));
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

        return Summarize(chain, view, ledger, buyer, participants, genesisPhnx, options, completed, wall);
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

    private static DevnetSummary Summarize(DevnetChain chain, ChainView? view, Ledger ledger, BuyerAgent buyer, IReadOnlyList<(string Name, string Role, Address Address)> participants,
        UInt128 genesisPhnx, DevnetOptions options, bool completed, Stopwatch wall)
    {
        var state = chain.State;
        var task = buyer.TaskId == 0 ? null : TaskMarketModule.GetTask(state, buyer.TaskId);
        var checks = new List<InvariantCheck>();
        var moduleViolations = chain.App.CheckInvariants();
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
        var hashes = chain.AppHashesAtCommonHeight();
        checks.Add(new InvariantCheck("every validator has the same app hash", hashes.Count == 1, string.Join(", ", hashes)));

        var list = participants.Select(p => new ParticipantSummary(p.Name, p.Role, p.Address.ToString(), ledger.UnitsPaid.GetValueOrDefault(p.Name),
            ledger.MintedTo.GetValueOrDefault(p.Name).ToString(), ledger.RedeemedBy.GetValueOrDefault(p.Name).ToString(),
            BankModule.GetBalance(state, p.Address, Denom.Phnx).Value.ToString(), BankModule.GetBalance(state, p.Address, Denom.Spark).Value.ToString(),
            BankModule.GetBalance(state, p.Address, Denom.BTask).Value.ToString(), ledger.Slashes.Count(s => s.Who == p.Name))).ToList();
        return new DevnetSummary
        {
            ChainId = DevnetGenesis.ChainId,
            Completed = completed,
            Height = chain.Height,
            ChainSeconds = view is null ? 0 : view.Time.Seconds - chain.Genesis.GenesisTime.Seconds,
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
