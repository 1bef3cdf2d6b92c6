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
/// cofactorless equation [S]B = R + [k]A must hold. The encoding and order checks are done here,
/// explicitly, before libsodium (through NSec) checks the equation; libsodium's own checks agree,
/// so the rule does not depend on the library version. Under this rule CometBFT's ZIP-215 rule
/// accepts strictly more signatures (small-order and non-canonical encodings, cofactored equation);
/// see docs/protocol.md. This is consensus-critical: every node must accept and reject
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

        // Explicit pre-checks, so that the rule does not depend on what the underlying library
        // happens to accept: canonical S, canonical encodings of A and R, neither of small order.
        if (!IsCanonicalScalar(signature[32..])
            || !IsCanonicalPoint(publicKey) || HasSmallOrder(publicKey)
            || !IsCanonicalPoint(signature[..32]) || HasSmallOrder(signature[..32]))
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

    // The y-coordinates (little-endian, sign bit cleared) of the 8 points of small order: y = 0
    // (order 4, two points), y = 1 (identity), y = p - 1 (order 2) and the two order-8 values (each two points).
    private static ReadOnlySpan<byte> SmallOrderY =>
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
        0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
        0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
    ];

    /// <summary>
    /// Whether a point encoding is canonical: y (the low 255 bits) is below p = 2^255 - 19, and the
    /// sign bit is not set when x would be zero (y = 1 or y = p - 1), as RFC 8032 §5.1.3 decoding requires.
    /// </summary>
    internal static bool IsCanonicalPoint(ReadOnlySpan<byte> encoded)
    {
        // y >= p exactly when the low 255 bits are in [p, 2^255 - 1]: bytes 1..30 all 0xff,
        // top byte (without sign) 0x7f and the lowest byte >= 0xed.
        var top = encoded[31] & 0x7f;
        var allOnes = top == 0x7f;
        for (var i = 1; i < 31 && allOnes; i++)
        {
            allOnes = encoded[i] == 0xff;
        }

        if (allOnes && encoded[0] >= 0xed)
        {
            return false;
        }

        if ((encoded[31] & 0x80) != 0)
        {
            // x = 0 happens for y = 1 and y = p - 1 only; "-0" is not a canonical encoding.
            Span<byte> y = stackalloc byte[32];
            encoded.CopyTo(y);
            y[31] &= 0x7f;
            if (y.SequenceEqual(SmallOrderY.Slice(32, 32)) || y.SequenceEqual(SmallOrderY.Slice(64, 32)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a canonical point encoding is one of the 8 points of small order (order 1, 2, 4 or 8).</summary>
    internal static bool HasSmallOrder(ReadOnlySpan<byte> encoded)
    {
        Span<byte> y = stackalloc byte[32];
        encoded.CopyTo(y);
        y[31] &= 0x7f;
        for (var i = 0; i < SmallOrderY.Length; i += 32)
        {
            if (y.SequenceEqual(SmallOrderY.Slice(i, 32)))
            {
                return true;
            }
        }

        return false;
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
