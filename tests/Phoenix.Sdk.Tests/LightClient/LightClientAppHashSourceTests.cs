using System.Globalization;
using System.Text;
using Google.Protobuf;
using Phoenix.Node.Api;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.LightClient;
using Phoenix.Sdk.Tests.Api;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.LightClient;

public sealed class LightClientAppHashSourceTests
{
    [Fact]
    public async Task GetBalanceAsync_GenesisValidatorsTrusted_ReturnsBalanceProvenAgainstSignedHeader()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Produce(3);
        using var light = h.LightClient();
        using var client = h.VerifyingClient(light);

        var balance = await client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx);

        Assert.Equal(Amount.FromTokens(1_000_000, Denom.Phnx), balance);
        // The app hash of the queried height is in the next header, which the light client verified.
        var header = await light.VerifyHeaderAsync(light.LatestVerifiedHeight);
        Assert.Equal(h.Node.AppHashAt(header.Height - 1).ToArray(), header.AppHash.ToArray());
        Assert.True(light.LatestVerifiedHeight >= 5);
    }

    [Fact]
    public async Task GetBalanceAsync_NodeLiesAboutBalance_ThrowsLightClientVerification()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Node.Faults.TamperQuery = r =>
        {
            var real = UInt128.Parse(r.Value.ToStringUtf8(), CultureInfo.InvariantCulture);
            r.Value = ByteString.CopyFrom(Encoding.UTF8.GetBytes((real * 2).ToString(CultureInfo.InvariantCulture)));
            return r;
        };
        using var light = h.LightClient();
        using var client = h.VerifyingClient(light);

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => client.GetBalanceAsync(TestKeys.Bob.Address, Denom.Phnx));

        Assert.Contains("does not match its proof", e.Reason, StringComparison.Ordinal);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task GetAppHashAsync_NodeForgesAppHashInHeader_ThrowsBecauseTheCommitDoesNotSignIt()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Produce(2);
        var forged = Hash32.Sha256("forged state"u8.ToArray()).ToArray();
        h.Chain.Tamper = b => b.Header.Height == 3 ? b with { Header = b.Header with { AppHash = forged } } : b;
        using var light = h.LightClient();

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(async () => await light.GetAppHashAsync(2));

        Assert.Contains("does not sign that header", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyHeaderAsync_SignedByExactlyTwoThirds_ThrowsInsufficientPower()
    {
        // Three equal validators, two sign: 20 of 30 is not more than 2/3.
        var chain = new TestLightChain(TestKeys.Alice, TestKeys.Bob, TestKeys.Carol)
        {
            Signs = (height, key) => height < 3 || key != TestKeys.Carol,
        };
        await using var h = await LightTestHarness.StartAsync(chain);
        h.Produce(2);
        using var light = h.LightClient(LightTestHarness.GenesisRoot([TestKeys.Alice, TestKeys.Bob, TestKeys.Carol]));

        Assert.Equal(2, (await light.VerifyHeaderAsync(2)).Height);
        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => light.VerifyHeaderAsync(3));

        Assert.Contains("signed by 20 of 30 voting power", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyHeaderAsync_ThreeOfFourSign_Verifies()
    {
        var chain = new TestLightChain(LightTestHarness.Genesis) { Signs = (_, key) => key != TestKeys.Dave };
        await using var h = await LightTestHarness.StartAsync(chain);
        h.Produce(2);
        using var light = h.LightClient();

        var header = await light.VerifyHeaderAsync(3);

        Assert.Equal(3, header.Height);
        Assert.Equal(h.Node.AppHashAt(2).ToArray(), header.AppHash.ToArray());
    }

    [Fact]
    public async Task VerifyHeaderAsync_TrustedValidatorSetDiffersFromChain_ThrowsAtTheRoot()
    {
        await using var h = await LightTestHarness.StartAsync();
        using var light = h.LightClient(LightTestHarness.GenesisRoot([TestKeys.Alice, TestKeys.Bob, TestKeys.Carol, TestKeys.Numbered(9)]));

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => light.VerifyHeaderAsync(1));

        Assert.Contains("not produced by the trusted validator set", e.Reason, StringComparison.Ordinal);
        Assert.Equal(0, light.LatestVerifiedHeight);
    }

    [Fact]
    public async Task VerifyHeaderAsync_NodeServesAnotherValidatorSet_ThrowsHashMismatch()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Produce(1);
        var impostors = TestLightChain.SetOf([TestKeys.Numbered(11), TestKeys.Numbered(12), TestKeys.Numbered(13), TestKeys.Numbered(14)]);
        h.Chain.Tamper = b => b.Header.Height == 2 ? b with { ValidatorSet = impostors } : b;
        using var light = h.LightClient();

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => light.VerifyHeaderAsync(2));

        Assert.Contains("does not hash to the header's validators hash", e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyHeaderAsync_ForgedChainSignedByUnannouncedValidators_Throws(bool sequential)
    {
        // From height 4 a fork is signed by impostors who hold no power in the trusted set; header 3 announces the honest set.
        TestKey[] impostors = [TestKeys.Numbered(21), TestKeys.Numbered(22), TestKeys.Numbered(23), TestKeys.Numbered(24)];
        var chain = new TestLightChain(LightTestHarness.Genesis)
        {
            ValidatorsAt = height => height >= 4 ? impostors : LightTestHarness.Genesis,
            AnnouncedNextAt = height => height >= 4 ? impostors : LightTestHarness.Genesis,
        };
        await using var h = await LightTestHarness.StartAsync(chain);
        h.Produce(7);
        using var light = h.LightClient(options: new LightClientOptions { Sequential = sequential });

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => light.VerifyHeaderAsync(8));

        Assert.Contains("did not announce as the next one", e.Reason, StringComparison.Ordinal);
        Assert.Equal(3, light.LatestVerifiedHeight);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyHeaderAsync_ValidatorSetReplacedAndAnnounced_VerifiesAcrossTheChange(bool sequential)
    {
        // The whole set changes at height 5 (announced by header 4): skipping from 1 cannot trust it, so it bisects.
        TestKey[] successors = [TestKeys.Numbered(31), TestKeys.Numbered(32), TestKeys.Numbered(33)];
        var chain = new TestLightChain(LightTestHarness.Genesis) { ValidatorsAt = height => height >= 5 ? successors : LightTestHarness.Genesis };
        await using var h = await LightTestHarness.StartAsync(chain);
        h.Produce(8);
        using var light = h.LightClient(options: new LightClientOptions { Sequential = sequential });

        var header = await light.VerifyHeaderAsync(9);

        Assert.Equal(9, header.Height);
        Assert.Equal(new Hash32(TestLightChain.SetOf(successors).Hash()), header.ValidatorsHash);
        Assert.Equal(h.Node.AppHashAt(8).ToArray(), header.AppHash.ToArray());
        Assert.Contains(4L, h.Chain.Requests);
        Assert.Contains(5L, h.Chain.Requests);
    }

    [Fact]
    public async Task VerifyHeaderAsync_UnchangedSet_SkipsIntermediateHeaders()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Produce(9);
        using var light = h.LightClient();

        await light.VerifyHeaderAsync(10);

        Assert.Equal([1L, 10L], h.Chain.Requests);
    }

    [Fact]
    public async Task VerifyHeaderAsync_TrustedHeaderHash_VerifiesForwardAndBackward()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Produce(6);
        var checkpoint = new Hash32(h.Chain.GetLightBlock(4)!.Header.Hash());
        using var light = h.LightClient(LightClientTrustRoot.FromHeader(TestChain.ChainId, 4, checkpoint));

        var later = await light.VerifyHeaderAsync(6);
        var earlier = await light.VerifyHeaderAsync(2);

        Assert.Equal(h.Node.AppHashAt(5).ToArray(), later.AppHash.ToArray());
        Assert.Equal(h.Node.AppHashAt(1).ToArray(), earlier.AppHash.ToArray());
    }

    [Fact]
    public async Task VerifyHeaderAsync_WrongTrustedHeaderHash_Throws()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Produce(2);
        using var light = h.LightClient(LightClientTrustRoot.FromHeader(TestChain.ChainId, 2, Hash32.Sha256("not the header"u8.ToArray())));

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => light.VerifyHeaderAsync(3));

        Assert.Contains("not the trusted", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyHeaderAsync_NodeRewritesAnEarlierHeader_ThrowsOnTheBrokenHashChain()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Produce(5);
        var checkpoint = new Hash32(h.Chain.GetLightBlock(5)!.Header.Hash());
        h.Chain.Tamper = b => b.Header.Height == 3 ? b with { Header = b.Header with { AppHash = new byte[32] } } : b;
        using var light = h.LightClient(LightClientTrustRoot.FromHeader(TestChain.ChainId, 5, checkpoint));

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => light.VerifyHeaderAsync(2));

        Assert.Contains("is not the one the verified header 4 links to", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyHeaderAsync_TrustedHeaderOlderThanTrustingPeriod_Throws()
    {
        await using var h = await LightTestHarness.StartAsync();
        using var light = h.LightClient(clock: new FixedClock(TestChain.GenesisTime.ToDateTimeOffset().AddDays(15)));

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => light.VerifyHeaderAsync(1));

        Assert.Contains("older than the trusting period", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyHeaderAsync_HeaderNotHeld_ThrowsWithoutWaiting()
    {
        await using var h = await LightTestHarness.StartAsync();
        h.Chain.ProduceNext = null;
        using var light = h.LightClient();

        var e = await Assert.ThrowsAsync<LightClientVerificationException>(() => light.VerifyHeaderAsync(h.Node.Height + 5));

        Assert.Contains("does not hold the header", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAppHashAsync_NextHeaderNotCommittedYet_WaitsForIt()
    {
        await using var h = await LightTestHarness.StartAsync();
        var produced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var node = h.Node;
        var asked = 0;
        h.Chain.ProduceNext = () =>
        {
            // The first ask finds nothing; the block appears before the second.
            if (Interlocked.Increment(ref asked) == 2)
            {
                node.ProduceBlock();
                produced.TrySetResult();
            }
        };
        var height = node.Height;
        using var light = h.LightClient(options: new LightClientOptions { HeaderPollInterval = TimeSpan.FromMilliseconds(10), HeaderWaitTimeout = TimeSpan.FromSeconds(20) });

        var appHash = await light.GetAppHashAsync(height);

        Assert.True(produced.Task.IsCompleted);
        Assert.Equal(node.AppHashAt(height), appHash);
    }

    [Fact]
    public void Constructor_BadOptions_ThrowsArgumentOutOfRange()
    {
        using var client = TestClients.For(new Uri("http://127.0.0.1:1"));

        Assert.Throws<ArgumentOutOfRangeException>(() => new LightClientAppHashSource(client, LightTestHarness.GenesisRoot(), new LightClientOptions { TrustingPeriod = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LightClientAppHashSource(client, LightTestHarness.GenesisRoot(), new LightClientOptions { MaxCachedHeaders = 1 }));
        Assert.Throws<ArgumentNullException>(() => new LightClientAppHashSource(null!, LightTestHarness.GenesisRoot()));
    }

    [Fact]
    public void TrustRoot_BadArguments_Throw()
    {
        var alice = new TrustedValidator(TestKeys.Alice.PublicKey, 10);

        Assert.Throws<ArgumentException>(() => LightClientTrustRoot.FromValidators(TestChain.ChainId, 1, []));
        Assert.Throws<ArgumentException>(() => LightClientTrustRoot.FromValidators(TestChain.ChainId, 1, [alice, alice]));
        Assert.Throws<ArgumentException>(() => LightClientTrustRoot.FromValidators(TestChain.ChainId, 1, [alice with { VotingPower = 0 }]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LightClientTrustRoot.FromValidators(TestChain.ChainId, 0, [alice]));
        Assert.Throws<ArgumentException>(() => LightClientTrustRoot.FromHeader(" ", 1, Hash32.Zero));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
