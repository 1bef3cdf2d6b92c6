using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Phoenix.Node.Api;
using Phoenix.Node.Mempool;

namespace Phoenix.Node.Tests.Diagnostics;

public sealed class PhoenixNodeOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddPhoenixNodeApi();
        services.AddPhoenixNodeApi();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddPhoenixNodeApi_ConfigurationFile_BindsNestedSections()
    {
        using var provider = Build(new()
        {
            ["Phoenix:Node:Moniker"] = "validator-3",
            ["Phoenix:Node:Peers:0"] = "http://10.0.0.2:26657",
            ["Phoenix:Node:Mempool:MaxTxs"] = "777",
            ["Phoenix:Node:Api:BroadcastCommitTimeout"] = "00:00:12",
        });

        var node = provider.GetRequiredService<IOptions<PhoenixNodeOptions>>().Value;
        Assert.Equal("validator-3", node.Moniker);
        Assert.Equal(["http://10.0.0.2:26657"], node.Peers);
        Assert.Equal(777, node.Mempool.MaxTxs);
        Assert.Equal(777, provider.GetRequiredService<IOptions<MempoolOptions>>().Value.MaxTxs);
        Assert.Equal(TimeSpan.FromSeconds(12), provider.GetRequiredService<IOptions<NodeApiOptions>>().Value.BroadcastCommitTimeout);
    }

    [Fact]
    public void AddPhoenixNodeApi_InvalidConfiguration_ValidationListsEveryError()
    {
        using var provider = Build(new()
        {
            ["Phoenix:Node:Moniker"] = "",
            ["Phoenix:Node:Peers:0"] = "ftp://nope",
            ["Phoenix:Node:Mempool:MaxTxs"] = "0",
            ["Phoenix:Node:Health:MinPeers"] = "-4",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PhoenixNodeOptions>>().Value);

        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Moniker", all, StringComparison.Ordinal);
        Assert.Contains("Peers", all, StringComparison.Ordinal);
        Assert.Contains("MaxTxs", all, StringComparison.Ordinal);
        Assert.Contains("MinPeers", all, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPhoenixNodeApi_CalledTwice_RegistersOneHubAndOneValidatorPerOptions()
    {
        using var provider = Build([]);

        Assert.Same(provider.GetRequiredService<ChainEventHub>(), provider.GetRequiredService<IChainEvents>());
        Assert.Single(provider.GetServices<IValidateOptions<PhoenixNodeOptions>>());
    }
}
