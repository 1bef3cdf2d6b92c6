using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Benchmarks;

/// <summary>
/// FinalizeBlock on a block of 10,000 signed transfers (10,000 distinct senders) against raw
/// signature verification of the same 10,000 transactions. Each operation is one transaction
/// (OperationsPerInvoke), so 1 / Mean is transactions per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class FinalizeBlockBenchmarks
{
    private const int Count = 10_000;
    private PhoenixApplication _sequential = null!;
    private PhoenixApplication _parallel = null!;
    private List<ReadOnlyMemory<byte>> _txs = null!;
    private List<SignedTransaction> _decoded = null!;

    private sealed class ParallelVerifier : ISignatureBatchVerifier
    {
        public void VerifyAll(IReadOnlyList<SignedTransaction> transactions, Span<bool> results)
        {
            var r = new bool[transactions.Count];
            Parallel.For(0, transactions.Count, i => r[i] = transactions[i].VerifySignature());
            r.CopyTo(results);
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        var keys = Enumerable.Range(0, Count).Select(TestKeys.Numbered).ToList();
        var builder = new GenesisBuilder(TestChain.ChainId, TestChain.GenesisTime);
        foreach (var key in keys)
        {
            builder.AddAccount(key.Address, Amount.FromTokens(1_000, Denom.Phnx), Amount.FromTokens(1_000, Denom.Spark));
        }

        var genesis = builder.Build().ToJson();
        _sequential = Init(new PhoenixApplicationBuilder(), genesis);
        _parallel = Init(new PhoenixApplicationBuilder().UseSignatureVerifier(new ParallelVerifier()), genesis);
        _txs = [.. keys.Select((k, i) => (ReadOnlyMemory<byte>)Build.A.Transfer.From(k).To(keys[(i + 1) % Count]).Amount(1_000, Denom.Spark).Fee(100, Denom.Phnx).Signed())];
        _decoded = [.. _txs.Select(t => _sequential.Decoder.Decode(t.Span).Transaction!)];
    }

    private static PhoenixApplication Init(PhoenixApplicationBuilder builder, byte[] genesis)
    {
        var app = builder.Build();
        app.InitChain(new InitChainRequest(TestChain.GenesisTime, TestChain.ChainId, null, [], genesis, 1));
        return app;
    }

    private FinalizeBlockRequest Request() => new(_txs, CommitInfo.Empty, [], new byte[32], 1, TestChain.GenesisTime.AddSeconds(5), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty);

    [Benchmark(Baseline = true, OperationsPerInvoke = Count, Description = "Verify signatures only (1 core)")]
    public int VerifySignatures()
    {
        var ok = 0;
        foreach (var tx in _decoded)
        {
            ok += tx.VerifySignature() ? 1 : 0;
        }

        return ok;
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "FinalizeBlock, 10k transfers (1 core)")]
    public ReadOnlyMemory<byte> FinalizeBlockSequential()
    {
        var r = _sequential.FinalizeBlock(Request());
        return r.TxResults[^1].IsOk ? r.AppHash : throw new InvalidOperationException(r.TxResults[^1].Log);
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "FinalizeBlock, 10k transfers (parallel verify)")]
    public ReadOnlyMemory<byte> FinalizeBlockParallelVerify() => _parallel.FinalizeBlock(Request()).AppHash;
}

/// <summary>A short, in-process job: a few iterations of a multi-second operation, no separate build (fits a shared 2-core machine).</summary>
public sealed class ShortInProcessConfig : ManualConfig
{
    public ShortInProcessConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }
}
