using System.Text.Json;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.Crypto;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Tests.Consensus.Types;

public class CanonicalEncodingTests
{
    private static readonly BlockId FullBlockId = new(
        Convert.FromHexString("8b01023386c371778ecb6368573e539afc3cc860ec3a2f614e54fe5652f4fc80"),
        new PartSetHeader(1000000, Convert.FromHexString("72db3d959635dff1bb567bedaa70573392c5159666a3f8caf11e413aac52207a")));

    private static readonly Timestamp ChristmasTime = new(1514170801, 234000000);

    // Embedded from cometbft/cometbft types/vote_test.go TestVoteSignBytesTestVectors (v0.38.25 baaa61e6, identical in v1.0.1).
    [Theory]
    [InlineData("", 0, 0L, 0, "0d2a0b088092b8c398feffffff01")]
    [InlineData("", 2, 1L, 1, "2108021101000000000000001901000000000000002a0b088092b8c398feffffff01")]
    [InlineData("", 1, 1L, 1, "2108011101000000000000001901000000000000002a0b088092b8c398feffffff01")]
    [InlineData("", 0, 1L, 1, "1f1101000000000000001901000000000000002a0b088092b8c398feffffff01")]
    [InlineData("test_chain_id", 0, 1L, 1, "2e1101000000000000001901000000000000002a0b088092b8c398feffffff01320d746573745f636861696e5f6964")]
    public void VoteSignBytes_UpstreamVector_MatchesCometBft(string chainId, int type, long height, int round, string expectedHex)
    {
        var bytes = CanonicalEncoding.VoteSignBytes(chainId, (SignedMsgType)type, height, round, BlockId.Nil, CanonicalEncoding.GoZeroTime);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void VoteSignBytes_FullBlockId_MatchesDerivedVector()
    {
        // Derived vector (shared/conformance cometbft_derived_encodings.json, produced by an encoder that reproduces every upstream vector).
        var bytes = CanonicalEncoding.VoteSignBytes("test_chain_id", SignedMsgType.Precommit, 12345, 2, FullBlockId, ChristmasTime);
        Assert.Equal("7c0802113930000000000000190200000000000000224a0a208b01023386c371778ecb6368573e539afc3cc860ec3a2f614e54fe5652f4fc80122608c0843d122072db3d959635dff1bb567bedaa70573392c5159666a3f8caf11e413aac52207a2a0b08b1d381d20510809dca6f320d746573745f636861696e5f6964", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void ProposalSignBytes_NegativePolRound_TenByteVarint()
    {
        var bytes = CanonicalEncoding.ProposalSignBytes("test_chain_id", 12345, 2, -1, FullBlockId, ChristmasTime);
        Assert.Equal("8701082011393000000000000019020000000000000020ffffffffffffffffff012a4a0a208b01023386c371778ecb6368573e539afc3cc860ec3a2f614e54fe5652f4fc80122608c0843d122072db3d959635dff1bb567bedaa70573392c5159666a3f8caf11e413aac52207a320b08b1d381d20510809dca6f3a0d746573745f636861696e5f6964", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void AllVectors_SharedConformanceFiles_Reproduced()
    {
        var upstream = ConformanceVectors.Load("cometbft_vote_signbytes.json");
        var derived = ConformanceVectors.Load("cometbft_derived_encodings.json");
        if (upstream is null || derived is null)
        {
            return;
        }

        var count = 0;
        foreach (var c in upstream.Value.GetProperty("cases").EnumerateArray())
        {
            var v = c.GetProperty("vote");
            var bytes = CanonicalEncoding.VoteSignBytes(c.GetProperty("chain_id").GetString()!, (SignedMsgType)v.GetProperty("type").GetInt32(),
                v.GetProperty("height").GetInt64(), v.GetProperty("round").GetInt32(), ParseBlockId(v.GetProperty("block_id")), ParseTime(v.GetProperty("timestamp")));
            Assert.Equal(c.GetProperty("expected_sign_bytes_hex").GetString(), Convert.ToHexStringLower(bytes));
            count++;
        }

        foreach (var c in derived.Value.GetProperty("canonical_vote_sign_bytes").EnumerateArray())
        {
            var bytes = CanonicalEncoding.VoteSignBytes(c.GetProperty("chain_id").GetString()!, (SignedMsgType)c.GetProperty("type").GetInt32(),
                c.GetProperty("height").GetInt64(), c.GetProperty("round").GetInt32(), ParseBlockId(c.GetProperty("block_id")), ParseTime(c.GetProperty("timestamp")));
            Assert.Equal(c.GetProperty("expected_hex").GetString(), Convert.ToHexStringLower(bytes));
            count++;
        }

        foreach (var c in derived.Value.GetProperty("canonical_vote_extension_sign_bytes").EnumerateArray())
        {
            var bytes = CanonicalEncoding.VoteExtensionSignBytes(c.GetProperty("chain_id").GetString()!, c.GetProperty("height").GetInt64(), c.GetProperty("round").GetInt32(),
                System.Text.Encoding.ASCII.GetBytes(c.GetProperty("extension_ascii").GetString()!));
            Assert.Equal(c.GetProperty("expected_hex").GetString(), Convert.ToHexStringLower(bytes));
            count++;
        }

        foreach (var c in derived.Value.GetProperty("canonical_proposal_sign_bytes").EnumerateArray())
        {
            var bytes = CanonicalEncoding.ProposalSignBytes(c.GetProperty("chain_id").GetString()!, c.GetProperty("height").GetInt64(), c.GetProperty("round").GetInt32(),
                c.GetProperty("pol_round").GetInt32(), ParseBlockId(c.GetProperty("block_id")), ParseTime(c.GetProperty("timestamp")));
            Assert.Equal(c.GetProperty("expected_hex").GetString(), Convert.ToHexStringLower(bytes));
            count++;
        }

        Assert.Equal(12, count);
    }

    [Fact]
    public void Verify_SignedVote_AcceptsAndRejectsTamperedTimestamp()
    {
        var seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var pub = Ed25519.GetPublicKey(seed);
        var unsigned = new Vote(SignedMsgType.Prevote, 5, 0, FullBlockId, ChristmasTime, Validator.AddressOf(pub), 0, []);
        var vote = unsigned with { Signature = Ed25519.Sign(seed, unsigned.SignBytes("c")) };
        Assert.True(vote.Verify("c", pub));
        Assert.False((vote with { Timestamp = ChristmasTime.AddSeconds(1) }).Verify("c", pub));
        Assert.False(vote.Verify("other-chain", pub));
    }

    internal static BlockId ParseBlockId(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return BlockId.Nil;
        }

        var psh = e.GetProperty("part_set_header");
        return new BlockId(e.GetProperty("hash_hex").Hex(), new PartSetHeader(psh.GetProperty("total").GetUInt32(), psh.GetProperty("hash_hex").Hex()));
    }

    internal static Timestamp ParseTime(JsonElement e) => new(e.GetProperty("seconds").GetInt64(), e.TryGetProperty("nanos", out var n) ? n.GetInt32() : 0);
}
