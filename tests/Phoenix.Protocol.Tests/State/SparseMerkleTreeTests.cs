using FsCheck;
using FsCheck.Fluent;
using Phoenix.Protocol.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Tests.State;

public class SparseMerkleTreeTests
{
    private static byte[] K(int i) => System.Text.Encoding.ASCII.GetBytes("key" + i);

    private static byte[] V(int i, int version) => System.Text.Encoding.ASCII.GetBytes($"value{i}.{version}");

    private static (Hash32 Root, SparseMerkleTree Tree, InMemoryKeyValueStore Store) BuildFromScratch(IEnumerable<KeyValuePair<int, int>> entries)
    {
        var store = new InMemoryKeyValueStore();
        var tree = new SparseMerkleTree(store);
        var root = tree.Update(Hash32.Zero, entries.Select(e => new SparseMerkleTree.Change(Hash32.Sha256(K(e.Key)), K(e.Key), V(e.Key, e.Value))));
        var batch = new KeyValueBatch();
        tree.WritePending(batch);
        store.Apply(batch);
        return (root, tree, store);
    }

    [Fact]
    public void Update_EmptyTree_RootIsZeroAndSingleLeafIsLeafHash()
    {
        var (empty, _, _) = BuildFromScratch([]);
        Assert.True(empty.IsZero);
        var (one, _, _) = BuildFromScratch([new(1, 0)]);
        Assert.Equal(SparseMerkleTree.LeafHash(Hash32.Sha256(K(1)), Hash32.Sha256(V(1, 0))), one);
    }

    [Fact]
    public void Update_IncrementalBatches_EqualRootBuiltFromScratch()
    {
        // Property: any sequence of batches of puts and deletes gives the same root as building the final map at once.
        Prop.ForAll<int[][]>(batches =>
        {
            var store = new InMemoryKeyValueStore();
            var tree = new SparseMerkleTree(store);
            var root = Hash32.Zero;
            var model = new Dictionary<int, int>();
            var version = 0;
            foreach (var batchOps in batches.Where(b => b is not null))
            {
                version++;
                var changes = new Dictionary<int, bool>();
                foreach (var op in batchOps)
                {
                    changes[Math.Abs(op % 40)] = op >= 0;
                }

                root = tree.Update(root, changes.Select(c => new SparseMerkleTree.Change(Hash32.Sha256(K(c.Key)), K(c.Key), c.Value ? V(c.Key, version) : null)));
                var kv = new KeyValueBatch();
                tree.WritePending(kv);
                store.Apply(kv);
                foreach (var (k, put) in changes)
                {
                    if (put) model[k] = version; else model.Remove(k);
                }
            }

            return root == BuildFromScratch(model).Root;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Proofs_InclusionAndExclusion_VerifyAgainstRootOnly()
    {
        var entries = Enumerable.Range(0, 200).Select(i => new KeyValuePair<int, int>(i, 1)).ToList();
        var (root, tree, _) = BuildFromScratch(entries);
        for (var i = 0; i < 260; i += 7)
        {
            var siblings = new List<Hash32>();
            var value = tree.Get(root, K(i), siblings, out var leaf);
            var proof = value is null && leaf is not null ? new StateProof(siblings, leaf.KeyHash, leaf.ValueHash) : new StateProof(siblings);
            Assert.True(StateProof.TryParse(proof.ToBytes(), out var parsed));
            if (i < 200)
            {
                Assert.Equal(V(i, 1), value);
                Assert.True(parsed!.VerifyInclusion(root, K(i), V(i, 1)));
                Assert.False(parsed.VerifyInclusion(root, K(i), V(i, 2)));
                Assert.False(parsed.VerifyExclusion(root, K(i)));
            }
            else
            {
                Assert.Null(value);
                Assert.True(parsed!.VerifyExclusion(root, K(i)));
                Assert.False(parsed.VerifyInclusion(root, K(i), V(i, 1)));
            }
        }
    }

    [Fact]
    public void Proof_TamperedSiblingOrWrongRoot_Fails()
    {
        var (root, tree, _) = BuildFromScratch(Enumerable.Range(0, 50).Select(i => new KeyValuePair<int, int>(i, 1)));
        var siblings = new List<Hash32>();
        tree.Get(root, K(3), siblings, out _);
        Assert.NotEmpty(siblings);
        var good = new StateProof(siblings);
        Assert.True(good.VerifyInclusion(root, K(3), V(3, 1)));
        siblings[0] = Hash32.Sha256("x"u8);
        Assert.False(new StateProof(siblings).VerifyInclusion(root, K(3), V(3, 1)));
        Assert.False(good.VerifyInclusion(Hash32.Sha256("other"u8), K(3), V(3, 1)));
    }

    [Fact]
    public void StateProof_TryParse_RejectsTrailingBytesAndBadLengths()
    {
        var proof = new StateProof([Hash32.Sha256("a"u8)]).ToBytes();
        Assert.False(StateProof.TryParse([.. proof, 0], out _));
        Assert.False(StateProof.TryParse([0x0a, 0x01, 0x00], out _)); // a 1-byte sibling
        Assert.True(StateProof.TryParse(proof, out _));
    }
}
