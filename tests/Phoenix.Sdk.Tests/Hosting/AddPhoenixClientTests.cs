using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tests.Api;

namespace Phoenix.Sdk.Tests.Hosting;

public sealed class AddPhoenixClientTests
{
    [Fact]
    public void AddPhoenixClient_CalledTwice_RegistersOneClientWithBothConfigurations()
    {
        var services = new ServiceCollection();
        services.AddPhoenixClient(o => o.Endpoints.Add(new Uri("http://127.0.0.1:1")));
        services.AddPhoenixClient(o => o.MaxRetryAttempts = 5);
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<PhoenixClient>();

        Assert.Single(services, d => d.ServiceType == typeof(PhoenixClient));
        Assert.Same(client, provider.GetRequiredService<PhoenixClient>());
        Assert.Equal([new Uri("http://127.0.0.1:1")], client.Pipeline.Endpoints);
        Assert.Equal(5, provider.GetRequiredService<IOptions<PhoenixClientOptions>>().Value.MaxRetryAttempts);
    }

    [Fact]
    public void AddPhoenixClient_ConfigurationSection_BindsEndpointsAndTimeouts()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Phoenix:Client:Endpoints:0"] = "http://127.0.0.1:2",
            ["Phoenix:Client:Endpoints:1"] = "http://127.0.0.1:3",
            ["Phoenix:Client:RequestTimeout"] = "00:00:03",
            ["Phoenix:Client:MaxRetryAttempts"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddPhoenixClient(configuration.GetSection("Phoenix:Client"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PhoenixClientOptions>>().Value;

        Assert.Equal([new Uri("http://127.0.0.1:2"), new Uri("http://127.0.0.1:3")], provider.GetRequiredService<PhoenixClient>().Pipeline.Endpoints);
        Assert.Equal(TimeSpan.FromSeconds(3), options.RequestTimeout);
        Assert.Equal(1, options.MaxRetryAttempts);
    }

    [Fact]
    public async Task AddPhoenixClient_InvalidOptions_FailsAtHostStartListingEveryProblem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPhoenixClient(o => o.RequestTimeout = TimeSpan.Zero);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(e.Failures, f => f.Contains("Endpoints", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("RequestTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddPhoenixClient_TimeProviderAndTrustedSourceFromContainer_AreUsed()
    {
        await using var node = await TestNode.StartAsync();
        var services = new ServiceCollection();
        var clock = new FakeTimeProvider();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<ITrustedAppHashSource>(new TestClients.HonestAppHashes(node));
        services.AddPhoenixClient(o => o.Endpoints.Add(node.Address));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<PhoenixClient>();
        var status = await client.GetStatusAsync();

        Assert.True(client.VerifiesProofs);
        Assert.Equal(node.Height, status.LatestHeight);
    }

    [Fact]
    public void AddPhoenixClient_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddPhoenixClient((Action<PhoenixClientOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddPhoenixClient((IConfiguration)null!));
    }

    [Fact]
    public void Build_WithoutEndpoints_ThrowsOptionsValidation()
    {
        var e = Assert.Throws<OptionsValidationException>(() => new PhoenixClientBuilder().Build());

        Assert.Contains(e.Failures, f => f.Contains("Endpoints", StringComparison.Ordinal));
    }
}
