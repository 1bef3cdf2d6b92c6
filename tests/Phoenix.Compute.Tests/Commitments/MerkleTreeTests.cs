using System.Text.Json;
using FsCheck.Xunit;
using Phoenix.Compute.Commitments;
using Phoenix.Compute.Tests.Support;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Compute.Tests.Commitments;

public class MerkleTreeTests
{
    private static MerkleTree TreeOf(int n) => new(Enumerable.Range(0, n).Select(i => MerkleTree.HashLeaf(BitConverter.GetBytes(i))));

    [Fact]
    public void Root_CometBftConformanceVectors_MatchExpectedRoots()
    {
        var path = Conformance.Folder("vectors/cometbft_merkle.json");
        if (path is null)
        {
            return;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var checkedCount = 0;
        foreach (var v in doc.RootElement.GetProperty("hash_from_byte_slices").EnumerateArray())
        {
            var items = v.GetProperty("items_hex");
            var leaves = items.ValueKind == JsonValueKind.Null
                ? []
                : items.EnumerateArray().Select(i => MerkleTree.HashLeaf(Convert.FromHexString(i.GetString()!))).ToArray();

            var tree = new MerkleTree(leaves);

            Assert.Equal(v.GetProperty("expected_root_hex").GetString(), tree.Root.ToString().ToLowerInvariant());
            checkedCount++;
        }

        Assert.True(checkedCount > 3, "expected several CometBFT Merkle vectors");
    }

    [Fact]
    public void Root_ThreeLeaves_IsLeftHeavyRfc6962Shape()
    {
        var leaves = new[] { "a", "b", "c" }.Select(s => MerkleTree.HashLeaf(System.Text.Encoding.ASCII.GetBytes(s))).ToArray();

        var tree = new MerkleTree(leaves);

        Assert.Equal(MerkleTree.HashInner(MerkleTree.HashInner(leaves[0], leaves[1]), leaves[2]), tree.Root);
    }

    [Property(MaxTest = 60)]
    public bool InclusionProof_EveryLeaf_Verifies(byte size)
    {
        var n = (size % 70) + 1;
        var tree = TreeOf(n);
        return Enumerable.Range(0, n).All(i => MerkleTree.VerifyInclusion(tree.Root, n, i, tree.LeafHash(i), tree.InclusionProof(i)));
    }

    [Property(MaxTest = 60)]
    public bool VerifyInclusion_WrongLeafOrIndex_Fails(byte size, byte which)
    {
        var n = (size % 70) + 2;
        var i = which % n;
        var tree = TreeOf(n);
        var proof = tree.InclusionProof(i);
        var other = (i + 1) % n;
        return !MerkleTree.VerifyInclusion(tree.Root, n, i, tree.LeafHash(other), proof)
            && !MerkleTree.VerifyInclusion(tree.Root, n, other, tree.LeafHash(i), proof)
            && !MerkleTree.VerifyInclusion(Hash32.Sha256([1]), n, i, tree.LeafHash(i), proof);
    }
}
