using System.Buffers.Binary;
using System.Security.Cryptography;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.Compute;

/// <summary>
/// The spot-check selection rule shared by every sampler (Phoenix.Compute's <c>SpotCheckSampler</c>, the SDK's
/// <c>UnitSampler</c>): unit <c>i</c> is selected when the first 8 bytes (little-endian) of
/// <c>SHA-256("phx-spot-v1" ‖ seed ‖ u32 len ‖ salt ‖ u32 i)</c> are below a threshold <c>⌊r·2^64⌋</c>. Integer-only,
/// so anyone can recompute a selection; the caller turns its rate into the threshold.
/// </summary>
public static class SpotCheckSelection
{
    private static readonly byte[] Domain = "phx-spot-v1"u8.ToArray();

    /// <summary>Whether unit <paramref name="unitIndex"/> is selected.</summary>
    /// <param name="threshold">The selection threshold <c>⌊r·2^64⌋</c>; <see cref="ulong.MaxValue"/> with <paramref name="all"/> for rate 1.</param>
    /// <param name="all">Select every unit (rate 1, which no 64-bit threshold expresses).</param>
    /// <param name="seed">The seed block's hash.</param>
    /// <param name="salt">Validator- and task-specific bytes.</param>
    /// <param name="unitIndex">The unit.</param>
    /// <returns><see langword="true"/> when the unit must be re-executed.</returns>
    public static bool IsSelected(ulong threshold, bool all, Hash32 seed, ReadOnlySpan<byte> salt, uint unitIndex)
    {
        if (all)
        {
            return true;
        }

        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(Domain);
        h.AppendData(seed.ToArray());
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)salt.Length);
        h.AppendData(u32);
        h.AppendData(salt);
        BinaryPrimitives.WriteUInt32LittleEndian(u32, unitIndex);
        h.AppendData(u32);
        Span<byte> digest = stackalloc byte[32];
        h.GetHashAndReset(digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest) < threshold;
    }
}
