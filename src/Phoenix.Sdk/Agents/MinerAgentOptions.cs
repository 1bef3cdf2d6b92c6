using System.ComponentModel.DataAnnotations;

namespace Phoenix.Sdk.Agents;

/// <summary>Local settings of a <see cref="MinerAgent"/> (not protocol parameters).</summary>
public sealed class MinerAgentOptions
{
    /// <summary>The most units claimed as one batch.</summary>
    /// <value>The default is 16.</value>
    [Range(1, 10_000)]
    public int MaxBatchUnits { get; set; } = 16;

    /// <summary>How many batches to claim, run and submit per pass (one pass per block).</summary>
    /// <value>The default is 1, so that several miners share a task.</value>
    [Range(1, 1_000)]
    public int MaxBatchesPerPass { get; set; } = 1;

    /// <summary>Claim only when at least this much time is left before the task's deadline.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan MinimumTimeLeft { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Redeem earned bTASK for SPARK once at least this many ubtask are redeemable; 0 never redeems.</summary>
    /// <value>The default is 1 (redeem whatever was earned).</value>
    public ulong RedeemThreshold { get; set; } = 1;

    /// <summary>Only tasks with an id at or above this are considered (skip history on a long-running chain).</summary>
    /// <value>The default is 1.</value>
    [Range(1, ulong.MaxValue)]
    public ulong FirstTaskId { get; set; } = 1;
}
