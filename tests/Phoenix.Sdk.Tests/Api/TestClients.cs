using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Wallets;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Api;

/// <summary>Clients and wallets for tests against <see cref="TestNode"/>.</summary>
internal static class TestClients
{
    public static PhoenixClient For(params Uri[] endpoints) => Builder(endpoints).Build();

    public static PhoenixClientBuilder Builder(params Uri[] endpoints)
    {
        var builder = new PhoenixClientBuilder().Configure(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(20);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
            o.CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(500);
        });
        foreach (var e in endpoints)
        {
            builder.AddEndpoint(e);
        }

        return builder;
    }

    public static Wallet Wallet(TestKey key) => Phoenix.Sdk.Wallets.Wallet.FromPrivateKey(key.Seed);

    /// <summary>Trusts the app hashes the honest node committed (stands in for verified headers).</summary>
    public sealed class HonestAppHashes(TestNode node) : ITrustedAppHashSource
    {
        public ValueTask<Hash32> GetAppHashAsync(long height, CancellationToken cancellationToken = default) => ValueTask.FromResult(node.AppHashAt(height));
    }

    public static async Task<T> WithTimeout<T>(this Task<T> task, string expected, int seconds = 20)
    {
        try
        {
            return await task.WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Timed out after {seconds}s waiting for {expected}.", e);
        }
    }

    public static async Task WithTimeout(this Task task, string expected, int seconds = 20)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Timed out after {seconds}s waiting for {expected}.", e);
        }
    }
}
