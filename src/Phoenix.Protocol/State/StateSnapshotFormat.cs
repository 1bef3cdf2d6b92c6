using System.Buffers.Binary;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Protocol.State;

/// <summary>
/// The state-sync snapshot format 1 (docs/cometbft.md, "State sync"): the committed application
/// key-value pairs at one height, in byte-wise key order, cut into chunks; each chunk hashed; the
/// metadata binds the height, the app hash, the entry count and every chunk hash; the snapshot hash is
/// SHA-256 of the metadata.
/// </summary>
/// <remarks>
/// <para>Chunk: a sequence of entries <c>uvarint(key length) ‖ key ‖ uvarint(value length) ‖ value</c>, each entry
/// whole (an entry is never split; a chunk holds at least one). Keys are non-empty and strictly increasing across
/// the whole snapshot, so exactly one byte string encodes a given state.</para>
/// <para>Metadata: <c>height (8, big-endian) ‖ app hash (32) ‖ entry count (8, big-endian) ‖ chunk count (4, big-endian)
/// ‖ SHA-256 of each chunk (32 each)</c>.</para>
/// <para>The app hash is not trusted from the metadata: a restore recomputes the state root from the entries and
/// accepts the snapshot only if it equals the light-client verified app hash CometBFT offers.</para>
/// </remarks>
public static class StateSnapshotFormat
{
    /// <summary>The format number (ABCI <c>Snapshot.format</c>).</summary>
    public const uint Format = 1;

    /// <summary>The largest number of chunks accepted in an offer.</summary>
    public const int MaxChunks = 1 << 16;

    private const int FixedMetadataBytes = 8 + Hash32.Length + 8 + 4;

    /// <summary>Cuts entries (in strictly increasing key order) into chunks of at most <paramref name="chunkBytes"/> (one entry per chunk may exceed it).</summary>
    /// <param name="entries">The entries, in byte-wise key order.</param>
    /// <param name="chunkBytes">The target chunk size.</param>
    /// <returns>The chunks (at least one, possibly empty when there are no entries).</returns>
    /// <exception cref="ArgumentException">The keys are not strictly increasing or a key is empty.</exception>
    public static IReadOnlyList<byte[]> EncodeChunks(IEnumerable<KeyValuePair<byte[], byte[]>> entries, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 64);
        var chunks = new List<byte[]>();
        var current = new MemoryStream();
        byte[]? previous = null;
        Span<byte> varint = stackalloc byte[10];
        foreach (var (key, value) in entries)
        {
            if (key.Length == 0 || (previous is not null && ByteKeyComparer.Instance.Compare(previous, key) >= 0))
            {
                throw new ArgumentException("Snapshot keys must be non-empty and strictly increasing.", nameof(entries));
            }

            previous = key;
            var size = VarintSize((ulong)key.Length) + key.Length + VarintSize((ulong)value.Length) + value.Length;
            if (current.Length > 0 && current.Length + size > chunkBytes)
            {
                chunks.Add(current.ToArray());
                current = new MemoryStream();
            }

            current.Write(varint[..WriteVarint(varint, (ulong)key.Length)]);
            current.Write(key);
            current.Write(varint[..WriteVarint(varint, (ulong)value.Length)]);
            current.Write(value);
        }

        if (current.Length > 0 || chunks.Count == 0)
        {
            chunks.Add(current.ToArray());
        }

