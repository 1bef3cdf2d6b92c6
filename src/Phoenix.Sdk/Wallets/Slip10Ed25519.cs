using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Phoenix.Sdk.Wallets;

/// <summary>
/// SLIP-0010 key derivation for Ed25519: a master key from a seed (HMAC-SHA512 keyed with
/// "ed25519 seed"), then hardened children (HMAC-SHA512 of <c>0x00 || key || index</c>, keyed with
/// the parent chain code).
/// </summary>
/// <remarks>Thread-safe. Intermediate secrets are wiped from the stack before returning.</remarks>
public static class Slip10Ed25519
{
    /// <summary>Length of a derived private key (an Ed25519 seed) and of a chain code, in bytes.</summary>
    public const int KeySize = 32;

    private static ReadOnlySpan<byte> MasterHmacKey => "ed25519 seed"u8;

    /// <summary>Derives the key at <paramref name="path"/> from a seed.</summary>
    /// <param name="seed">The seed (16 to 64 bytes; a BIP-39 seed is 64).</param>
    /// <param name="path">The path (hardened levels only).</param>
    /// <param name="privateKey">Receives the 32-byte private key (usable with <see cref="Phoenix.Protocol.Crypto.Ed25519"/>).</param>
    /// <param name="chainCode">Receives the 32-byte chain code.</param>
    /// <exception cref="ArgumentException">The seed length is out of range, or a destination is not 32 bytes.</exception>
    public static void DerivePath(ReadOnlySpan<byte> seed, DerivationPath path, Span<byte> privateKey, Span<byte> chainCode)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (seed.Length is < 16 or > 64)
        {
            throw new ArgumentException($"A SLIP-0010 seed is 16 to 64 bytes; got {seed.Length}.", nameof(seed));
        }

        if (privateKey.Length != KeySize || chainCode.Length != KeySize)
        {
            throw new ArgumentException($"The private key and chain code destinations must be {KeySize} bytes.", nameof(privateKey));
        }

        Span<byte> digest = stackalloc byte[64];
        Span<byte> next = stackalloc byte[64];
        Span<byte> data = stackalloc byte[1 + KeySize + 4];
        try
        {
            HMACSHA512.HashData(MasterHmacKey, seed, digest);
            foreach (var index in path.Indices)
            {
                data[0] = 0;
                digest[..KeySize].CopyTo(data[1..]);
                BinaryPrimitives.WriteUInt32BigEndian(data[(1 + KeySize)..], index);
                HMACSHA512.HashData(digest[KeySize..], data, next);
                next.CopyTo(digest);
            }

            digest[..KeySize].CopyTo(privateKey);
            digest[KeySize..].CopyTo(chainCode);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digest);
            CryptographicOperations.ZeroMemory(next);
            CryptographicOperations.ZeroMemory(data);
        }
    }
}
