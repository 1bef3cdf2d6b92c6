using Google.Protobuf;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Oracle;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Tests.Modules.Support;
using Phoenix.TestKit;

namespace Phoenix.Protocol.Tests.Application;

public sealed class PhoenixApplicationVoteExtensionTests
{
    private const long Power = 100;
    private static readonly ulong[] Prices = [1_050_000, 990_000, 1_010_000, 1_200_000, 1_000_000, 980_000, 1_020_000, 1_100_000, 1_030_000];

    private sealed class FixedFeed(ulong? price) : IPriceFeed
    {
        public bool TryGetPriceMicroUsd(out ulong priceMicroUsd)
        {
            priceMicroUsd = price ?? 0;
            return price is not null;
        }
    }

    private sealed record Vote(TestKey Key, byte[] Extension, byte[] Signature, BlockIdFlag Flag = BlockIdFlag.Commit)
    {
        public byte[] Address => Key.PublicKey.Address.ToArray();
    }

    /// <summary>An app with the standard modules, 12 validators of power 100, and block 1 committed.</summary>
    private static PhoenixApplication NewApp(IPriceFeed? feed = null)
    {
        var builder = new PhoenixApplicationBuilder().AddStandardModules();
        if (feed is not null)
        {
            builder.UsePriceFeed(feed);
        }

        var app = builder.Build();
        var genesis = ModuleChain.StandardGenesis().Build();
        app.InitChain(new InitChainRequest(genesis.GenesisTime, genesis.ChainId, null, [], genesis.ToJson(), 1));
        app.FinalizeBlock(new FinalizeBlockRequest([], CommitInfo.Empty, [], new byte[32], 1, Time(1), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
        app.Commit();
        return app;
    }

    private static Timestamp Time(long height) => TestChain.GenesisTime.AddSeconds(5 * height);

    private static Vote Signed(int validator, byte[] extension, long height = 1, long round = 0, TestKey? signer = null)
    {
        var key = ModuleChain.ConsensusKeyOf(validator);
        return new Vote(key, extension, Ed25519.Sign((signer ?? key).Seed, OracleVoteExtensions.SignBytes(ModuleChain.Chain, height, round, extension)));
    }

    /// <summary>Validators 0..8 report <see cref="Prices"/>; 9..11 extend with no price.</summary>
    private static List<Vote> HonestVotes() =>
        [.. Enumerable.Range(0, 12).Select(i => Signed(i, i < Prices.Length ? OracleVoteExtensions.EncodeExtension(Prices[i]) : []))];

    private static ExtendedCommitInfo Extended(IEnumerable<Vote> votes, int round = 0) =>
        new(round, [.. votes.Select(v => new ExtendedVoteInfo(new AbciValidator(v.Address, Power), v.Extension, v.Signature, v.Flag))]);

    private static CommitInfo Commit(IEnumerable<Vote> votes, int round = 0) =>
        new(round, [.. votes.Select(v => new VoteInfo(new AbciValidator(v.Address, Power), v.Flag))]);

    private static byte[] Injected(IEnumerable<Vote> votes, int round = 0) =>
        OracleVoteExtensions.EncodeInjectedTx(round, votes.OrderBy(v => Convert.ToHexString(v.Address), StringComparer.Ordinal).Select(v => new SignedOracleVote(v.Address, v.Extension, v.Signature)));

    private static PrepareProposalRequest Prepare(long height, ExtendedCommitInfo commit, params byte[][] mempool) =>
        new(1 << 20, [.. mempool.Select(t => (ReadOnlyMemory<byte>)t)], commit, [], height, Time(height), ReadOnlyMemory<byte>.Empty, new byte[20]);

    private static ProcessProposalRequest Process(long height, CommitInfo commit, params byte[][] txs) =>
        new([.. txs.Select(t => (ReadOnlyMemory<byte>)t)], commit, [], new byte[32], height, Time(height), ReadOnlyMemory<byte>.Empty, new byte[20]);

    private static byte[] Transfer() => Build.A.Transfer.From(TestKeys.Alice).To(TestKeys.Bob).Amount(5, Denom.Phnx).ChainId(ModuleChain.Chain).Signed();

    [Fact]
    public void ExtendVote_WithPriceFeed_ReturnsTheEncodedPriceThatVerifies()
    {
        var app = NewApp(new FixedFeed(1_234_567));
        var extension = app.ExtendVote(new ExtendVoteRequest(new byte[32], 2, Time(2), [], CommitInfo.Empty, [], ReadOnlyMemory<byte>.Empty, new byte[20])).VoteExtension;

        Assert.True(OracleVoteExtensions.TryDecodeExtension(extension.Span, out var price));
        Assert.Equal(1_234_567UL, price);
        Assert.Equal(VerifyStatus.Accept, app.VerifyVoteExtension(new VerifyVoteExtensionRequest(new byte[32], new byte[20], 2, extension)).Status);
    }

    [Fact]
    public void ExtendVote_NoFeedNoPriceOrNoOracleModule_ReturnsEmpty()
    {
        var request = new ExtendVoteRequest(new byte[32], 2, Time(2), [], CommitInfo.Empty, [], ReadOnlyMemory<byte>.Empty, new byte[20]);
        Assert.True(NewApp().ExtendVote(request).VoteExtension.IsEmpty);
        Assert.True(NewApp(new FixedFeed(null)).ExtendVote(request).VoteExtension.IsEmpty);
        var withoutOracle = new PhoenixApplicationBuilder().UsePriceFeed(new FixedFeed(5)).Build();
        Assert.True(withoutOracle.ExtendVote(request).VoteExtension.IsEmpty);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("0801", true)]
    [InlineData("08ffffffffffffffffff01", true)] // ulong.MaxValue, 11 bytes
    [InlineData("0800", false)] // zero price (explicit default: not canonical)
    [InlineData("088100", false)] // non-minimal varint
    [InlineData("08011001", false)] // unknown field
    [InlineData("0801", false, 16)] // padded to 17 bytes: oversized
    [InlineData("6e6f742070726f746f", false)] // not protobuf
    public void VerifyVoteExtension_AcceptsOnlyWellFormedExtensions(string hex, bool accepted, int pad = 0)
    {
        var extension = Convert.FromHexString(hex).Concat(Enumerable.Repeat((byte)0, pad)).ToArray();
        var app = NewApp();
        var before = app.LastAppHash;

        var status = app.VerifyVoteExtension(new VerifyVoteExtensionRequest(new byte[32], ModuleChain.ConsensusKeyOf(0).PublicKey.Address.ToArray(), 2, extension)).Status;

        Assert.Equal(accepted ? VerifyStatus.Accept : VerifyStatus.Reject, status);
        Assert.Equal(before, app.LastAppHash);
    }

    [Fact]
    public void VerifyVoteExtension_AppWithoutOracle_RejectsAnyPrice()
    {
        var app = new TestChain().App;
        Assert.Equal(VerifyStatus.Reject, app.VerifyVoteExtension(new VerifyVoteExtensionRequest(new byte[32], new byte[20], 2, OracleVoteExtensions.EncodeExtension(7))).Status);
        Assert.Equal(VerifyStatus.Accept, app.VerifyVoteExtension(new VerifyVoteExtensionRequest(new byte[32], new byte[20], 2, ReadOnlyMemory<byte>.Empty)).Status);
    }

    [Fact]
    public void ExtendedCommit_InjectedByProposer_IsAcceptedAndSetsTheStakeWeightedMedian()
    {
        var proposer = NewApp();
        var validator = NewApp();
        var votes = HonestVotes();
        var transfer = Transfer();

        var proposal = proposer.PrepareProposal(Prepare(2, Extended(votes), transfer)).Txs;

        Assert.Equal(2, proposal.Count);
        Assert.True(OracleVoteExtensions.IsInjectedTx(proposal[0].Span));
        Assert.Equal(Injected(votes), proposal[0].ToArray());
        Assert.Equal(transfer, proposal[1].ToArray());
        Assert.Equal(ProposalStatus.Accept, validator.ProcessProposal(Process(2, Commit(votes), [.. proposal.Select(t => t.ToArray())])).Status);

        var result = validator.FinalizeBlock(new FinalizeBlockRequest(proposal, Commit(votes), [], new byte[32], 2, Time(2), ReadOnlyMemory<byte>.Empty, new byte[20]));
        validator.Commit();

        Assert.All(result.TxResults, t => Assert.True(t.IsOk, t.Log));
        var summary = Assert.Single(result.TxResults[0].Events, e => e.Type == "oracle_extensions");
        Assert.Contains(summary.Attributes, a => a.Key == "recorded" && a.Value == "9");
        var price = OracleModule.GetPrice(validator.CommittedState, Time(2), validator.Parameters);
        var sorted = Prices.Order().ToArray();
        var lowerMedian = sorted[Enumerable.Range(0, sorted.Length).First(k => 2 * (k + 1) >= sorted.Length)];
        Assert.True(price.IsValid);
        Assert.Equal(lowerMedian, price.PriceMicroUsd);
        Assert.Equal((UInt128)(Prices.Length * Power), price.CoveredPower);
        Assert.Empty(validator.CheckInvariants());
    }

    public static TheoryData<string> Forgeries() => ["tampered price", "wrong height", "wrong signer", "round mismatch", "absent validator", "two thirds only", "not first", "height one", "malformed", "unsorted", "unknown validator"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public void ProcessProposal_InjectionNotMatchingTheSignedCommit_RejectsAndLeavesStateUntouched(string forgery)
    {
        var app = NewApp();
        var votes = HonestVotes();
        var commit = Commit(votes);
        long height = 2;
        byte[][] txs;
        switch (forgery)
        {
            case "tampered price":
                votes[3] = votes[3] with { Extension = OracleVoteExtensions.EncodeExtension(9_999_999) };
                txs = [Injected(votes)];
                break;
            case "wrong height":
                votes[3] = Signed(3, OracleVoteExtensions.EncodeExtension(Prices[3]), height: 2);
                txs = [Injected(votes)];
                break;
            case "wrong signer":
                votes[3] = Signed(3, OracleVoteExtensions.EncodeExtension(Prices[3]), signer: ModuleChain.ConsensusKeyOf(4));
                txs = [Injected(votes)];
                break;
            case "round mismatch":
                txs = [Injected(votes, round: 1)];
                break;
            case "absent validator":
                commit = Commit(votes.Select((v, i) => i == 0 ? v with { Flag = BlockIdFlag.Absent } : v));
                txs = [Injected(votes)];
                break;
            case "two thirds only":
                txs = [Injected(votes.Take(8))];
                break;
            case "not first":
                txs = [Transfer(), Injected(votes)];
                break;
            case "height one":
                height = 1;
                txs = [Injected(votes)];
                break;
            case "malformed":
                txs = [[0xCA, 0x02, 0x05, 0x0A, 0x03, 0x01]];
                break;
            case "unsorted":
                var sorted = votes.OrderBy(v => Convert.ToHexString(v.Address), StringComparer.Ordinal).ToList();
                (sorted[0], sorted[1]) = (sorted[1], sorted[0]);
                txs = [OracleVoteExtensions.EncodeInjectedTx(0, sorted.Select(v => new SignedOracleVote(v.Address, v.Extension, v.Signature)))];
                break;
            default:
                var stranger = TestKeys.Numbered(4242);
                var strangerVote = new Vote(stranger, OracleVoteExtensions.EncodeExtension(1), Ed25519.Sign(stranger.Seed, OracleVoteExtensions.SignBytes(ModuleChain.Chain, 1, 0, OracleVoteExtensions.EncodeExtension(1))));
                votes.Add(strangerVote);
                commit = Commit(votes);
                txs = [Injected(votes)];
                break;
        }

        var before = app.Info(new InfoRequest());

        Assert.Equal(ProposalStatus.Reject, app.ProcessProposal(Process(height, commit, txs)).Status);

        Assert.Equal(before.LastBlockAppHash.ToArray(), app.Info(new InfoRequest()).LastBlockAppHash.ToArray());
        Assert.Equal(ProposalStatus.Accept, app.ProcessProposal(Process(2, Commit(HonestVotes()), Injected(HonestVotes()))).Status);
    }

    [Fact]
    public void ProcessProposal_MoreThanTwoThirdsOfPower_Accepts() =>
        Assert.Equal(ProposalStatus.Accept, NewApp().ProcessProposal(Process(2, Commit(HonestVotes()), Injected(HonestVotes().Take(9)))).Status);

    [Fact]
    public void PrepareProposal_InvalidSignaturesDroppedBelowTwoThirds_InjectsNothing()
    {
        var app = NewApp();
        var votes = HonestVotes();
        for (var i = 0; i < 5; i++)
        {
            votes[i] = votes[i] with { Signature = new byte[64] };
        }

        var transfer = Transfer();
        var proposal = app.PrepareProposal(Prepare(2, Extended(votes), transfer)).Txs;

        Assert.Equal([transfer], proposal.Select(t => t.ToArray()));
    }

    [Fact]
    public void PrepareProposal_InvalidSignatureAmongEnough_DropsOnlyThatVote()
    {
        var app = NewApp();
        var votes = HonestVotes();
        votes[0] = votes[0] with { Signature = new byte[64] };

        var proposal = app.PrepareProposal(Prepare(2, Extended(votes))).Txs;

        Assert.Equal(Injected(votes.Skip(1)), Assert.Single(proposal).ToArray());
    }

    [Fact]
    public void PrepareProposal_EmbeddedEngineCommitWithoutExtensions_InjectsNothing()
    {
        var app = NewApp();
        var commit = new ExtendedCommitInfo(0, [.. HonestVotes().Select(v => new ExtendedVoteInfo(new AbciValidator(v.Address, Power), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, BlockIdFlag.Commit))]);
        Assert.Empty(app.PrepareProposal(Prepare(2, commit)).Txs);
        Assert.Empty(app.PrepareProposal(Prepare(1, Extended(HonestVotes()))).Txs);
    }

    [Fact]
    public void CheckTx_InjectedOracleTx_IsRejectedFromTheMempool()
    {
        var app = NewApp();
        Assert.False(app.CheckTx(new CheckTxRequest(Injected(HonestVotes()))).IsOk);
    }

    [Theory]
    [InlineData("extension", 12345L, 2L, "test_chain_id")]
    [InlineData("", 7L, 0L, "phoenix-test-1")] // proto3: empty extension and round 0 are omitted
    [InlineData("x", 1L, 3L, "")]
    public void SignBytes_MatchCanonicalVoteExtensionEncoding(string extension, long height, long round, string chainId)
    {
        var body = new MemoryStream();
        var output = new CodedOutputStream(body);
        if (extension.Length > 0)
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFromUtf8(extension));
        }

        if (height != 0)
        {
            output.WriteTag(2, WireFormat.WireType.Fixed64);
            output.WriteSFixed64(height);
        }

        if (round != 0)
        {
            output.WriteTag(3, WireFormat.WireType.Fixed64);
            output.WriteSFixed64(round);
        }

        if (chainId.Length > 0)
        {
            output.WriteTag(4, WireFormat.WireType.LengthDelimited);
            output.WriteString(chainId);
        }

        output.Flush();
        byte[] expected = [(byte)body.Length, .. body.ToArray()];

        Assert.Equal(expected, OracleVoteExtensions.SignBytes(chainId, height, round, System.Text.Encoding.UTF8.GetBytes(extension)));
    }

    [Fact]
    public void SignBytes_MatchCometBftDerivedVector_WhenConformanceDataIsPresent()
    {
        var dir = Support.Conformance.VectorsDirectory();
        if (dir is null)
        {
            return; // product tests never depend on ../shared/conformance
        }

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cometbft_derived_encodings.json")));
        foreach (var c in doc.RootElement.GetProperty("canonical_vote_extension_sign_bytes").EnumerateArray())
        {
            var bytes = OracleVoteExtensions.SignBytes(c.GetProperty("chain_id").GetString()!, c.GetProperty("height").GetInt64(), c.GetProperty("round").GetInt64(), System.Text.Encoding.ASCII.GetBytes(c.GetProperty("extension_ascii").GetString()!));
            Assert.Equal(c.GetProperty("expected_hex").GetString(), Convert.ToHexStringLower(bytes));
        }
    }

    [Fact]
    public void TryDecodeInjectedTx_RejectsDuplicatesShortSignaturesNegativeRoundAndNoVotes()
    {
        var v = HonestVotes()[0];
        SignedOracleVote Vote(byte[]? sig = null) => new(v.Address, v.Extension, sig ?? v.Signature);
        Assert.True(OracleVoteExtensions.TryDecodeInjectedTx(OracleVoteExtensions.EncodeInjectedTx(0, [Vote()]), out _, out var decoded));
        Assert.Single(decoded);
        Assert.False(OracleVoteExtensions.TryDecodeInjectedTx(OracleVoteExtensions.EncodeInjectedTx(0, [Vote(), Vote()]), out _, out _));
        Assert.False(OracleVoteExtensions.TryDecodeInjectedTx(OracleVoteExtensions.EncodeInjectedTx(0, [Vote(new byte[63])]), out _, out _));
        Assert.False(OracleVoteExtensions.TryDecodeInjectedTx(OracleVoteExtensions.EncodeInjectedTx(-1, [Vote()]), out _, out _));
        Assert.False(OracleVoteExtensions.TryDecodeInjectedTx(OracleVoteExtensions.EncodeInjectedTx(0, []), out _, out _));
        Assert.False(OracleVoteExtensions.TryDecodeInjectedTx([.. OracleVoteExtensions.EncodeInjectedTx(0, [Vote()]), 0x00], out _, out _));
    }
}
