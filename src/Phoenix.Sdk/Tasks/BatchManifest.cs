using System.Buffers.Binary;
using System.Globalization;
using Phoenix.Protocol.Compute;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Sdk.Tasks;

/// <summary>
/// A miner's per-unit results of one batch (output content id and trace root per unit), published as a
/// blob so that buyers can download outputs and validators can check and challenge single units; its
/// RFC 6962 root over <see cref="BatchMerkle.UnitLeaf"/> leaves is the batch's on-chain results root.
/// </summary>
/// <remarks>
/// <para>Format: ASCII <c>PHXBM1</c>, batch id (u64 big-endian), unit count (u32 big-endian), then per unit
/// 32 bytes of output content id and 32 bytes of trace root. The <c>SubmitBatch</c> transaction names the
/// manifest's content id in its memo as <c>phx-manifest:</c> + 64 lower-case hex digits.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class BatchManifest
{
    /// <summary>The memo prefix of a <c>SubmitBatch</c> transaction that names its manifest.</summary>
    public const string MemoPrefix = "phx-manifest:";

    private static readonly byte[] Magic = "PHXBM1"u8.ToArray();
    private readonly Hash32[] _leaves;

    /// <summary>Creates a manifest.</summary>
    /// <param name="batchId">The batch.</param>
    /// <param name="results">Per unit, in unit order: output content id and trace root.</param>
    /// <exception cref="ArgumentNullException"><paramref name="results"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="results"/> is empty or larger than a batch may be.</exception>
    public BatchManifest(ulong batchId, IReadOnlyList<ClaimedResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0 || results.Count > TaskMarketModule.MaxBatchUnits || results.Any(r => r is null))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A batch manifest holds 1 to {TaskMarketModule.MaxBatchUnits} results."), nameof(results));
        }

        BatchId = batchId;
        Results = [.. results];
        _leaves = [.. Results.Select(r => BatchMerkle.UnitLeaf(r.OutputId, r.TraceRoot))];
        Root = BatchMerkle.Root(_leaves);
    }

    /// <summary>The batch.</summary>
    public ulong BatchId { get; }

    /// <summary>Per unit, in unit order: what the miner claims.</summary>
    public IReadOnlyList<ClaimedResult> Results { get; }

    /// <summary>The results root (what <c>SubmitBatch</c> commits to).</summary>
    public Hash32 Root { get; }

    /// <summary>The memo that names a manifest blob.</summary>
    /// <param name="manifestId">The manifest blob's content id.</param>
    /// <returns><see cref="MemoPrefix"/> + hex.</returns>
    public static string Memo(Hash32 manifestId) => MemoPrefix + manifestId.ToString();

    /// <summary>Reads the manifest id from a <c>SubmitBatch</c> memo.</summary>
    /// <param name="memo">The memo.</param>
    /// <param name="manifestId">The id, when the memo names one.</param>
    /// <returns>Whether the memo names a manifest.</returns>
    public static bool TryParseMemo(string? memo, out Hash32 manifestId)
    {
        manifestId = default;
        return memo is not null && memo.StartsWith(MemoPrefix, StringComparison.Ordinal)
            && Hash32.TryParse(memo.AsSpan(MemoPrefix.Length), CultureInfo.InvariantCulture, out manifestId);
    }

    /// <summary>The audit path of one unit's leaf (what a challenge proves against the results root).</summary>
    /// <param name="offset">The unit's offset in the batch (unit − first unit).</param>
    /// <returns>The proof, leaf level first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is outside the batch.</exception>
    public IReadOnlyList<Hash32> ProofOf(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, _leaves.Length);
        return BatchMerkle.Proof(_leaves, offset);
    }

    /// <summary>Encodes the manifest.</summary>
    /// <returns>The blob bytes.</returns>
    public byte[] ToBytes()
    {
        var bytes = new byte[Magic.Length + 12 + (64 * Results.Count)];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(Magic.Length), BatchId);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(Magic.Length + 8), (uint)Results.Count);
        var at = Magic.Length + 12;
        foreach (var r in Results)
        {
            r.OutputId.TryWriteBytes(bytes.AsSpan(at));
            r.TraceRoot.TryWriteBytes(bytes.AsSpan(at + 32));
            at += 64;
        }

        return bytes;
    }

    /// <summary>Decodes a manifest, checking its size before parsing.</summary>
    /// <param name="bytes">The blob bytes.</param>
    /// <param name="manifest">The manifest, when valid.</param>
    /// <returns>Whether the bytes are a well-formed manifest (no trailing bytes).</returns>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out BatchManifest? manifest)
    {
        manifest = null;
        if (bytes.Length < Magic.Length + 12 || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            return false;
        }

        var batchId = BinaryPrimitives.ReadUInt64BigEndian(bytes[Magic.Length..]);
        var count = BinaryPrimitives.ReadUInt32BigEndian(bytes[(Magic.Length + 8)..]);
        if (count == 0 || count > TaskMarketModule.MaxBatchUnits || bytes.Length != Magic.Length + 12 + (64L * count))
        {
            return false;
        }

        var results = new ClaimedResult[count];
        var at = Magic.Length + 12;
        for (var i = 0; i < count; i++, at += 64)
        {
            results[i] = new ClaimedResult(new Hash32(bytes.Slice(at, 32)), new Hash32(bytes.Slice(at + 32, 32)));
        }

        manifest = new BatchManifest(batchId, results);
        return true;
    }
}
