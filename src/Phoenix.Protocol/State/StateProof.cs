using Google.Protobuf;
using Phoenix.Protocol.Internal;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Wire.State;

namespace Phoenix.Protocol.State;

/// <summary>
/// A proof that a key has a given value, or has no value, in the state whose root is the app hash
/// (DESIGN §5). Verification is pure and static, so light clients (Phoenix.Sdk) use it directly.
/// </summary>
/// <remarks>
/// <para>
/// The state is a compact sparse Merkle tree over SHA-256(key): empty = 32 zero bytes,
/// leaf = SHA-256(0x00 ‖ SHA-256(key) ‖ SHA-256(value)), internal = SHA-256(0x01 ‖ left ‖ right);
/// a subtree with one leaf is that leaf. The path of a key is SHA-256(key), most significant bit
/// first, 0 = left. <see cref="Siblings"/> lists the sibling hashes from the root's children down.
/// </para>
/// <para>
/// A non-inclusion proof ends either at an empty subtree or at the leaf of another key whose hash
/// shares the path so far (<see cref="OtherKeyHash"/>, <see cref="OtherValueHash"/>).
/// Wire form: <c>phoenix.state.v1.SmtProof</c>, canonical protobuf (<see cref="ToBytes"/>).
/// </para>
/// </remarks>
public sealed class StateProof
{
    /// <summary>The proof type name used in <see cref="Abci.ProofOp.Type"/>.</summary>
    public const string ProofType = "phx:smt";

    /// <summary>The maximum number of siblings (the tree depth).</summary>
    public const int MaxDepth = 256;

    /// <summary>Creates a proof.</summary>
    /// <param name="siblings">Sibling hashes, root level first (at most 256).</param>
    /// <param name="otherKeyHash">For a non-inclusion proof ending at another leaf: that leaf's key hash.</param>
    /// <param name="otherValueHash">That leaf's value hash.</param>
    /// <exception cref="ArgumentException">More than 256 siblings, or only one of the two other-leaf hashes.</exception>
    public StateProof(IReadOnlyList<Hash32> siblings, Hash32? otherKeyHash = null, Hash32? otherValueHash = null)
    {
        ArgumentNullException.ThrowIfNull(siblings);
        if (siblings.Count > MaxDepth)
        {
            throw new ArgumentException($"A proof has at most {MaxDepth} siblings.", nameof(siblings));
        }

        if (otherKeyHash.HasValue != otherValueHash.HasValue)
        {
            throw new ArgumentException("Give both or neither of the other leaf's key and value hashes.", nameof(otherValueHash));
        }

        Siblings = [.. siblings];
        OtherKeyHash = otherKeyHash;
        OtherValueHash = otherValueHash;
    }

    /// <summary>Sibling hashes from the root level down.</summary>
    public IReadOnlyList<Hash32> Siblings { get; }

    /// <summary>For a non-inclusion proof ending at another key's leaf: that key's hash.</summary>
    public Hash32? OtherKeyHash { get; }

    /// <summary>For a non-inclusion proof ending at another key's leaf: its value's hash.</summary>
    public Hash32? OtherValueHash { get; }

    /// <summary>Checks that <paramref name="key"/> has exactly <paramref name="value"/> under <paramref name="root"/>.</summary>
    /// <param name="root">The trusted state root (app hash).</param>
    /// <param name="key">The full state key.</param>
    /// <param name="value">The claimed value.</param>
    /// <returns>Whether the proof establishes the claim.</returns>
    public bool VerifyInclusion(Hash32 root, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (OtherKeyHash.HasValue)
        {
            return false;
        }

        var keyHash = Hash32.Sha256(key);
        return Fold(keyHash, SparseMerkleTree.LeafHash(keyHash, Hash32.Sha256(value))) == root;
    }

    /// <summary>Checks that <paramref name="key"/> has no value under <paramref name="root"/>.</summary>
    /// <param name="root">The trusted state root (app hash).</param>
    /// <param name="key">The full state key.</param>
    /// <returns>Whether the proof establishes absence.</returns>
    public bool VerifyExclusion(Hash32 root, ReadOnlySpan<byte> key)
    {
        var keyHash = Hash32.Sha256(key);
        Hash32 start;
        if (OtherKeyHash is { } other)
        {
            if (other == keyHash)
            {
                return false;
            }

            for (var d = 0; d < Siblings.Count; d++)
            {
                if (other.GetBit(d) != keyHash.GetBit(d))
                {
                    return false;
                }
            }

            start = SparseMerkleTree.LeafHash(other, OtherValueHash!.Value);
        }
        else
        {
            start = Hash32.Zero;
        }

        return Fold(keyHash, start) == root;
    }

    private Hash32 Fold(Hash32 keyHash, Hash32 current)
    {
        for (var d = Siblings.Count - 1; d >= 0; d--)
        {
            current = keyHash.GetBit(d)
                ? SparseMerkleTree.InternalHash(Siblings[d], current)
                : SparseMerkleTree.InternalHash(current, Siblings[d]);
        }

        return current;
    }

    /// <summary>The canonical protobuf encoding (<c>phoenix.state.v1.SmtProof</c>).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes()
    {
        var wire = new SmtProof();
        foreach (var s in Siblings)
        {
            wire.Siblings.Add(ByteString.CopyFrom(s.ToArray()));
        }

        if (OtherKeyHash is { } k)
        {
            wire.OtherKeyHash = ByteString.CopyFrom(k.ToArray());
            wire.OtherValueHash = ByteString.CopyFrom(OtherValueHash!.Value.ToArray());
        }

        return wire.ToByteArray();
    }

    /// <summary>Parses the canonical encoding strictly (lengths, counts, no unknown fields, canonical bytes).</summary>
    /// <param name="bytes">The encoded proof.</param>
    /// <param name="proof">The proof.</param>
    /// <returns>Whether the bytes are a well-formed proof.</returns>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out StateProof? proof)
    {
        proof = null;
        if (StrictProto.TryParse(SmtProof.Parser, bytes, (MaxDepth * 34) + 80, out var wire) != StrictProto.Outcome.Ok || wire is null)
        {
            return false;
        }

        if (wire.Siblings.Count > MaxDepth || wire.Siblings.Any(s => s.Length != Hash32.Length)
            || (wire.OtherKeyHash.Length != 0 && wire.OtherKeyHash.Length != Hash32.Length)
            || wire.OtherValueHash.Length != wire.OtherKeyHash.Length)
        {
            return false;
        }

        var siblings = wire.Siblings.Select(s => new Hash32(s.Span)).ToList();
        proof = wire.OtherKeyHash.Length == 0
            ? new StateProof(siblings)
            : new StateProof(siblings, new Hash32(wire.OtherKeyHash.Span), new Hash32(wire.OtherValueHash.Span));
        return true;
    }
}
