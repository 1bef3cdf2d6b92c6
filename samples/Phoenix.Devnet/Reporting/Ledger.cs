using System.Globalization;
using Phoenix.Devnet.Agents;
using Phoenix.Devnet.Chain;
using Phoenix.Protocol.Abci;

namespace Phoenix.Devnet.Reporting;

/// <summary>Adds up what the chain reported in its events, block by block (validator 0's view).</summary>
public sealed class Ledger
{
    private readonly Dictionary<string, string> _names;
    private readonly List<string> _failed = [];

    /// <summary>Creates a ledger.</summary>
    /// <param name="names">Display names by bech32 address.</param>
    public Ledger(IReadOnlyDictionary<string, string> names)
    {
        _names = new Dictionary<string, string>(names, StringComparer.Ordinal);
    }

    /// <summary>uphnx burned for SPARK.</summary>
    public UInt128 PhnxBurnedByMinting { get; private set; }

    /// <summary>uspark minted.</summary>
    public UInt128 SparkMinted { get; private set; }

    /// <summary>ubtask minted to miners.</summary>
    public UInt128 BTaskMinted { get; private set; }

    /// <summary>ubtask redeemed.</summary>
    public UInt128 BTaskRedeemed { get; private set; }

    /// <summary>uspark paid to miners for redeemed bTASK.</summary>
    public UInt128 SparkPaid { get; private set; }

    /// <summary>uspark of fees to attesters.</summary>
    public UInt128 FeesToAttesters { get; private set; }

    /// <summary>uspark of fees to the buy-back pool.</summary>
    public UInt128 FeesToBuyBack { get; private set; }

    /// <summary>Buy-back auctions settled.</summary>
    public int BuyBackEpochs { get; private set; }

    /// <summary>uspark spent by the buy-back.</summary>
    public UInt128 BuyBackSpent { get; private set; }

    /// <summary>uphnx burned by the buy-back.</summary>
    public UInt128 PhnxBurnedByBuyBack { get; private set; }

    /// <summary>Height of the last buy-back that burned PHNX.</summary>
    public long LastBuyBackBurnHeight { get; private set; }

    /// <summary>Height of the last buy-back auction settled (whether or not it burned anything).</summary>
    public long LastBuyBackEpochHeight { get; private set; }

    /// <summary>Height of the last unit payout.</summary>
    public long LastPayoutHeight { get; private set; }

    /// <summary>Units paid per miner name.</summary>
    public Dictionary<string, int> UnitsPaid { get; } = new(StringComparer.Ordinal);

    /// <summary>ubtask minted per miner name.</summary>
    public Dictionary<string, UInt128> MintedTo { get; } = new(StringComparer.Ordinal);

    /// <summary>uspark redeemed per name.</summary>
    public Dictionary<string, UInt128> RedeemedBy { get; } = new(StringComparer.Ordinal);

    /// <summary>Every slash.</summary>
    public List<SlashSummary> Slashes { get; } = [];

    /// <summary>Every resolved dispute.</summary>
    public List<DisputeSummary> Disputes { get; } = [];

    /// <summary>Disputes opened.</summary>
    public int DisputesOpened { get; private set; }

    /// <summary>Failed transactions.</summary>
    public IReadOnlyList<string> FailedTransactions => _failed;

    /// <summary>The display name of an address.</summary>
    /// <param name="address">bech32 address or another party label.</param>
    /// <returns>The name, or the text itself.</returns>
    public string Name(string address) => _names.TryGetValue(address, out var n) ? n : address;

    /// <summary>Adds a block's events.</summary>
    /// <param name="block">The block.</param>
    /// <param name="log">Where notable events are written.</param>
    public void Apply(CommittedBlock block, ActivityLog log)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(log);
        foreach (var r in block.Result.TxResults.Where(r => r.Code != 0))
        {
            _failed.Add(string.Create(CultureInfo.InvariantCulture, $"h{block.Height}: {r.Codespace}/{r.Code} {r.Log}"));
        }

