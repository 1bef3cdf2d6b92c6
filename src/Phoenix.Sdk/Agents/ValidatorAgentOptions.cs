using System.ComponentModel.DataAnnotations;

namespace Phoenix.Sdk.Agents;

/// <summary>Local settings of a <see cref="ValidatorAgent"/> (not protocol parameters).</summary>
public sealed class ValidatorAgentOptions
{
    /// <summary>The probability with which each unit of a submitted batch is re-executed before attesting (DESIGN §6).</summary>
    /// <value>The default is 0.1. 1 checks every unit; 0 attests without re-executing anything (only sensible for tests).</value>
    [Range(0.0, 1.0)]
    public double SpotCheckRate { get; set; } = 0.1;

    /// <summary>The PHNX/USD price (micro-USD per PHNX) the validator reports to the oracle and sizes its attestation stakes with; <see langword="null"/> reports nothing and attests nothing.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Func<ulong>? PriceSource { get; set; }

    /// <summary>How often (in chain time) to report the price.</summary>
    /// <value>The default is 60 seconds (below the chain's default 600-second staleness limit).</value>
    public TimeSpan PriceReportInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Stake locked per attestation, in basis points of the minimum the chain requires at <see cref="PriceSource"/>'s price (margin against oracle drift).</summary>
    /// <value>The default is 12,500 (125 %).</value>
    [Range(10_000, 1_000_000)]
    public uint StakeMarginBasisPoints { get; set; } = 12_500;

    /// <summary>Only batches with an id at or above this are considered.</summary>
    /// <value>The default is 1.</value>
    [Range(1, ulong.MaxValue)]
    public ulong FirstBatchId { get; set; } = 1;

    /// <summary>The first block read for batch submissions (their manifests are named in the transactions).</summary>
    /// <value>The default is 1.</value>
    [Range(1, long.MaxValue)]
    public long StartHeight { get; set; } = 1;
}
