using System.Collections.Concurrent;
using System.Security.Cryptography;
using Phoenix.Protocol.Crypto;

namespace Phoenix.Node.Consensus.Internal;

/// <summary>
/// Remembers signatures that verified (keyed by SHA-256 of key, message and signature), so that a vote checked on
/// arrival is not checked again inside a commit, and engines sharing a process do not repeat the work. Only positive
/// results are cached; verification is a pure function, so this cannot change any verdict. Bounded.
/// </summary>
internal static class VerifiedSignatureCache
{
    private const int MaxEntries = 200_000;
    private static readonly ConcurrentDictionary<Key, byte> Verified = new();

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(publicKey);
        hash.AppendData(signature);
        hash.AppendData(message);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        var key = new Key(BitConverter.ToInt64(digest), BitConverter.ToInt64(digest[8..]), BitConverter.ToInt64(digest[16..]), BitConverter.ToInt64(digest[24..]));
        if (Verified.ContainsKey(key))
        {
            return true;
        }

        if (!Ed25519.Verify(publicKey, message, signature))
        {
            return false;
        }

        if (Verified.Count >= MaxEntries)
        {
            Verified.Clear();
        }

        Verified.TryAdd(key, 0);
        return true;
    }

    private readonly record struct Key(long A, long B, long C, long D);
}