        return chunks;
    }

    /// <summary>Decodes one chunk's entries, checking that keys are non-empty and strictly increasing after <paramref name="previousKey"/>.</summary>
    /// <param name="chunk">The chunk bytes.</param>
    /// <param name="previousKey">The last key of the previous chunk, or <see langword="null"/> for the first chunk.</param>
    /// <param name="entries">The decoded entries.</param>
    /// <returns>Whether the chunk is well-formed.</returns>
    public static bool TryDecodeChunk(ReadOnlySpan<byte> chunk, byte[]? previousKey, out List<KeyValuePair<byte[], byte[]>> entries)
    {
        entries = [];
        var previous = previousKey;
        var offset = 0;
        while (offset < chunk.Length)
        {
            if (!TryReadVarint(chunk, ref offset, out var keyLength) || keyLength == 0 || keyLength > (ulong)(chunk.Length - offset))
            {
                return false;
            }

            var key = chunk.Slice(offset, (int)keyLength).ToArray();
            offset += (int)keyLength;
            if (!TryReadVarint(chunk, ref offset, out var valueLength) || valueLength > (ulong)(chunk.Length - offset))
            {
                return false;
            }

            var value = chunk.Slice(offset, (int)valueLength).ToArray();
            offset += (int)valueLength;
            if (previous is not null && ByteKeyComparer.Instance.Compare(previous, key) >= 0)
            {
                return false;
            }

            previous = key;
            entries.Add(new KeyValuePair<byte[], byte[]>(key, value));
        }

        return true;
    }

    /// <summary>Encodes snapshot metadata.</summary>
    /// <param name="metadata">The metadata.</param>
    /// <returns>The bytes.</returns>
    public static byte[] EncodeMetadata(StateSnapshotMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var bytes = new byte[FixedMetadataBytes + (metadata.ChunkHashes.Count * Hash32.Length)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, metadata.Height);
        metadata.AppHash.TryWriteBytes(bytes.AsSpan(8));
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8 + Hash32.Length), metadata.EntryCount);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16 + Hash32.Length), metadata.ChunkHashes.Count);
        for (var i = 0; i < metadata.ChunkHashes.Count; i++)
        {
            metadata.ChunkHashes[i].TryWriteBytes(bytes.AsSpan(FixedMetadataBytes + (i * Hash32.Length)));
        }

        return bytes;
    }

    /// <summary>Decodes snapshot metadata; the length must match the chunk count exactly.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="metadata">The metadata.</param>
    /// <returns>Whether the bytes are well-formed.</returns>
    public static bool TryDecodeMetadata(ReadOnlySpan<byte> bytes, out StateSnapshotMetadata? metadata)
    {
        metadata = null;
        if (bytes.Length < FixedMetadataBytes)
        {
            return false;
        }

        var height = BinaryPrimitives.ReadInt64BigEndian(bytes);
        var chunks = BinaryPrimitives.ReadInt32BigEndian(bytes[(16 + Hash32.Length)..]);
        if (height < 1 || chunks < 1 || chunks > MaxChunks || bytes.Length != FixedMetadataBytes + (chunks * Hash32.Length))
        {
            return false;
        }

        var hashes = new Hash32[chunks];
        for (var i = 0; i < chunks; i++)
        {
            hashes[i] = new Hash32(bytes.Slice(FixedMetadataBytes + (i * Hash32.Length), Hash32.Length));
        }

        metadata = new StateSnapshotMetadata(height, new Hash32(bytes.Slice(8, Hash32.Length)), BinaryPrimitives.ReadUInt64BigEndian(bytes[(8 + Hash32.Length)..]), hashes);
        return true;
    }

    private static int VarintSize(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            destination[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[n++] = (byte)value;
        return n;
    }

    // Canonical (minimal) unsigned varints of at most 4 bytes (lengths below 2^28).
    private static bool TryReadVarint(ReadOnlySpan<byte> source, ref int offset, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 28; shift += 7)
        {
            if (offset >= source.Length)
            {
                return false;
            }

            var b = source[offset++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return b != 0 || shift == 0;
            }
        }

        return false;
    }
}

/// <summary>What a state-sync snapshot commits to (<see cref="StateSnapshotFormat"/>).</summary>
/// <param name="Height">The committed height the snapshot was taken at.</param>
/// <param name="AppHash">The app hash (state root) at that height.</param>
/// <param name="EntryCount">The number of key-value entries.</param>
/// <param name="ChunkHashes">SHA-256 of each chunk, in order.</param>
public sealed record StateSnapshotMetadata(long Height, Hash32 AppHash, ulong EntryCount, IReadOnlyList<Hash32> ChunkHashes);
