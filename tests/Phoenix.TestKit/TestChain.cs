using System.Text;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Primitives;

namespace Phoenix.TestKit;

/// <summary>A small in-memory chain driven block by block, for application tests.</summary>
public sealed class TestChain
{
    /// <summary>The test chain id.</summary>
    public const string ChainId = "phoenix-test-1";

    /// <summary>Genesis time: 2026-01-01T00:00:00Z.</summary>
    public static Timestamp GenesisTime { get; } = new(1_767_225_600, 0);

    /// <summary>Creates a chain from a genesis.</summary>
    /// <param name="genesis">The genesis (default: <see cref="DefaultGenesis"/>).</param>
    /// <param name="configure">Optional builder configuration.</param>
    public TestChain(Genesis? genesis = null, Action<PhoenixApplicationBuilder>? configure = null)
    {
        var builder = new PhoenixApplicationBuilder();
        configure?.Invoke(builder);
        App = builder.Build();
        Genesis = genesis ?? DefaultGenesis();
        GenesisResponse = App.InitChain(new InitChainRequest(Genesis.GenesisTime, Genesis.ChainId, null, [], Genesis.ToJson(), 1));
        Time = Genesis.GenesisTime;
    }

    /// <summary>The application.</summary>
    public PhoenixApplication App { get; }

    /// <summary>The genesis.</summary>
    public Genesis Genesis { get; }

    /// <summary>The InitChain response.</summary>
    public InitChainResponse GenesisResponse { get; }

    /// <summary>The time of the last block.</summary>
    public Timestamp Time { get; private set; }

    /// <summary>Alice, Bob and Carol each hold 1,000,000 PHNX and 1,000,000 SPARK; Dave holds 10 bTASK.</summary>
    /// <returns>The genesis.</returns>
    public static Genesis DefaultGenesis() => new GenesisBuilder(ChainId, GenesisTime)
        .AddAccount(TestKeys.Alice.Address, Amount.FromTokens(1_000_000, Denom.Phnx), Amount.FromTokens(1_000_000, Denom.Spark))
        .AddAccount(TestKeys.Bob.Address, Amount.FromTokens(1_000_000, Denom.Phnx), Amount.FromTokens(1_000_000, Denom.Spark))
        .AddAccount(TestKeys.Carol.Address, Amount.FromTokens(1_000_000, Denom.Phnx), Amount.FromTokens(1_000_000, Denom.Spark))
        .AddAccount(TestKeys.Dave.Address, Amount.FromTokens(10, Denom.BTask), Amount.FromTokens(10, Denom.Phnx))
        .AddValidator(TestKeys.Of("validator", 0x10).PublicKey, TestKeys.Alice.Address, "DE", 10)
        .Build();

    /// <summary>Finalizes and commits a block of transactions, 5 seconds after the previous one.</summary>
    /// <param name="txs">The transactions.</param>
    /// <returns>The FinalizeBlock response.</returns>
    public FinalizeBlockResponse Block(params byte[][] txs)
    {
        Time = Time.AddSeconds(5);
        var height = App.LastHeight + 1;
        var response = App.FinalizeBlock(new FinalizeBlockRequest(
            [.. txs.Select(t => (ReadOnlyMemory<byte>)t)],
            CommitInfo.Empty,
            [],
            Encoding.ASCII.GetBytes($"block-{height}").Concat(new byte[22]).Take(32).ToArray(),
            height,
            Time,
            ReadOnlyMemory<byte>.Empty,
            ReadOnlyMemory<byte>.Empty));
        App.Commit();
        return response;
    }
}
