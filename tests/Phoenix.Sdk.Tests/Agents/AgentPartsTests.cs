using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Agents;
using Phoenix.Sdk.Tasks;
using Phoenix.Sdk.Tests.Api;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Agents;

/// <summary>The agents' building blocks: seeded sampling, batch manifests, trace commitments, construction and DI.</summary>
public sealed class AgentPartsTests
{
    private static readonly Hash32 Seed = Hash32.Sha256("block"u8);

    [Fact]
    public void UnitSampler_RateZeroSelectsNothing_RateOneSelectsEverything()
    {
        Assert.Empty(new UnitSampler(0).Select(Seed, "salt"u8, 0, 500));
        Assert.Equal(Enumerable.Range(10, 20).Select(i => (uint)i), new UnitSampler(1).Select(Seed, "salt"u8, 10, 20));
    }

    [Fact]
    public void UnitSampler_IsReproducible_AndDiffersBySaltAndSeed()
    {
        var sampler = new UnitSampler(0.2);
        var a = sampler.Select(Seed, "validator-a"u8, 0, 2_000);
        Assert.Equal(a, new UnitSampler(0.2).Select(Seed, "validator-a"u8, 0, 2_000));
        Assert.NotEqual(a, sampler.Select(Seed, "validator-b"u8, 0, 2_000));
        Assert.NotEqual(a, sampler.Select(Hash32.Sha256("other block"u8), "validator-a"u8, 0, 2_000));

        // Independent Bernoulli(0.2) draws over 2,000 units: the count is 400 ± a few standard deviations (σ ≈ 17.9).
        Assert.InRange(a.Count, 400 - 90, 400 + 90);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void UnitSampler_RateOutsideUnitInterval_Throws(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnitSampler(rate));

    [Fact]
    public void BatchManifest_RoundTrips_AndItsProofsVerifyAgainstTheRoot()
    {
        var results = Enumerable.Range(0, 5).Select(i => new ClaimedResult(Hash32.Sha256([(byte)i]), Hash32.Sha256([(byte)(i + 100)]))).ToList();
        var manifest = new BatchManifest(42, results);

        Assert.True(BatchManifest.TryParse(manifest.ToBytes(), out var parsed));
        Assert.Equal(42UL, parsed!.BatchId);
        Assert.Equal(results, parsed.Results);
        Assert.Equal(manifest.Root, parsed.Root);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.True(BatchMerkle.VerifyInclusion((ulong)i, 5, BatchMerkle.UnitLeaf(results[i].OutputId, results[i].TraceRoot), manifest.ProofOf(i), manifest.Root));
        }

        Assert.False(BatchMerkle.VerifyInclusion(1, 5, BatchMerkle.UnitLeaf(results[0].OutputId, results[0].TraceRoot), manifest.ProofOf(1), manifest.Root));
    }

    [Fact]
    public void BatchManifest_MalformedBytes_AreRejected()
    {
        var bytes = new BatchManifest(1, [new ClaimedResult(Hash32.Zero, Hash32.Zero)]).ToBytes();
        Assert.False(BatchManifest.TryParse([.. bytes, 0], out _));
        Assert.False(BatchManifest.TryParse(bytes.AsSpan(0, bytes.Length - 1), out _));
        var wrongMagic = bytes.ToArray();
        wrongMagic[0] ^= 1;
        Assert.False(BatchManifest.TryParse(wrongMagic, out _));
        Assert.False(BatchManifest.TryParse([], out _));
        Assert.Throws<ArgumentException>(() => new BatchManifest(1, []));
    }

    [Fact]
    public void BatchManifest_Memo_RoundTrips_AndRejectsOtherMemos()
    {
        var id = Hash32.Sha256("manifest"u8);
        Assert.True(BatchManifest.TryParseMemo(BatchManifest.Memo(id), out var parsed));
        Assert.Equal(id, parsed);
        Assert.False(BatchManifest.TryParseMemo("hello", out _));
        Assert.False(BatchManifest.TryParseMemo(BatchManifest.MemoPrefix + "zz", out _));
        Assert.False(BatchManifest.TryParseMemo(null, out _));
    }

