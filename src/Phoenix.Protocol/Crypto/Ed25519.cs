using NSec.Cryptography;

namespace Phoenix.Protocol.Crypto;

/// <summary>
/// Ed25519 signing and the one signature-verification rule used everywhere in Phoenix
/// (transactions, votes, proposals, evidence, attestations).
/// </summary>
/// <remarks>
/// <para>
/// The rule is strict RFC 8032 (DESIGN §3): S must be canonical (below the group order L),
/// the public key and R must be canonical point encodings and not of small order, and the
/// cofactorless equation must hold. This is consensus-critical: every node must accept and reject
/// exactly the same signatures, so nothing in Phoenix verifies Ed25519 in any other way.
/// </para>
/// <para>Thread-safe. Never throws on malformed input: verification returns <see langword="false"/>.</para>
/// </remarks>
public static class Ed25519
{
    /// <summary>Length of a public key in bytes.</summary>
    public const int PublicKeySize = 32;

    /// <summary>Length of a private key seed in bytes.</summary>
    public const int SeedSize = 32;

    /// <summary>Length of a signature in bytes.</summary>
    public const int SignatureSize = 64;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    // The group order L, little-endian.
    private static ReadOnlySpan<byte> GroupOrder =>
    [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ];

    /// <summary>
    /// Verifies an Ed25519 signature under the strict RFC 8032 rule.
    /// </summary>
    /// <param name="publicKey">The 32-byte public key.</param>
    /// <param name="message">The signed message.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns><see langword="true"/> only for a valid signature; <see langword="false"/> for
    /// anything else, including wrong lengths and non-canonical or small-order encodings.</returns>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }

        if (!IsCanonicalScalar(signature[32..]))
        {
            return false;
        }

        try
        {
            if (!PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key) || key is null)
            {
                return false;
            }

            return Algorithm.Verify(key, message, signature);
        }
#pragma warning disable CA1031 // Verification must never throw on hostile input.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>Derives the public key of a 32-byte private key seed.</summary>
    /// <param name="seed">The 32-byte seed (RFC 8032 private key).</param>
    /// <returns>The 32-byte public key.</returns>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static byte[] GetPublicKey(ReadOnlySpan<byte> seed)
    {
        using var key = ImportSeed(seed);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>Signs <paramref name="message"/> with the private key seed (deterministic, RFC 8032).</summary>
    /// <param name="seed">The 32-byte seed.</param>
    /// <param name="message">The message to sign.</param>
    /// <returns>The 64-byte signature.</returns>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        using var key = ImportSeed(seed);
        return Algorithm.Sign(key, message);
    }

    internal static Key ImportSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"An Ed25519 seed is {SeedSize} bytes; got {seed.Length}.", nameof(seed));
        }

        return Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });
    }

    /// <summary>Whether a 32-byte little-endian scalar is below the group order L.</summary>
    private static bool IsCanonicalScalar(ReadOnlySpan<byte> s)
    {
        for (var i = 31; i >= 0; i--)
        {
            if (s[i] < GroupOrder[i]) return true;
            if (s[i] > GroupOrder[i]) return false;
        }

        return false; // equal to L
    }
}
