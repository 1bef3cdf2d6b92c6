using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Phoenix.Node.Diagnostics;
using Phoenix.Node.Tests.Api;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Tests.Diagnostics;

public sealed class NodeHealthCheckTests
{
    private static readonly DateTimeOffset BlockTime = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly FakeNodeStatus _status = new();
    private readonly FakeTimeProvider _time = new(BlockTime);

    private async Task<HealthCheckResult> CheckAsync(long height = 10, bool catchingUp = false, int peers = 3)
    {
        _status.Status = _status.Status with { LatestHeight = height, CatchingUp = catchingUp, Peers = peers, LatestBlockTime = new Timestamp(BlockTime.ToUnixTimeSeconds(), 0) };
        var check = new NodeHealthCheck(_status, Options.Create(new NodeHealthOptions { MaxBlockAge = TimeSpan.FromSeconds(30), MinPeers = 2 }), _time);
        return await check.CheckHealthAsync(new HealthCheckContext());
    }

    [Fact]
    public async Task CheckHealth_RecentBlockEnoughPeers_Healthy()
    {
        _time.Advance(TimeSpan.FromSeconds(5));

        var result = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(10L, result.Data["height"]);
        Assert.Equal(5.0, result.Data["block_age_seconds"]);
    }

    [Fact]
    public async Task CheckHealth_LastBlockOlderThanMaxAge_Unhealthy()
    {
        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync()).Status);
    }

    [Theory]
    [InlineData(0, false, 3)]
    [InlineData(10, true, 3)]
    [InlineData(10, false, 1)]
    public async Task CheckHealth_NoBlockCatchingUpOrFewPeers_Degraded(long height, bool catchingUp, int peers)
    {
        Assert.Equal(HealthStatus.Degraded, (await CheckAsync(height, catchingUp, peers)).Status);
    }
}
