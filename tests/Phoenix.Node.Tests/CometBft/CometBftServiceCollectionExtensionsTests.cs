using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Phoenix.Node.CometBft;
using Phoenix.Node.Tests.CometBft.Support;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Tests.CometBft;

public sealed class CometBftServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddCometBftAbciServer_CalledTwice_RegistersOneHostedServiceThatServesTheApplication()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<IAbciApplication>(new KvStoreApplication(new KvDurableStore()));
        services.AddCometBftAbciServer(o => o.Address = "tcp://127.0.0.1:1");
        services.AddCometBftAbciServer(o => o.Address = "tcp://127.0.0.1:0");
        await using var provider = services.BuildServiceProvider();

        var hosted = Assert.Single(provider.GetServices<IHostedService>());
        await hosted.StartAsync(CancellationToken.None);
        try
        {
            var address = provider.GetRequiredService<CometBftAbciHostedService>().ListenAddress;
            await using var comet = await CometBftSide.ConnectAsync(address, AbciTransport.Socket, AbciProtocolVersion.V0_38);
            Assert.Equal("ping", await comet.EchoAsync("ping"));
            Assert.Equal(0, (await comet.InfoAsync()).Height);
        }
        finally
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }
}
