using System.Security.Cryptography;
using System.Text;
using FsCheck.Xunit;
using Phoenix.Node.Consensus.Types;

namespace Phoenix.Node.Tests.Consensus.Types;

public class MerkleTreeTests
{
    // Embedded from cometbft/cometbft crypto/merkle/tree_test.go TestHashFromByteSlices (v0.38.25 baaa61e6).
    [Theory]
    [InlineData(new string[0], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData(new[] { "010203" }, "054edec1d0211f624fed0cbca9d4f9400b0e491c43742af2c5b0abebf0c990d8")]
    [InlineData(new[] { "" }, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")]
    [InlineData(new[] { "010203", "040506" }, "82e6cfce00453804379b53962939eaa7906b39904be0813fcadd31b100773c4b")]
    [InlineData(new[] { "0102", "0304", "0506", "0708", "090a" }, "f326493eceab4f2d9ffbc78c59432a0a005d6ea98392045c74df5d14a113be18")]
    public void HashFromByteSlices_UpstreamVector_MatchesCometBft(string[] itemsHex, string expectedHex)
    {
        var root = MerkleTree.HashFromByteSlices(itemsHex.Select(Convert.FromHexString).ToList());
        Assert.Equal(expectedHex, Convert.ToHexStringLower(root));
    }

    [Fact]
    public void LeafAndInnerHash_Rfc6962Vectors_MatchTrillian()
    {
        // Embedded from crypto/merkle/rfc6962_test.go (originally google/trillian).
        Assert.Equal("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56", Convert.ToHexStringLower(MerkleTree.LeafHash("L123456"u8)));
        Assert.Equal("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb", Convert.ToHexStringLower(MerkleTree.InnerHash("N123"u8, "N456"u8)));
    }

    [Fact]
    public void AllVectors_SharedConformanceFile_Reproduced()
    {
        var doc = ConformanceVectors.Load("cometbft_merkle.json");
        if (doc is null)
        {
            return;
        }

        var count = 0;
        foreach (var c in doc.Value.GetProperty("hash_from_byte_slices").EnumerateArray())
        {
            var items = c.GetProperty("items_hex");
            var list = items.ValueKind == System.Text.Json.JsonValueKind.Null ? [] : items.EnumerateArray().Select(i => i.Hex()).ToList();
            Assert.Equal(c.GetProperty("expected_root_hex").GetString(), Convert.ToHexStringLower(MerkleTree.HashFromByteSlices(list)));
            count++;
        }

        foreach (var c in doc.Value.GetProperty("rfc6962_hasher").EnumerateArray())
        {
            var expected = c.GetProperty("expected_hex").GetString();
            var actual = c.GetProperty("op").GetString() switch
            {
                "root_of_zero_items" => MerkleTree.HashFromByteSlices([]),
                "leaf_hash" => MerkleTree.LeafHash(c.GetProperty("input_hex").Hex()),
                "inner_hash" => MerkleTree.InnerHash(c.GetProperty("left_hex").Hex(), c.GetProperty("right_hex").Hex()),
                var op => throw new InvalidOperationException($"unknown op {op}"),
            };
            Assert.Equal(expected, Convert.ToHexStringLower(actual));
            count++;
        }

        foreach (var c in doc.Value.GetProperty("get_split_point").EnumerateArray())
        {
            Assert.Equal(c.GetProperty("expected").GetInt64(), MerkleTree.GetSplitPoint(c.GetProperty("length").GetInt64()));
            count++;
        }

        Assert.True(count > 15, $"expected the whole file to be exercised, ran {count} cases");
    }

    [Property]
    public bool HashFromByteSlices_RecursiveRule_EqualsIterativePairwise(byte[][] items)
    {
        var list = items.Select(i => i ?? []).ToList();
        return MerkleTree.HashFromByteSlices(list).AsSpan().SequenceEqual(Iterative(list));
    }

    [Property]
    public bool GetSplitPoint_AnyLength_IsLargestPowerOfTwoBelow(int n)
    {
        var length = (long)(Math.Abs((long)n) % 1_000_000) + 2;
        var k = MerkleTree.GetSplitPoint(length);
        return k < length && 2 * k >= length && (k & (k - 1)) == 0;
    }

    [Fact]
    public void HashFromByteSlices_SwappedLeaves_DifferentRoot()
    {
        var a = Encoding.ASCII.GetBytes("a");
        var b = Encoding.ASCII.GetBytes("b");
        Assert.NotEqual(MerkleTree.HashFromByteSlices([a, b]), MerkleTree.HashFromByteSlices([b, a]));
        Assert.NotEqual(MerkleTree.HashFromByteSlices([a, b]), MerkleTree.LeafHash([.. a, .. b]));
    }

    // RFC 6962's iterative formulation: hash leaves, then pair adjacent nodes level by level, promoting an odd last node.
    private static byte[] Iterative(List<byte[]> items)
    {
        if (items.Count == 0)
        {
            return SHA256.HashData([]);
        }

        var level = items.Select(i => MerkleTree.LeafHash(i)).ToList();
        while (level.Count > 1)
        {
            var next = new List<byte[]>();
            for (var i = 0; i < level.Count; i += 2)
            {
                next.Add(i + 1 < level.Count ? MerkleTree.InnerHash(level[i], level[i + 1]) : level[i]);
            }

            level = next;
        }

        return level[0];
    }
}