    [Fact]
    public void ExecutionTraces_ProofOfEveryLeaf_VerifiesAsTheChainChecksBisectionMoves()
    {
        var leaves = Enumerable.Range(0, 7).Select(i => Hash32.Sha256([(byte)i])).ToList();
        var root = ExecutionTraces.Root(leaves);
        for (var i = 0; i < leaves.Count; i++)
        {
            // A move reveals the node digest itself; the chain leaf-hashes it. An already-hashed value is refused.
            Assert.True(TaskMarketModule.VerifyTraceLeaf(root, 7, (ulong)i, leaves[i], ExecutionTraces.Proof(leaves, (ulong)i)));
            Assert.False(TaskMarketModule.VerifyTraceLeaf(root, 7, (ulong)i, BatchMerkle.LeafHash(leaves[i].ToArray()), ExecutionTraces.Proof(leaves, (ulong)i)));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => ExecutionTraces.Proof(leaves, 7));
    }

    [Fact]
    public void Agents_InvalidConstruction_ThrowsTypedArgumentErrors()
    {
        using var client = TestClients.For(new Uri("http://127.0.0.1:1"));
        var wallet = TestClients.Wallet(TestKeys.Alice);
        Assert.Throws<ArgumentException>(() => new MinerAgent(client, wallet, []));
        Assert.Throws<ArgumentException>(() => new MinerAgent(client, wallet, [TestWorkload.Honest(), TestWorkload.Honest()]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinerAgent(client, wallet, [TestWorkload.Honest()], new MinerAgentOptions { MaxBatchUnits = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MinerAgent(client, wallet, [TestWorkload.Honest()], new MinerAgentOptions { MaxBatchUnits = 10_001 }));
        Assert.Throws<ArgumentException>(() => new ValidatorAgent(client, wallet, [TestWorkload.Honest(), TestWorkload.Honest()]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ValidatorAgent(client, wallet, [TestWorkload.Honest()], new ValidatorAgentOptions { SpotCheckRate = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ValidatorAgent(client, wallet, [TestWorkload.Honest()], new ValidatorAgentOptions { StakeMarginBasisPoints = 9_999 }));
        Assert.Throws<ArgumentNullException>(() => new MinerAgent(client, null!, [TestWorkload.Honest()]));
    }

    [Fact]
    public async Task AddMinerAgentAndAddValidatorAgent_RegisterOneHostedServicePerCall_WithTheRegisteredWorkloads()
    {
        var services = new ServiceCollection();
        services.AddPhoenixClient(o => o.Endpoints.Add(new Uri("http://127.0.0.1:1")));
        var workload = TestWorkload.Honest();
        services.AddSingleton<IWorkloadExecutor>(workload);
        services.AddSingleton<IResultVerifier>(workload);
        services.AddMinerAgent(TestClients.Wallet(TestKeys.Numbered(31)), o => o.MaxBatchUnits = 8);
        services.AddMinerAgent(TestClients.Wallet(TestKeys.Numbered(32)));
        services.AddValidatorAgent(TestClients.Wallet(TestKeys.Numbered(21)), o => o.SpotCheckRate = 0.5);
        await using var provider = services.BuildServiceProvider();

        var hosted = provider.GetServices<IHostedService>().ToList();

        var miners = hosted.OfType<MinerAgent>().ToList();
        Assert.Equal(2, miners.Count);
        Assert.Equal([TestKeys.Numbered(31).Address, TestKeys.Numbered(32).Address], miners.Select(m => m.Address));
        Assert.All(miners, m => Assert.Equal([TestWorkload.KindName], m.Kinds));
        var validator = Assert.Single(hosted.OfType<ValidatorAgent>());
        Assert.Equal([TestWorkload.KindName], validator.Kinds);
        Assert.Throws<ArgumentNullException>(() => services.AddMinerAgent(null!));
    }
}
