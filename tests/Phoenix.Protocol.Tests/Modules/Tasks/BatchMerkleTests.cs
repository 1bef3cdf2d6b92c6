using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Tests.Support;

namespace Phoenix.Protocol.Tests.Modules.Tasks;

public sealed class BatchMerkleTests
{
    [Fact]
    public void Root_CometBftVectors_MatchExpectedRoots()
    {
        var dir = Conformance.VectorsDirectory();
        if (dir is null)
        {
            return; // conformance data absent: the data-driven part is skipped by design
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "cometbft_merkle.json")));
        var checkedCount = 0;
        foreach (var vector in doc.RootElement.GetProperty("hash_from_byte_slices").EnumerateArray())
        {
            var items = vector.GetProperty("items_hex");
            var leaves = items.ValueKind == JsonValueKind.Null
                ? []
                : items.EnumerateArray().Select(i => BatchMerkle.LeafHash(Convert.FromHexString(i.GetString()!))).ToList();
            Assert.Equal(vector.GetProperty("expected_root_hex").GetString(), BatchMerkle.Root(leaves).ToString());
            checkedCount++;
        }

        Assert.True(checkedCount > 3, "expected several hash_from_byte_slices vectors");
    }

    [Fact]
    public void Root_ThreeLeaves_SplitsAtTwo()
    {
        var a = BatchMerkle.LeafHash([1]);
        var b = BatchMerkle.LeafHash([2]);
        var c = BatchMerkle.LeafHash([3]);
        var expected = Hash32.Sha256([0x01, .. Hash32.Sha256([0x01, .. a.ToArray(), .. b.ToArray()]).ToArray(), .. c.ToArray()]);
        Assert.Equal(expected, BatchMerkle.Root([a, b, c]));
    }

    [Property(MaxTest = 60)]
    public Property VerifyInclusion_EveryLeafOfAnyTree_Verifies(PositiveInt sizeSeed)
    {
        var size = (sizeSeed.Get % 70) + 1;
        var leaves = Enumerable.Range(0, size).Select(i => BatchMerkle.LeafHash(BitConverter.GetBytes(i))).ToList();
        var root = BatchMerkle.Root(leaves);
        var all = Enumerable.Range(0, size).All(i => BatchMerkle.VerifyInclusion((ulong)i, (ulong)size, leaves[i], BatchMerkle.Proof(leaves, i), root));
        return all.ToProperty();
    }

    [Property(MaxTest = 60)]
    public Property VerifyInclusion_WrongIndexOrLeafOrSize_Fails(PositiveInt sizeSeed, PositiveInt indexSeed)
    {
        var size = (sizeSeed.Get % 70) + 2;
        var index = indexSeed.Get % size;
        var leaves = Enumerable.Range(0, size).Select(i => BatchMerkle.LeafHash(BitConverter.GetBytes(i))).ToList();
        var root = BatchMerkle.Root(leaves);
        var proof = BatchMerkle.Proof(leaves, index);
        var other = (index + 1) % size;
        var rejected = !BatchMerkle.VerifyInclusion((ulong)other, (ulong)size, leaves[index], proof, root)
                       && !BatchMerkle.VerifyInclusion((ulong)index, (ulong)size, leaves[other], proof, root)
                       && !BatchMerkle.VerifyInclusion((ulong)index, (ulong)size + 1, leaves[index], [.. proof, leaves[0]], root)
                       && !BatchMerkle.VerifyInclusion((ulong)index, (ulong)size, leaves[index], proof.Take(proof.Count - 1).ToList(), root);
        return rejected.ToProperty();
    }
}
