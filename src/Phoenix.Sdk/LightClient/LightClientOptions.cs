using System.ComponentModel.DataAnnotations;

namespace Phoenix.Sdk.LightClient;

/// <summary>Settings of a <see cref="LightClientAppHashSource"/> (local settings, not protocol parameters).</summary>
public sealed class LightClientOptions
{
    /// <summary>How long a verified header may be used to verify newer ones (CometBFT's trusting period); keep it
    /// below the chain's unbonding period, so that validators who signed it can still be slashed for lying.</summary>
    /// <value>The default is 14 days.</value>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan TrustingPeriod { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How far in the future (by the local clock) a header's time may be.</summary>
    /// <value>The default is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxClockDrift { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether to verify every header between the trusted one and the target (otherwise skip ahead when
    /// more than 1/3 of the trusted voting power signed the target, bisecting when it did not).</summary>
    /// <value>The default is <see langword="false"/> (skipping, as CometBFT's light client does).</value>
    public bool Sequential { get; set; }

    /// <summary>How long to wait for a header that is not committed yet (the app hash of height H is in header H + 1).</summary>
    /// <value>The default is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan HeaderWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often to ask again for a header that is not committed yet.</summary>
    /// <value>The default is 250 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan HeaderPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many verified headers to keep (older ones are re-verified backwards from the hash chain when needed).</summary>
    /// <value>The default is 1024.</value>
    [Range(2, 1_000_000)]
    public int MaxCachedHeaders { get; set; } = 1024;
}
