using Phoenix.Protocol.Primitives;

namespace Phoenix.Devnet.Chain;

/// <summary>A devnet key: a fixed, recognisable Ed25519 seed (never use these keys anywhere else).</summary>
/// <param name="Name">Who holds it.</param>
/// <param name="Seed">The 32-byte seed.</param>
public sealed record DevnetKey(string Name, byte[] Seed)
{
    /// <summary>The public key.</summary>
    public PublicKey PublicKey { get; } = PublicKey.FromSeed(Seed);

    /// <summary>The account address.</summary>
    public Address Address => PublicKey.Address;

    /// <summary>A deterministic key: SHA-256 of "phoenix-devnet/" and the name.</summary>
    /// <param name="name">The holder's name.</param>
    /// <returns>The key.</returns>
    public static DevnetKey Of(string name) => new(name, Hash32.Sha256(System.Text.Encoding.UTF8.GetBytes("phoenix-devnet/" + name)).ToArray());
}
