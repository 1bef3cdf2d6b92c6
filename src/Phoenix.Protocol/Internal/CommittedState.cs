using System.Buffers.Binary;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Internal;

/// <summary>
/// Committed application state in an <see cref="IKeyValueStore"/>: the latest values under <c>s/</c>
/// (fast reads), the authenticated tree's nodes under <c>n/</c>, each height's root under
/// <c>r/ + height</c> and the last committed height under <c>m/height</c>.
/// </summary>
internal sealed class CommittedState : IStateReader
{
    private static readonly byte[] ValuePrefix = "s/"u8.ToArray();
    private static readonly byte[] RootPrefix = "r/"u8.ToArray();
    private static readonly byte[] HeightKey = "m/height"u8.ToArray();

    private readonly IKeyValueStore _store;
    private readonly SparseMerkleTree _tree;
    private KeyValueBatch? _staged;
    private long _stagedHeight;
    private Hash32 _stagedRoot;

    public CommittedState(IKeyValueStore store)
    {
        _store = store;
        _tree = new SparseMerkleTree(store);
        var h = store.Get(HeightKey);
        Height = h is null ? 0 : BinaryPrimitives.ReadInt64BigEndian(h);
        Root = h is null ? Hash32.Zero : RootAt(Height) ?? Hash32.Zero;
        HasState = h is not null;
    }

    /// <summary>The underlying store (snapshots keep their chunks beside the state, under <c>x/</c>).</summary>
    public IKeyValueStore Store => _store;

    /// <summary>Whether anything was ever committed (genesis included).</summary>
    public bool HasState { get; private set; }

    /// <summary>The last committed height (0 = genesis).</summary>
    public long Height { get; private set; }

    /// <summary>The last committed root.</summary>
    public Hash32 Root { get; private set; }

    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        if (key.Length > 256)
        {
            return _store.Get(Prefixed(key));
        }

        Span<byte> full = stackalloc byte[ValuePrefix.Length + key.Length];
        ValuePrefix.CopyTo(full);
        key.CopyTo(full[ValuePrefix.Length..]);
        return _store.Get(full);
    }

    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Scan(ReadOnlySpan<byte> prefix)
    {
        var start = Prefixed(prefix);
        var end = PrefixEnd(start);
        var p = ValuePrefix.Length;
        return [.. _store.Scan(start, end).Select(kv => new KeyValuePair<byte[], byte[]>(kv.Key[p..], kv.Value))];
    }

    /// <summary>Computes the root after <paramref name="writes"/> and stages the batch; nothing is visible until <see cref="Commit"/>.</summary>
    public Hash32 Stage(long height, IReadOnlyDictionary<byte[], byte[]?> writes)
    {
        _tree.DiscardPending();
        var changes = writes.Select(kv => new SparseMerkleTree.Change(Hash32.Sha256(kv.Key), kv.Key, kv.Value));
        var root = _tree.Update(Root, changes);
        var batch = new KeyValueBatch();
        foreach (var (k, v) in writes)
        {
            if (v is null)
            {
                batch.Delete(Prefixed(k));
            }
            else
            {
                batch.Put(Prefixed(k), v);
            }
        }

        _staged = batch;
        _stagedHeight = height;
        _stagedRoot = root;
        return root;
    }

    /// <summary>Writes the staged block atomically.</summary>
    public void Commit()
    {
        if (_staged is null)
        {
            throw new InvalidOperationException("Nothing to commit: FinalizeBlock (or InitChain) must run first.");
        }

        _tree.WritePending(_staged);
        Span<byte> h = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(h, _stagedHeight);
        _staged.Put(RootKey(_stagedHeight), _stagedRoot.ToArray());
        _staged.Put(HeightKey, h);
        _store.Apply(_staged);
        Height = _stagedHeight;
        Root = _stagedRoot;
        HasState = true;
        _staged = null;
    }

    /// <summary>Drops a staged block (for example when FinalizeBlock runs again for the same height).</summary>
    public void DiscardStaged()
    {
        _staged = null;
        _tree.DiscardPending();
    }

    public Hash32? RootAt(long height)
    {
        var r = _store.Get(RootKey(height));
        return r is null ? null : new Hash32(r);
    }

    /// <summary>Reads a key at a committed height with its proof.</summary>
    public byte[]? GetProven(Hash32 root, ReadOnlySpan<byte> key, out StateProof proof)
    {
        var siblings = new List<Hash32>();
        var value = _tree.Get(root, key, siblings, out var leaf);
        proof = value is null && leaf is not null
            ? new StateProof(siblings, leaf.KeyHash, leaf.ValueHash)
            : new StateProof(siblings);
        return value;
    }

    private static byte[] RootKey(long height)
    {
        var key = new byte[RootPrefix.Length + 8];
        RootPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(RootPrefix.Length), height);
        return key;
    }

    private static byte[] Prefixed(ReadOnlySpan<byte> key)
    {
        var full = new byte[ValuePrefix.Length + key.Length];
        ValuePrefix.CopyTo(full, 0);
        key.CopyTo(full.AsSpan(ValuePrefix.Length));
        return full;
    }

    private static byte[]? PrefixEnd(byte[] prefix)
    {
        var end = (byte[])prefix.Clone();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] != 0xff)
            {
                end[i]++;
                return end[..(i + 1)];
            }
        }

        return null;
    }
}
