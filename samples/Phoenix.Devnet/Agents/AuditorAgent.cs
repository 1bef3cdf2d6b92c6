using System.Collections.Concurrent;
using System.Globalization;
using Phoenix.Devnet.Chain;
using Phoenix.Devnet.Compute;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Devnet.Agents;

/// <summary>
/// An independent auditor (anyone may challenge): during each batch's challenge window it re-executes every attested
/// unit, challenges the wrong ones by staking PHNX equal to the attested stake behind the unit, and plays the
/// re-execution game from its own trace. A won dispute pays it the miner's bond and the attesters' slashed stake.
/// </summary>
public sealed class AuditorAgent : Agent
{
    private readonly JobCompute _compute;
    private readonly ResultBoard _board;
    private readonly HashSet<ulong> _audited = [];
    private readonly ConcurrentDictionary<(ulong Task, uint Unit), IReadOnlyList<Hash32>> _leaves = new();

    /// <summary>Creates the auditor.</summary>
    /// <param name="key">Its key.</param>
    /// <param name="compute">Shared compute and blobs.</param>
    /// <param name="board">Where miners announce results.</param>
    /// <param name="log">The activity log.</param>
    public AuditorAgent(DevnetKey key, JobCompute compute, ResultBoard board, ActivityLog log)
        : base("auditor", key, DevnetGenesis.ChainId, log)
    {
        _compute = compute;
        _board = board;
    }

    /// <summary>Units re-executed.</summary>
    public int UnitsAudited { get; private set; }

    private protected override async Task<IReadOnlyList<byte[]>> ActAsync(ChainView view, CancellationToken cancellationToken)
    {
        var txs = new List<byte[]>();
        foreach (var d in view.Disputes.Where(d => d.Phase == 1 && d.Turn == 1 && new Address(d.Challenger.Span) == Address))
        {
            var leaves = _leaves[(d.TaskId, d.Unit)];
            var index = TaskMarketModule.NextBisectIndex(d);
            txs.Add(Account.Sign(new BisectMessage(d.Id, index, leaves[(int)index].ToArray(),
                [.. JobCompute.TraceProof(leaves, (int)index).Select(p => (ReadOnlyMemory<byte>)p.ToArray())]).ToWire()));
        }

        foreach (var batch in view.Batches.Where(b => b.Status == 3 && !_audited.Contains(b.Id)))
        {
            _audited.Add(batch.Id);
            if (_board.Get(batch.Id) is not { } published)
            {
                continue;
            }

            var task = view.Tasks[(int)batch.TaskId - 1];
            var leaves = ResultBoard.Leaves(published);
            for (uint i = 0; i < batch.Count; i++)
            {
                var unit = batch.FirstUnit + i;
                var work = await _compute.UnitAsync(task, unit, cancellationToken).ConfigureAwait(false);
                var claimed = new ClaimedResult(published[(int)i].OutputId, published[(int)i].TraceRoot);
                var verdict = await _compute.Verifier.VerifyAsync(work, claimed, _compute.Blobs, cancellationToken).ConfigureAwait(false);
                UnitsAudited++;
                if (verdict.Verdict != VerificationVerdict.Invalid)
                {
                    continue;
                }

                var mine = await _compute.TraceLeavesAsync(work, cancellationToken).ConfigureAwait(false);
                _leaves[(task.Id, unit)] = mine;
                Log.Write($"auditor found unit {unit} of batch {batch.Id} wrong and challenges it");
                txs.Add(Account.Sign(new ChallengeUnitMessage(batch.Id, unit, claimed.OutputId.ToArray(), claimed.TraceRoot.ToArray(),
                    [.. BatchMerkle.Proof(leaves, (int)i).Select(p => (ReadOnlyMemory<byte>)p.ToArray())],
                    JobCompute.TraceRoot(mine).ToArray(), (ulong)mine.Count).ToWire()));
            }
        }

        return txs;
    }
}

/// <summary>A PHNX holder that offers PHNX into each hourly buy-back auction (a new ask after every settlement).</summary>
public sealed class MarketMakerAgent : Agent
{
    private bool _askOpen;

    /// <summary>Creates the market maker.</summary>
    /// <param name="key">Its key.</param>
    /// <param name="log">The activity log.</param>
    public MarketMakerAgent(DevnetKey key, ActivityLog log)
        : base("market-maker", key, DevnetGenesis.ChainId, log)
    {
    }

    private protected override Task<IReadOnlyList<byte[]>> ActAsync(ChainView view, CancellationToken cancellationToken)
    {
        if (view.Events.Any(e => ChainView.Is(e, "buyback_settled")))
        {
            _askOpen = false;
        }

        if (_askOpen || !view.Price.IsValid)
        {
            return Task.FromResult<IReadOnlyList<byte[]>>([]);
        }

        // Offer 5 PHNX at no less than 95 SPARK each (the oracle says 100).
        _askOpen = true;
        var amount = (UInt128)5 * Denom.UnitsPerToken;
        var minPrice = (UInt128)95 * Denom.UnitsPerToken;
        return Task.FromResult<IReadOnlyList<byte[]>>([Account.Sign(new PlaceAskMessage(amount.ToString(CultureInfo.InvariantCulture), minPrice.ToString(CultureInfo.InvariantCulture)).ToWire())]);
    }
}
