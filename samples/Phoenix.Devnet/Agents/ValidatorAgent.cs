using System.Globalization;
using Phoenix.Compute.Verification;
using Phoenix.Devnet.Chain;
using Phoenix.Devnet.Compute;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.State;

namespace Phoenix.Devnet.Agents;

/// <summary>
/// A validator's market duties (consensus itself runs in the engine): reports the PHNX/USD price, spot-checks a
/// sample of each submitted batch drawn from the block hash after the submission and attests the batches it is asked
/// to (round-robin, 2 per batch; a validator steps in when an earlier one refused), refuses to attest a batch whose
/// sample holds a wrong unit, and sits on re-execution committees of disputes it is not a party to.
/// </summary>
public sealed class ValidatorAgent : Agent
{
    /// <summary>The price the devnet's validators report: 1 USD per PHNX.</summary>
    public const ulong PriceMicroUsd = 1_000_000;

    /// <summary>PHNX a validator locks behind each attestation.</summary>
    public static readonly UInt128 AttestationStake = (UInt128)10 * Denom.UnitsPerToken;

    private readonly JobCompute _compute;
    private readonly ResultBoard _board;
    private readonly int _index;
    private readonly int _validators;
    private readonly SpotCheckSampler _sampler;
    private readonly Dictionary<ulong, long> _firstSeen = [];
    private readonly Dictionary<ulong, bool> _verdicts = [];
    private readonly HashSet<ulong> _reported = [];
    private long? _lastPriceReport;

    /// <summary>Creates a validator agent.</summary>
    /// <param name="key">The operator key.</param>
    /// <param name="index">Its index among the validators.</param>
    /// <param name="validators">How many validators there are.</param>
    /// <param name="spotCheckRate">Fraction of each batch it re-executes before attesting.</param>
    /// <param name="compute">Shared compute and blobs.</param>
    /// <param name="board">Where miners announce results.</param>
    /// <param name="log">The activity log.</param>
    public ValidatorAgent(DevnetKey key, int index, int validators, double spotCheckRate, JobCompute compute, ResultBoard board, ActivityLog log)
        : base($"validator-{index}", key, DevnetGenesis.ChainId, log)
    {
        _index = index;
        _validators = validators;
        _compute = compute;
        _board = board;
        _sampler = new SpotCheckSampler(Math.Max(spotCheckRate, SpotCheck.MinimumRate));
    }

    /// <summary>Units this validator re-executed in spot checks.</summary>
    public int UnitsSpotChecked { get; private set; }

    /// <summary>Batches it refused to attest because a spot check failed.</summary>
    public int BatchesRefused { get; private set; }

    private protected override async Task<IReadOnlyList<byte[]>> ActAsync(ChainView view, CancellationToken cancellationToken)
    {
        var txs = new List<byte[]>();

        // 1. Oracle: report every 30 s (the devnet's staleness limit is 120 s).
        if (_lastPriceReport is not { } last || view.Time.Seconds - last >= 30)
        {
            _lastPriceReport = view.Time.Seconds;
            txs.Add(Account.Sign(new ReportPriceMessage(PriceMicroUsd).ToWire()));
        }

        // 2. Spot-check and attest submitted batches.
        foreach (var batch in view.Batches.Where(b => b.Status == 2))
        {
            if (!_firstSeen.TryGetValue(batch.Id, out var seen))
            {
                _firstSeen[batch.Id] = seen = view.Height;
            }

            var rank = (int)(((ulong)_index + (ulong)_validators - (batch.Id % (ulong)_validators)) % (ulong)_validators);
            var required = (int)view.Tasks[(int)batch.TaskId - 1].AttestationsRequired;
            var turn = rank < required || view.Height - seen >= 3 * (rank - required + 1);
            if (!turn || batch.Attestations.Any(a => new Address(a.Attester.Span) == Address))
            {
                continue;
            }

            if (!_verdicts.TryGetValue(batch.Id, out var ok))
            {
                ok = await SpotCheckAsync(view, batch, seenHash: view.Block.Hash, cancellationToken).ConfigureAwait(false);
                _verdicts[batch.Id] = ok;
                if (ok)
                {
                    txs.Add(Account.Sign(new AttestBatchMessage(batch.Id, batch.ResultsRoot.ToByteArray(), AttestationStake.ToString(CultureInfo.InvariantCulture)).ToWire()));
                }
            }
        }

        // 3. Committee: re-execute the disputed unit and report the disputed node's output digest.
        foreach (var d in view.Disputes.Where(d => d.Phase == 2 && !_reported.Contains(d.Id)))
        {
            var parties = d.Stakes.Select(s => new Address(s.Attester.Span)).Append(new Address(d.Challenger.Span)).Append(new Address(d.Miner.Span));
            if (parties.Contains(Address))
            {
                continue;
            }

            _reported.Add(d.Id);
            var work = await _compute.UnitAsync(view.Tasks[(int)d.TaskId - 1], d.Unit, cancellationToken).ConfigureAwait(false);
            var leaves = await _compute.TraceLeavesAsync(work, cancellationToken).ConfigureAwait(false);
            Log.Write($"{Name} re-executed unit {d.Unit} for dispute {d.Id}: node {d.Hi} digest {leaves[(int)d.Hi].ToString()[..12]}…");
            txs.Add(Account.Sign(new ReportNodeMessage(d.Id, leaves[(int)d.Hi].ToArray()).ToWire()));
        }

        return txs;
    }

    private async Task<bool> SpotCheckAsync(ChainView view, BatchRecord batch, Hash32 seenHash, CancellationToken cancellationToken)
    {
        var published = _board.Get(batch.Id);
        if (published is null || BatchMerkle.Root(ResultBoard.Leaves(published)) != new Hash32(batch.ResultsRoot.Span))
        {
            Log.Write($"{Name} refuses batch {batch.Id}: its results are not available or do not match the root");
            BatchesRefused++;
            return false;
        }

        var salt = new byte[Address.Length + 8];
        Address.TryWriteBytes(salt);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(salt.AsSpan(Address.Length), batch.Id);
        var sample = _sampler.Select(seenHash, salt, batch.Count);
        var task = view.Tasks[(int)batch.TaskId - 1];
        foreach (var i in sample)
        {
            var work = await _compute.UnitAsync(task, batch.FirstUnit + i, cancellationToken).ConfigureAwait(false);
            var verdict = await _compute.Verifier.VerifyAsync(work, new ClaimedResult(published[(int)i].OutputId, published[(int)i].TraceRoot), _compute.Blobs, cancellationToken).ConfigureAwait(false);
            UnitsSpotChecked++;
            if (verdict.Verdict != VerificationVerdict.Valid)
            {
                Log.Write($"{Name} spot check caught unit {batch.FirstUnit + i} of batch {batch.Id} ({verdict.Verdict}): refuses to attest");
                BatchesRefused++;
                return false;
            }
        }

        Log.Write($"{Name} spot-checked {sample.Count} of {batch.Count} units of batch {batch.Id}: all valid, attests {Fmt.Tokens(AttestationStake)} PHNX");
        return true;
    }
}
