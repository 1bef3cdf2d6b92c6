using Phoenix.Protocol.Primitives;

namespace Phoenix.TestKit;

/// <summary>A fixed, recognisable Ed25519 test identity.</summary>
/// <param name="Name">A readable name.</param>
/// <param name="Seed">The 32-byte seed.</param>
public sealed record TestKey(string Name, byte[] Seed)
{
    /// <summary>The public key.</summary>
    public PublicKey PublicKey { get; } = PublicKey.FromSeed(Seed);

    /// <summary>The account address.</summary>
    public Address Address => PublicKey.Address;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Fixed test keys: Alice is the seed 0x01 repeated, Bob 0x02, and so on.</summary>
public static class TestKeys
{
    /// <summary>Seed 0x01 × 32.</summary>
    public static TestKey Alice { get; } = Of("alice", 0x01);

    /// <summary>Seed 0x02 × 32.</summary>
    public static TestKey Bob { get; } = Of("bob", 0x02);

    /// <summary>Seed 0x03 × 32.</summary>
    public static TestKey Carol { get; } = Of("carol", 0x03);

    /// <summary>Seed 0x04 × 32.</summary>
    public static TestKey Dave { get; } = Of("dave", 0x04);

    /// <summary>A key whose seed is <paramref name="fill"/> repeated.</summary>
    /// <param name="name">Name.</param>
    /// <param name="fill">Seed byte.</param>
    /// <returns>The key.</returns>
    public static TestKey Of(string name, byte fill) => new(name, Enumerable.Repeat(fill, 32).ToArray());

    /// <summary>A key derived from an index (seed = index as 4 big-endian bytes, then 0xAA).</summary>
    /// <param name="index">Index.</param>
    /// <returns>The key.</returns>
    public static TestKey Numbered(int index)
    {
        var seed = Enumerable.Repeat((byte)0xAA, 32).ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(seed, index);
        return new TestKey("key" + index, seed);
    }
}