        var events = block.Result.TxResults.Where(r => r.Code == 0).SelectMany(r => r.Events).Concat(block.Result.Events);
        foreach (var e in events)
        {
            Apply(block.Height, e, log);
        }
    }

    private void Apply(long height, AbciEvent e, ActivityLog log)
    {
        static UInt128 V(AbciEvent e, string key) => Fmt.Value(ChainView.Attr(e, key));
        if (ChainView.Is(e, "burn_for_spark"))
        {
            PhnxBurnedByMinting += V(e, "uphnx");
            SparkMinted += V(e, "uspark");
        }
        else if (ChainView.Is(e, "units_finalized"))
        {
            var miner = Name(ChainView.Attr(e, "miner"));
            var units = int.Parse(ChainView.Attr(e, "units"), CultureInfo.InvariantCulture);
            UnitsPaid[miner] = UnitsPaid.GetValueOrDefault(miner) + units;
            MintedTo[miner] = MintedTo.GetValueOrDefault(miner) + V(e, "btask_minted");
            BTaskMinted += V(e, "btask_minted");
            FeesToAttesters += V(e, "fee_to_attesters");
            FeesToBuyBack += V(e, "fee_to_buyback");
            LastPayoutHeight = height;
            log.Write($"chain: {units} units of {miner} finalized, {Fmt.Tokens(V(e, "btask_minted"))} bTASK minted");
        }
        else if (ChainView.Is(e, "redeemed"))
        {
            var holder = Name(ChainView.Attr(e, "holder"));
            BTaskRedeemed += V(e, "btask_burned");
            SparkPaid += V(e, "spark_paid");
            RedeemedBy[holder] = RedeemedBy.GetValueOrDefault(holder) + V(e, "spark_paid");
        }
        else if (ChainView.Is(e, "buyback_settled"))
        {
            BuyBackEpochs++;
            LastBuyBackEpochHeight = height;
            BuyBackSpent += V(e, "spark_spent");
            PhnxBurnedByBuyBack += V(e, "phnx_burned");
            if (V(e, "phnx_burned") > 0)
            {
                LastBuyBackBurnHeight = height;
                log.Write($"chain: buy-back epoch {ChainView.Attr(e, "epoch")} spent {Fmt.Tokens(V(e, "spark_spent"))} SPARK and burned {Fmt.Tokens(V(e, "phnx_burned"))} PHNX");
            }
        }
        else if (ChainView.Is(e, "unit_challenged"))
        {
            DisputesOpened++;
        }
        else if (ChainView.Is(e, "slashed"))
        {
            var slash = new SlashSummary(ulong.Parse(ChainView.Attr(e, "dispute_id"), CultureInfo.InvariantCulture), Name(ChainView.Attr(e, "who")),
                Fmt.Amount(ChainView.Attr(e, "amount")), Name(ChainView.Attr(e, "to")));
            Slashes.Add(slash);
            log.Write($"chain: SLASH {slash.Who} loses {slash.Amount} to {slash.To} (dispute {slash.DisputeId})");
        }
        else if (ChainView.Is(e, "dispute_resolved"))
        {
            var d = new DisputeSummary(ulong.Parse(ChainView.Attr(e, "dispute_id"), CultureInfo.InvariantCulture), uint.Parse(ChainView.Attr(e, "unit"), CultureInfo.InvariantCulture),
                ChainView.Attr(e, "verdict"), ChainView.Attr(e, "reason"));
            Disputes.Add(d);
            log.Write($"chain: dispute {d.DisputeId} on unit {d.Unit} resolved: {d.Verdict} ({d.Reason})");
        }
        else if (ChainView.Is(e, "committee_called"))
        {
            log.Write($"chain: dispute {ChainView.Attr(e, "dispute_id")} bisected to graph node {ChainView.Attr(e, "node_index")}; committee called");
        }
    }
}
