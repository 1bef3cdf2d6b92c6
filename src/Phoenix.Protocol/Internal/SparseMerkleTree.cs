using System.Buffers.Binary;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Internal;

/// <summary>
/// A compact sparse Merkle tree over SHA-256(key), 256 levels deep, in which a subtree holding a
/// single leaf is represented by that leaf (no chain of internal nodes above it). Nodes are
/// content-addressed (stored under <c>n/ + hash</c>), so every past root stays readable and updates
/// cost O(changed keys × log n) hashes.
/// </summary>
/// <remarks>
/// Hashes: empty = 32 zero bytes; leaf = SHA-256(0x00 ‖ SHA-256(key) ‖ SHA-256(value));
/// internal = SHA-256(0x01 ‖ left ‖ right). Bit i of the path is bit (7 - i % 8) of byte i / 8 of
/// SHA-256(key) (most significant first; 0 = left). The proof format and verifier are in
/// <see cref="StateProof"/>. Not thread-safe: one writer, serialized by the application.
/// </remarks>
internal sealed class SparseMerkleTree
{
    private static readonly byte[] NodePrefix = "n/"u8.ToArray();
    private const int MaxCachedNodes = 1 << 20;

    private readonly IKeyValueStore _store;
    private readonly Dictionary<Hash32, Node> _cache = [];
    private readonly Dictionary<Hash32, Node> _pending = [];

    public SparseMerkleTree(IKeyValueStore store) => _store = store;

    internal abstract class Node
    {
        public Hash32 Hash { get; protected init; }
    }

    internal sealed class LeafNode : Node
    {
        public LeafNode(Hash32 keyHash, byte[] key, byte[] value)
        {
            KeyHash = keyHash;
            Key = key;
            Value = value;
            ValueHash = Hash32.Sha256(value);
            Hash = LeafHash(keyHash, ValueHash);
        }

        public Hash32 KeyHash { get; }
        public Hash32 ValueHash { get; }
        public byte[] Key { get; }
        public byte[] Value { get; }
    }

    internal sealed class InternalNode : Node
    {
        public InternalNode(Hash32 left, Hash32 right)
        {
            Left = left;
            Right = right;
            Hash = InternalHash(left, right);
        }

        public Hash32 Left { get; }
        public Hash32 Right { get; }
    }

    /// <summary>One change: a put (value not null) or a delete.</summary>
    internal readonly record struct Change(Hash32 KeyHash, byte[] Key, byte[]? Value);

    public static Hash32 LeafHash(Hash32 keyHash, Hash32 valueHash)
    {
        Span<byte> buf = stackalloc byte[65];
        buf[0] = 0;
        keyHash.TryWriteBytes(buf[1..]);
        valueHash.TryWriteBytes(buf[33..]);
        return Hash32.Sha256(buf);
    }

    public static Hash32 InternalHash(Hash32 left, Hash32 right)
    {
        Span<byte> buf = stackalloc byte[65];
        buf[0] = 1;
        left.TryWriteBytes(buf[1..]);
        right.TryWriteBytes(buf[33..]);
        return Hash32.Sha256(buf);
    }

    public static bool Bit(Hash32 keyHash, int depth) => keyHash.GetBit(depth);

    /// <summary>Applies a set of changes to the tree at <paramref name="root"/> and returns the new root. New nodes stay pending until <see cref="WritePending"/>.</summary>
    public Hash32 Update(Hash32 root, IEnumerable<Change> changes)
    {
        var ops = changes.ToList();
        ops.Sort(static (a, b) => a.KeyHash.CompareTo(b.KeyHash));
        for (var i = 1; i < ops.Count; i++)
        {
            if (ops[i].KeyHash == ops[i - 1].KeyHash)
            {
                throw new ArgumentException("Each key may change at most once per update.", nameof(changes));
            }
        }

        return Update(root, 0, ops, 0, ops.Count);
    }

    /// <summary>Adds the nodes created since the last call to <paramref name="batch"/> and moves them to the read cache.</summary>
    public void WritePending(KeyValueBatch batch)
    {
        foreach (var (hash, node) in _pending)
        {
            batch.Put(NodeKey(hash), Encode(node));
        }

        if (_cache.Count + _pending.Count > MaxCachedNodes)
        {
            _cache.Clear();
        }

        foreach (var (hash, node) in _pending)
        {
            _cache[hash] = node;
        }

        _pending.Clear();
    }

    /// <summary>Forgets nodes created since the last <see cref="WritePending"/> (an uncommitted block).</summary>
    public void DiscardPending() => _pending.Clear();

    /// <summary>Reads a key under a root, optionally building its proof.</summary>
    public byte[]? Get(Hash32 root, ReadOnlySpan<byte> key, List<Hash32>? siblings, out LeafNode? terminalLeaf)
    {
        var keyHash = Hash32.Sha256(key);
        var current = root;
        terminalLeaf = null;
        for (var depth = 0; ; depth++)
        {
            if (current.IsZero)
            {
                return null;
            }

            var node = Load(current);
            if (node is LeafNode leaf)
            {
                terminalLeaf = leaf;
                return leaf.KeyHash == keyHash ? leaf.Value : null;
            }

            var inner = (InternalNode)node;
            var right = Bit(keyHash, depth);
            siblings?.Add(right ? inner.Left : inner.Right);
            current = right ? inner.Right : inner.Left;
        }
    }

