using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Tasks;

/// <summary>What <see cref="Client.PhoenixClient.PostTaskAsync"/> posts: the model and inputs (uploaded as blobs), the price and the rules.</summary>
/// <remarks>A mutable description: build it, then post it. The SDK validates it before uploading anything.</remarks>
public sealed class TaskRequest
{
    /// <summary>The workload kind.</summary>
    /// <value>The default is <see cref="WorkloadKinds.OnnxV1"/>.</value>
    public string Kind { get; set; } = WorkloadKinds.OnnxV1;

    /// <summary>The model bytes (uploaded as one blob; required, non-empty).</summary>
    public ReadOnlyMemory<byte> Model { get; set; }

    /// <summary>One input blob per unit, in unit order (required, 1 to 1,000,000 entries).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Inputs { get; set; } = [];

    /// <summary>SPARK paid per finalized unit (required, non-zero).</summary>
    public Amount PricePerUnit { get; set; } = new(0, Denom.Spark);

    /// <summary>Attestations that open a batch's challenge window, 1 to 16.</summary>
    /// <value>The default is 1.</value>
    public uint AttestationsRequired { get; set; } = 1;

    /// <summary>How long after the latest block time the task accepts claims and submissions.</summary>
    /// <value>The default is one day.</value>
    public TimeSpan Duration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a miner's claim waits for its submission.</summary>
    /// <value>The default is one hour.</value>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Exact (bit-identical, re-execution game) or tolerance (element-wise, stake vote) verification.</summary>
    /// <value>The default is <see cref="VerificationMode.Exact"/>.</value>
    public VerificationMode Mode { get; set; } = VerificationMode.Exact;

    /// <summary>rtol in parts per billion (tolerance mode only).</summary>
    /// <value>The default is 0.</value>
    public ulong RelativeTolerancePpb { get; set; }

    /// <summary>atol in parts per billion (tolerance mode only).</summary>
    /// <value>The default is 0.</value>
    public ulong AbsoluteTolerancePpb { get; set; }

    /// <summary>When set, missing SPARK is minted by burning PHNX within these limits before posting.</summary>
    /// <value>The default is <see langword="null"/>: a buyer without enough SPARK gets a <see cref="TaskFundingException"/>.</value>
    public SparkPurchase? Purchase { get; set; }
}

/// <summary>
/// Lets <see cref="Client.PhoenixClient.PostTaskAsync"/> burn PHNX for SPARK that the buyer lacks, so an app
/// never juggles tokens by hand: it burns <c>⌈missing × 10,000 / MinPriceMicroUsd⌉</c> uphnx with the
/// slippage guard <c>min_spark_out = missing</c>, so the burn either mints at least what is missing or fails
/// without burning anything.
/// </summary>
/// <param name="MinPriceMicroUsd">The lowest PHNX/USD oracle price (micro-USD per PHNX) the buyer accepts; a lower price would burn more PHNX than planned, so the chain refuses.
/// At a higher price the burn mints more SPARK than missing, and the surplus stays in the buyer's wallet.</param>
/// <param name="MaxPhnx">The most PHNX the buyer allows to burn.</param>
public sealed record SparkPurchase(ulong MinPriceMicroUsd, Amount MaxPhnx);
