using Phoenix.Node.Consensus.Tendermint;
using Phoenix.Node.Hosting;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.LightClient;

namespace Phoenix.IntegrationTests.Node;

/// <summary>The SDK's light client against a validator restarted on its data directory: heights from before the restart still verify.</summary>
public sealed class LightClientAcrossRestartTests : IDisposable
{
    private const string ChainId = "phoenix-light-restart-1";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "phoenix-light-restart-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task VerifyHeaderAsync_HeightCommittedBeforeRestart_VerifiesFromACheckpointTakenBeforeRestart()
    {
        var home = ValidatorNetwork.Initialize(ChainId, Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), [Path.Combine(_dir, "v0")]).Single();
        byte[] blockHash;
        byte[] firstHash;
        long stoppedAt;
        await using (var node = await StartAsync(home))
        {
            await WaitAsync(() => node.Height >= 4, $"the node did not reach height 4 (at {node.Height})");
            blockHash = node.Runtime.Blocks!.LoadBlock(3)!.Block.Hash();
            firstHash = node.Runtime.Blocks.LoadBlock(1)!.Block.Hash();
            await node.DisposeAsync();
            stoppedAt = node.Height;
        }

        await using var again = await StartAsync(home);
        Assert.Equal(stoppedAt, again.Runtime.AppHeightAtOpen);
        // The trust root (header 1's hash) was taken before the restart, not from what the restarted node serves.
        var root = LightClientTrustRoot.FromHeader(ChainId, 1, new Hash32(firstHash));
        using var client = new PhoenixClientBuilder().AddEndpoint(again.ListenAddress).Build();
        using var light = new LightClientAppHashSource(client, root, new LightClientOptions { Sequential = true });

        var header = await light.VerifyHeaderAsync(3).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(3, header.Height);
        Assert.Equal(Convert.ToHexString(blockHash), Convert.ToHexString(header.Hash.ToArray()));
    }

    private static Task<PhoenixNode> StartAsync(ValidatorHome home)
    {
        var o = home.CreateOptions();
        o.ListenUrl = "http://127.0.0.1:0";
        o.Consensus.Timeouts = new ConsensusTimeoutOptions
        {
            Propose = TimeSpan.FromMilliseconds(500), Prevote = TimeSpan.FromMilliseconds(200), Precommit = TimeSpan.FromMilliseconds(200),
            Commit = TimeSpan.FromMilliseconds(50),
        };
        return PhoenixNode.StartAsync(o);
    }

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }
}
