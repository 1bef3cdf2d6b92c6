using System.Buffers.Binary;
using Phoenix.Node.Consensus.Types;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Storage.Internal;

/// <summary>
/// Validator sets by their hash (the <c>validators_hash</c> of the headers they sign) in the block store's key-value
/// store, prefix <c>0x21</c>, so that light blocks of any stored height can be served after a restart.
/// </summary>
/// <remarks>
/// Value: validator count (int32), then per validator a 32-byte public key, voting power and proposer priority
/// (int64 each), then a flag byte and the proposer's 20-byte address when present; big-endian. A set is written once
/// (the first run of heights that used it decides the priorities served). Thread-safe (the store serializes writes).
/// </remarks>
internal sealed class ValidatorSetStore(IKeyValueStore store, string name)
{
    private const byte Prefix = 0x21;
    private const int KeyBytes = 32;
    private const int AddressBytes = 20;
    private const int ValidatorBytes = KeyBytes + 16;

    /// <summary>Stores <paramref name="set"/> under its hash unless it is already held.</summary>
    /// <param name="set">The set.</param>
    /// <returns>The set's hash.</returns>
    public byte[] SaveIfAbsent(ValidatorSet set)
    {
        var hash = set.Hash();
        var key = Key(hash);
        if (store.Get(key) is null)
        {
            store.Apply(new KeyValueBatch().Put(key, Encode(set)), sync: true);
        }

        return hash;
    }

    /// <summary>Loads the set with hash <paramref name="hash"/>.</summary>
    /// <param name="hash">The validators hash.</param>
    /// <returns>The set, or <see langword="null"/> when not held.</returns>
    /// <exception cref="StoreCorruptedException">The stored set does not decode or does not hash to its key.</exception>
    public ValidatorSet? Load(ReadOnlySpan<byte> hash)
    {
        var bytes = store.Get(Key(hash));
        if (bytes is null)
        {
            return null;
        }

        var set = Decode(bytes) ?? throw new StoreCorruptedException(name, $"the validator set {Convert.ToHexStringLower(hash)} does not decode");
        return set.Hash().AsSpan().SequenceEqual(hash)
            ? set
            : throw new StoreCorruptedException(name, $"the validator set stored under {Convert.ToHexStringLower(hash)} hashes to {Convert.ToHexStringLower(set.Hash())}");
    }

    internal static byte[] Key(ReadOnlySpan<byte> hash)
    {
        var key = new byte[1 + hash.Length];
        key[0] = Prefix;
        hash.CopyTo(key.AsSpan(1));
        return key;
    }

    internal static byte[] Encode(ValidatorSet set)
    {
        var proposer = set.Proposer?.Address;
        var bytes = new byte[4 + (set.Count * ValidatorBytes) + 1 + (proposer is null ? 0 : AddressBytes)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, set.Count);
        var offset = 4;
        foreach (var v in set.Validators)
        {
            v.PublicKey.CopyTo(bytes, offset);
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(offset + KeyBytes), v.VotingPower);
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(offset + KeyBytes + 8), v.ProposerPriority);
            offset += ValidatorBytes;
        }

        bytes[offset] = proposer is null ? (byte)0 : (byte)1;
        proposer?.CopyTo(bytes, offset + 1);
        return bytes;
    }

    internal static ValidatorSet? Decode(byte[] bytes)
    {
        if (bytes.Length < 5)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (count <= 0 || count > (bytes.Length - 5) / ValidatorBytes)
        {
            return null;
        }

        var offset = 4;
        var validators = new List<Validator>(count);
        for (var i = 0; i < count; i++)
        {
            var power = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(offset + KeyBytes));
            if (power <= 0)
            {
                return null;
            }

            validators.Add(new Validator(bytes.AsSpan(offset, KeyBytes), power)
            {
                ProposerPriority = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(offset + KeyBytes + 8)),
            });
            offset += ValidatorBytes;
        }

        var flag = bytes[offset];
        var rest = bytes.Length - offset - 1;
        if ((flag == 0 && rest != 0) || (flag == 1 && rest != AddressBytes) || flag > 1)
        {
            return null;
        }

        return ValidatorSet.Restore(validators, flag == 1 ? bytes.AsSpan(offset + 1, AddressBytes).ToArray() : null);
    }
}
