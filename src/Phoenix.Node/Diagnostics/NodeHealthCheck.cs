using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Phoenix.Node.Api;

namespace Phoenix.Node.Diagnostics;

/// <summary>Health thresholds (section <c>Phoenix:Node:Health</c>).</summary>
public sealed class NodeHealthOptions
{
    /// <summary>How old the last committed block may be before the node reports Unhealthy (the chain, or this node, has stalled).</summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxBlockAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Fewer connected peers than this reports Degraded.</summary>
    /// <value>The default value is 1.</value>
    [Range(0, 10_000)]
    public int MinPeers { get; set; } = 1;
}

/// <summary>Validates <see cref="NodeHealthOptions"/> (source-generated).</summary>
[OptionsValidator]
public sealed partial class NodeHealthOptionsValidator : IValidateOptions<NodeHealthOptions>
{
}

/// <summary>
/// The node's health: Unhealthy when no block was committed within <see cref="NodeHealthOptions.MaxBlockAge"/>;
/// Degraded while catching up, before the first block, or with fewer than <see cref="NodeHealthOptions.MinPeers"/> peers;
/// Healthy otherwise. The result's data carries height, peers and block age for dashboards.
/// </summary>
/// <param name="status">The node's status.</param>
/// <param name="options">Thresholds.</param>
/// <param name="time">The clock (block age is measured against it).</param>
public sealed class NodeHealthCheck(INodeStatus status, IOptions<NodeHealthOptions> options, TimeProvider? time = null) : IHealthCheck
{
    private readonly INodeStatus _status = status ?? throw new ArgumentNullException(nameof(status));
    private readonly NodeHealthOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).Value;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var s = _status.GetStatus();
        var blockTime = DateTimeOffset.FromUnixTimeSeconds(s.LatestBlockTime.Seconds).AddTicks(s.LatestBlockTime.Nanos / 100);
        var age = _time.GetUtcNow() - blockTime;
        var data = new Dictionary<string, object>
        {
            ["height"] = s.LatestHeight,
            ["peers"] = s.Peers,
            ["catching_up"] = s.CatchingUp,
            ["block_age_seconds"] = s.LatestHeight == 0 ? -1 : Math.Round(age.TotalSeconds, 3),
        };

        HealthCheckResult result;
        if (s.LatestHeight == 0)
        {
            result = HealthCheckResult.Degraded("No block committed yet (waiting for genesis or peers).", data: data);
        }
        else if (age > _options.MaxBlockAge)
        {
            result = HealthCheckResult.Unhealthy($"The last block ({s.LatestHeight}) is {age.TotalSeconds:F0} s old; the limit is {_options.MaxBlockAge.TotalSeconds:F0} s.", data: data);
        }
        else if (s.CatchingUp)
        {
            result = HealthCheckResult.Degraded($"Catching up from peers (at height {s.LatestHeight}).", data: data);
        }
        else if (s.Peers < _options.MinPeers)
        {
            result = HealthCheckResult.Degraded($"{s.Peers} peers connected; at least {_options.MinPeers} expected.", data: data);
        }
        else
        {
            result = HealthCheckResult.Healthy($"At height {s.LatestHeight} with {s.Peers} peers.", data);
        }

        return Task.FromResult(result);
    }
}
