using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Phoenix.Node.Hosting;
using Phoenix.Node.Tests.Storage;
using Phoenix.Protocol.Node.V1;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Tests.Hosting;

/// <summary>A node in a web application configured from the <c>Phoenix:Node</c> section, served on one port.</summary>
public sealed class GenericHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AddPhoenixNode_FromConfiguration_CommitsBlocksAndServesStatusOnTheBoundPort()
    {
        var home = ValidatorNetwork.Initialize("phoenix-host-1", Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), [_dir.Sub("v0")]).Single();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Phoenix:Node:Moniker"] = "configured-node",
            ["Phoenix:Node:HomeDirectory"] = home.HomeDirectory,
            ["Phoenix:Node:ListenUrl"] = "http://127.0.0.1:0",
            ["Phoenix:Node:Consensus:Timeouts:Commit"] = "00:00:00.05",
            ["Phoenix:Node:Consensus:Timeouts:Propose"] = "00:00:00.5",
        });
        builder.AddPhoenixNode();
        await using var app = builder.Build();
        app.MapPhoenixNode();
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var channel = GrpcChannel.ForAddress(address);
            var client = new NodeService.NodeServiceClient(channel);
            var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
            GetStatusResponse status;
            do
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, "no blocks committed");
                await Task.Delay(50);
                status = await client.GetStatusAsync(new GetStatusRequest());
            }
            while (status.LatestHeight < 3);

            Assert.Equal("configured-node", status.Moniker);
            Assert.Equal("phoenix-host-1", status.ChainId);
            var block = await client.GetBlockAsync(new GetBlockRequest { Height = 2 });
            Assert.Equal(2, block.Block.Height);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
