using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Phoenix.Node.Mempool;

/// <summary>Local limits of the transaction mempool (node configuration section <c>Phoenix:Node:Mempool</c>).</summary>
/// <remarks>These are local settings, not consensus parameters: validators may differ.</remarks>
public sealed class MempoolOptions
{
    /// <summary>Maximum number of transactions held.</summary>
    /// <value>The default value is 5000.</value>
    [Range(1, 10_000_000)]
    public int MaxTxs { get; set; } = 5000;

    /// <summary>Maximum total bytes of the transactions held.</summary>
    /// <value>The default value is 64 MiB (67108864).</value>
    [Range(typeof(long), "1024", "1099511627776")]
    public long MaxTxsBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Maximum size of one transaction; larger ones are refused before <c>CheckTx</c>.</summary>
    /// <value>The default value is 1 MiB (1048576).</value>
    [Range(1, 100 * 1024 * 1024)]
    public int MaxTxBytes { get; set; } = 1024 * 1024;

    /// <summary>Number of recently seen transaction hashes remembered to refuse duplicates and replays cheaply (0 disables the cache).</summary>
    /// <value>The default value is 10000.</value>
    [Range(0, 10_000_000)]
    public int CacheSize { get; set; } = 10_000;

    /// <summary>Whether transactions that fail <c>CheckTx</c> stay in the seen cache, so an identical resubmission is refused without another check.</summary>
    /// <value>The default value is <see langword="false"/> (a transaction rejected now, for example for a sequence gap, may be valid later).</value>
    public bool KeepInvalidTxsInCache { get; set; }

    /// <summary>Whether the remaining transactions are re-checked against the new state after every block.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Recheck { get; set; } = true;

    /// <summary>
    /// Number of transaction signature verdicts the node remembers (keyed by transaction hash), so a transaction verified
    /// on admission is not verified again when its block executes on this node (0 disables the cache).
    /// </summary>
    /// <value>The default value is 50000.</value>
    [Range(0, 10_000_000)]
    public int SignatureCacheSize { get; set; } = 50_000;

    /// <summary>Capacity of the queue of newly admitted transactions handed to gossip; when the transport falls behind, the oldest are dropped (peers still get them in blocks).</summary>
    /// <value>The default value is 10000.</value>
    [Range(1, 10_000_000)]
    public int GossipQueueCapacity { get; set; } = 10_000;
}

/// <summary>Validates <see cref="MempoolOptions"/> (source-generated; reports every violated limit at once).</summary>
[OptionsValidator]
public sealed partial class MempoolOptionsValidator : IValidateOptions<MempoolOptions>
{
}
