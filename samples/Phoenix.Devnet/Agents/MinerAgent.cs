using System.Collections.Concurrent;
using System.Globalization;
using Phoenix.Devnet.Chain;
using Phoenix.Devnet.Compute;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Mint;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.State;
using Phoenix.Protocol.Wire.Tx;

namespace Phoenix.Devnet.Agents;

/// <summary>
/// A miner: burns a little PHNX for bond SPARK, claims open units in batches, runs them with its
/// <see cref="IWorkloadExecutor"/>, publishes the outputs, submits the batch root, answers the re-execution game
/// for its units, and redeems the bTASK it earns.
/// </summary>
public sealed class MinerAgent : Agent
{
    private readonly JobCompute _compute;
    private readonly ResultBoard _board;
    private readonly IWorkloadExecutor _executor;
    private readonly int _index;
    private readonly int _minerCount;
    private readonly int _batchSize;
    private readonly ConcurrentDictionary<(ulong Task, uint Unit), IReadOnlyList<Hash32>> _leaves = new();
    private readonly HashSet<ulong> _submitted = [];
    private bool _burned;
    private long _claimedAt = -1;

    /// <summary>Creates a miner.</summary>
    /// <param name="name">Display name.</param>
    /// <param name="key">Its key.</param>
    /// <param name="index">Its position among the miners (spreads claims so miners rarely collide).</param>
    /// <param name="minerCount">How many miners there are.</param>
    /// <param name="batchSize">Units per claim.</param>
    /// <param name="executor">Runs units (honest, or a <see cref="CheatingExecutor"/>).</param>
    /// <param name="compute">Shared compute and blobs.</param>
    /// <param name="board">Where results are announced.</param>
    /// <param name="log">The activity log.</param>
    public MinerAgent(string name, DevnetKey key, int index, int minerCount, int batchSize, IWorkloadExecutor executor, JobCompute compute, ResultBoard board, ActivityLog log)
        : base(name, key, DevnetGenesis.ChainId, log)
    {
        _index = index;
        _minerCount = minerCount;
        _batchSize = batchSize;
        _executor = executor;
        _compute = compute;
        _board = board;
    }

    /// <summary>Units this miner computed.</summary>
    public int UnitsComputed { get; private set; }

    /// <inheritdoc />
    public override bool IsDone { get; } = true;

    private protected override async Task<IReadOnlyList<byte[]>> ActAsync(ChainView view, CancellationToken cancellationToken)
    {
        var txs = new List<byte[]>();
        if (!_burned)
        {
            if (!view.Price.IsValid)
            {
                return [];
            }

            _burned = true;
            var uphnx = (UInt128)10 * Denom.UnitsPerToken;
            var expected = uphnx * view.Price.PriceMicroUsd / 10_000;
            return [Account.Sign(new BurnForSparkMessage(uphnx, expected * 99 / 100).ToWire())];
        }

        // 1. Answer the re-execution game for disputed units of ours.
        foreach (var d in view.Disputes.Where(d => d.Phase == 1 && d.Turn == 0 && new Address(d.Miner.Span) == Address))
        {
            var leaves = await LeavesAsync(view, d.TaskId, d.Unit, cancellationToken).ConfigureAwait(false);
            var index = TaskMarketModule.NextBisectIndex(d);
            txs.Add(Account.Sign(new BisectMessage(d.Id, index, leaves[(int)index].ToArray(),
                [.. JobCompute.TraceProof(leaves, (int)index).Select(p => (ReadOnlyMemory<byte>)p.ToArray())]).ToWire()));
        }

        // 2. Run and submit claimed batches.
        foreach (var batch in view.Batches.Where(b => b.Status == 1 && new Address(b.Miner.Span) == Address && !_submitted.Contains(b.Id)))
        {
            var task = view.Tasks[(int)batch.TaskId - 1];
            var results = new List<PublishedUnit>();
            for (var u = batch.FirstUnit; u < batch.FirstUnit + batch.Count; u++)
            {
                var work = await _compute.UnitAsync(task, u, cancellationToken).ConfigureAwait(false);
                var result = await _executor.ExecuteAsync(work, _compute.Blobs, cancellationToken).ConfigureAwait(false);
                await _compute.Blobs.PutAsync(result.OutputId, result.Output, cancellationToken).ConfigureAwait(false);
                results.Add(new PublishedUnit(result.OutputId, result.TraceRoot));
                UnitsComputed++;
            }

            _submitted.Add(batch.Id);
            _board.Publish(batch.Id, results);
            var root = BatchMerkle.Root(ResultBoard.Leaves(results));
            Log.Write($"{Name} computed units {batch.FirstUnit}–{batch.FirstUnit + batch.Count - 1} (batch {batch.Id}) and submits root {root.ToString()[..12]}…");
            txs.Add(Account.Sign(new SubmitBatchMessage(batch.Id, root.ToArray()).ToWire()));
            _claimedAt = -1;
        }

        // 3. Redeem earned bTASK for SPARK.
        var credit = view.RedeemableCredit(Address);
        if (credit > 0)
        {
            txs.Add(Account.Sign(new RedeemMessage(credit.ToString(CultureInfo.InvariantCulture)).ToWire()));
            Log.Write($"{Name} redeems {Fmt.Tokens(credit)} bTASK for SPARK");
        }

        // 4. Claim more work when idle.
        var busy = view.Batches.Any(b => b.Status == 1 && new Address(b.Miner.Span) == Address);
        if (!busy && (_claimedAt < 0 || view.Height - _claimedAt > 3) && Claim(view) is { } claim)
        {
            _claimedAt = view.Height;
            txs.Add(Account.Sign(claim));
        }

        return txs;
    }

    private Message? Claim(ChainView view)
    {
        foreach (var task in view.Tasks.Where(t => t.Status == 0 && t.OpenUnits > 0))
        {
            // Open ranges of at most a batch each; miner i prefers range i (mod the number of ranges) so claims rarely collide.
            var ranges = new List<(uint First, uint Count)>();
            uint? start = null;
            for (uint u = 0; u <= task.Units; u++)
            {
                var open = u < task.Units && view.Unit(task.Id, u).State == UnitState.Open;
                if (open && start is null)
                {
                    start = u;
                }

                if (start is { } s && (!open || u - s == (uint)_batchSize))
                {
                    ranges.Add((s, u - s));
                    start = open ? u : null;
                }
            }

            if (ranges.Count > 0)
            {
                var (first, count) = ranges[_index % _minerCount % ranges.Count];
                Log.Write($"{Name} claims units {first}–{first + count - 1} of task {task.Id}");
                return new ClaimUnitsMessage(task.Id, first, count).ToWire();
            }
        }

        return null;
    }

    private async Task<IReadOnlyList<Hash32>> LeavesAsync(ChainView view, ulong taskId, uint unit, CancellationToken cancellationToken)
    {
        if (_leaves.TryGetValue((taskId, unit), out var cached))
        {
            return cached;
        }

        var work = await _compute.UnitAsync(view.Tasks[(int)taskId - 1], unit, cancellationToken).ConfigureAwait(false);
        var leaves = await _compute.TraceLeavesAsync(work, cancellationToken).ConfigureAwait(false);
        if (_executor is CheatingExecutor cheater && cheater.Cheated(work))
        {
            leaves = CheatingExecutor.FakeLeaves(leaves);
        }

        _leaves[(taskId, unit)] = leaves;
        return leaves;
    }
}
