using Phoenix.IntegrationTests.Support;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.LightClient;
using Phoenix.TestKit;

namespace Phoenix.IntegrationTests.Sdk;

/// <summary>The SDK's light client against four real validators: headers served by the node host's LightClientService.</summary>
public sealed class LightClientIntegrationTests
{
    [Fact]
    public async Task GetBalanceAsync_FourValidatorDevnet_ProvenAgainstHeadersVerifiedFromACheckpoint()
    {
        await using var net = await LoopbackDevnet.StartAsync(4);
        var tx = net.Transfer(TestKeys.Alice, TestKeys.Dave.Address, 2_500_000);
        Assert.True((await net.BroadcastAsync(0, tx, Phoenix.Protocol.Node.V1.BroadcastMode.Commit)).Committed);
        await net.WaitHeightAsync(4);
        // The checkpoint (header 1's hash) comes from another node than the ones serving headers and answering queries.
        using var checkpointSource = new PhoenixClientBuilder().AddEndpoint(net.Addresses[2]!).Build();
        var first = await checkpointSource.GetLightBlockAsync(1);
        var root = LightClientTrustRoot.FromHeader(LoopbackDevnet.ChainId, 1, HeaderHash(first!));

        using var headers = new PhoenixClientBuilder().AddEndpoint(net.Addresses[0]!).Build();
        using var light = new LightClientAppHashSource(headers, root);
        using var client = new PhoenixClientBuilder().AddEndpoint(net.Addresses[1]!).UseTrustedAppHashSource(light).Build();

        var balance = await client.GetBalanceAsync(TestKeys.Dave.Address, Denom.Phnx).WaitAsync(LoopbackDevnet.Generous);

        Assert.Equal(new Amount(2_500_000, Denom.Phnx), balance);
        Assert.True(light.LatestVerifiedHeight >= 4);
        var header = await light.VerifyHeaderAsync(light.LatestVerifiedHeight);
        var served = await headers.GetLightBlockAsync(header.Height);
        Assert.Equal(served!.Header.AppHash.ToByteArray(), header.AppHash.ToArray());
    }

    /// <summary>Header 1's hash as the node host computes it (its consensus types), independent of the SDK's code.</summary>
    private static Hash32 HeaderHash(LightBlock block)
    {
        var h = block.Header;
        var header = new Phoenix.Node.Consensus.Types.Header
        {
            VersionBlock = h.VersionBlock,
            VersionApp = h.VersionApp,
            ChainId = h.ChainId,
            Height = h.Height,
            Time = new Timestamp(h.Time.Seconds, h.Time.Nanos),
            LastBlockId = new Phoenix.Node.Consensus.Types.BlockId(h.LastBlockId.Hash.ToByteArray(), new Phoenix.Node.Consensus.Types.PartSetHeader(h.LastBlockId.PartSetHeader.Total, h.LastBlockId.PartSetHeader.Hash.ToByteArray())),
            LastCommitHash = h.LastCommitHash.ToByteArray(),
            DataHash = h.DataHash.ToByteArray(),
            ValidatorsHash = h.ValidatorsHash.ToByteArray(),
            NextValidatorsHash = h.NextValidatorsHash.ToByteArray(),
            ConsensusHash = h.ConsensusHash.ToByteArray(),
            AppHash = h.AppHash.ToByteArray(),
            LastResultsHash = h.LastResultsHash.ToByteArray(),
            EvidenceHash = h.EvidenceHash.ToByteArray(),
            ProposerAddress = h.ProposerAddress.ToByteArray(),
        };
        return new Hash32(header.Hash());
    }
}