    private Hash32 Update(Hash32 node, int depth, List<Change> ops, int from, int to)
    {
        if (from == to)
        {
            return node;
        }

        if (node.IsZero)
        {
            return Build(depth, Collect(ops, from, to, null));
        }

        var loaded = Load(node);
        if (loaded is LeafNode existing)
        {
            return Build(depth, Collect(ops, from, to, existing));
        }

        var inner = (InternalNode)loaded;
        var split = SplitPoint(ops, from, to, depth);
        var left = Update(inner.Left, depth + 1, ops, from, split);
        var right = Update(inner.Right, depth + 1, ops, split, to);
        return left == inner.Left && right == inner.Right ? node : Compose(left, right);
    }

    private static List<LeafNode> Collect(List<Change> ops, int from, int to, LeafNode? existing)
    {
        var leaves = new List<LeafNode>(to - from + 1);
        var existingPlaced = existing is null;
        for (var i = from; i < to; i++)
        {
            var op = ops[i];
            if (!existingPlaced && existing!.KeyHash <= op.KeyHash)
            {
                if (existing.KeyHash != op.KeyHash)
                {
                    leaves.Add(existing);
                }

                existingPlaced = true;
            }

            if (op.Value is not null)
            {
                leaves.Add(new LeafNode(op.KeyHash, op.Key, op.Value));
            }
        }

        if (!existingPlaced)
        {
            leaves.Add(existing!);
        }

        return leaves;
    }

    private Hash32 Build(int depth, List<LeafNode> leaves) => Build(depth, leaves, 0, leaves.Count);

    private Hash32 Build(int depth, List<LeafNode> leaves, int from, int to)
    {
        var count = to - from;
        if (count == 0)
        {
            return Hash32.Zero;
        }

        if (count == 1)
        {
            var leaf = leaves[from];
            _pending[leaf.Hash] = leaf;
            return leaf.Hash;
        }

        var split = from;
        while (split < to && !Bit(leaves[split].KeyHash, depth))
        {
            split++;
        }

        return Compose(Build(depth + 1, leaves, from, split), Build(depth + 1, leaves, split, to));
    }

    private static int SplitPoint(List<Change> ops, int from, int to, int depth)
    {
        var split = from;
        while (split < to && !Bit(ops[split].KeyHash, depth))
        {
            split++;
        }

        return split;
    }

    private Hash32 Compose(Hash32 left, Hash32 right)
    {
        if (left.IsZero && right.IsZero)
        {
            return Hash32.Zero;
        }

        if (left.IsZero && Load(right) is LeafNode)
        {
            return right;
        }

        if (right.IsZero && Load(left) is LeafNode)
        {
            return left;
        }

        var node = new InternalNode(left, right);
        _pending[node.Hash] = node;
        return node.Hash;
    }

    private Node Load(Hash32 hash)
    {
        if (_pending.TryGetValue(hash, out var node) || _cache.TryGetValue(hash, out node))
        {
            return node;
        }

        var bytes = _store.Get(NodeKey(hash)) ?? throw new InvalidDataException($"State tree node {hash} is missing from the store.");
        node = Decode(bytes);
        if (node.Hash != hash)
        {
            throw new InvalidDataException($"State tree node {hash} is corrupted (its contents hash to {node.Hash}).");
        }

        if (_cache.Count >= MaxCachedNodes)
        {
            _cache.Clear();
        }

        _cache[hash] = node;
        return node;
    }

    private static byte[] NodeKey(Hash32 hash)
    {
        var key = new byte[NodePrefix.Length + Hash32.Length];
        NodePrefix.CopyTo(key, 0);
        hash.TryWriteBytes(key.AsSpan(NodePrefix.Length));
        return key;
    }

    private static byte[] Encode(Node node)
    {
        if (node is InternalNode inner)
        {
            var bytes = new byte[65];
            bytes[0] = 1;
            inner.Left.TryWriteBytes(bytes.AsSpan(1));
            inner.Right.TryWriteBytes(bytes.AsSpan(33));
            return bytes;
        }

        var leaf = (LeafNode)node;
        var result = new byte[1 + 4 + leaf.Key.Length + leaf.Value.Length];
        result[0] = 0;
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(1), leaf.Key.Length);
        leaf.Key.CopyTo(result, 5);
        leaf.Value.CopyTo(result, 5 + leaf.Key.Length);
        return result;
    }

    private static Node Decode(byte[] bytes)
    {
        if (bytes.Length == 65 && bytes[0] == 1)
        {
            return new InternalNode(new Hash32(bytes.AsSpan(1, 32)), new Hash32(bytes.AsSpan(33, 32)));
        }

        if (bytes.Length >= 5 && bytes[0] == 0)
        {
            var keyLength = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1));
            if (keyLength >= 0 && keyLength <= bytes.Length - 5)
            {
                var key = bytes.AsSpan(5, keyLength).ToArray();
                var value = bytes.AsSpan(5 + keyLength).ToArray();
                return new LeafNode(Hash32.Sha256(key), key, value);
            }
        }

        throw new InvalidDataException("A state tree node has an invalid encoding.");
    }
}
