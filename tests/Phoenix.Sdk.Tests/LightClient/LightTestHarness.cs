using Microsoft.Extensions.DependencyInjection;
using Phoenix.Node.Api;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.LightClient;
using Phoenix.Sdk.Tests.Api;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.LightClient;

/// <summary>A <see cref="TestNode"/> serving <see cref="TestLightChain"/> headers, and clients that verify them.</summary>
internal sealed class LightTestHarness : IAsyncDisposable
{
    private LightTestHarness(TestNode node, TestLightChain chain)
    {
        Node = node;
        Chain = chain;
        Headers = TestClients.For(node.Address);
    }

    public static TestKey[] Genesis { get; } = [TestKeys.Alice, TestKeys.Bob, TestKeys.Carol, TestKeys.Dave];

    /// <summary>The light client's clock: one hour after genesis (timers stay real).</summary>
    public static TimeProvider Clock { get; } = new FixedNow(TestChain.GenesisTime.ToDateTimeOffset().AddHours(1));

    public TestNode Node { get; }

    public TestLightChain Chain { get; }

    /// <summary>The client the light client fetches headers through (it verifies nothing itself).</summary>
    public PhoenixClient Headers { get; }

    public static async Task<LightTestHarness> StartAsync(TestLightChain? chain = null)
    {
        chain ??= new TestLightChain(Genesis);
        var node = await TestNode.StartAsync(s => s.AddSingleton<ILightBlockSource>(sp => chain.Bind(sp.GetRequiredService<IBlockReader>())));
        chain.ProduceNext = () => node.ProduceBlock();
        return new LightTestHarness(node, chain);
    }

    public static LightClientTrustRoot GenesisRoot(IEnumerable<TestKey>? keys = null)
        => LightClientTrustRoot.FromValidators(TestChain.ChainId, 1, (keys ?? Genesis).Select(k => new TrustedValidator(k.PublicKey, 10)));

    public LightClientAppHashSource LightClient(LightClientTrustRoot? root = null, LightClientOptions? options = null, TimeProvider? clock = null)
        => new(Headers, root ?? GenesisRoot(), options ?? new LightClientOptions { HeaderWaitTimeout = TimeSpan.FromSeconds(20) }, clock ?? Clock);

    public PhoenixClient VerifyingClient(ITrustedAppHashSource source) => TestClients.Builder(Node.Address).UseTrustedAppHashSource(source).Build();

    /// <summary>Commits <paramref name="count"/> empty blocks.</summary>
    public void Produce(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Node.ProduceBlock();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Headers.Dispose();
        await Node.DisposeAsync();
    }

    private sealed class FixedNow(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>A hash helper for assertions.</summary>
internal static class HashText
{
    public static string Of(Hash32 hash) => hash.ToString();
}
