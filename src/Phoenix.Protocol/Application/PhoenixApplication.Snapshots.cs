using System.Buffers.Binary;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Application;

// State-sync snapshots (format: StateSnapshotFormat). Snapshots live in the application's store under
// x/snapm/{height} (metadata) and x/snapc/{height}{index} (chunks), outside the authenticated state
// (s/, n/, r/, m/ belong to CommittedState), so taking one never changes the app hash.
public sealed partial class PhoenixApplication
{
    private static readonly byte[] SnapshotMetaPrefix = "x/snapm/"u8.ToArray();
    private static readonly byte[] SnapshotChunkPrefix = "x/snapc/"u8.ToArray();
    private SnapshotRestore? _restore;

    /// <summary>The snapshot settings (set by <see cref="PhoenixApplicationBuilder.UseSnapshots"/>).</summary>
    internal SnapshotOptions SnapshotSettings { get; init; } = new();

    /// <summary>Whether a state-sync restore was accepted by <see cref="OfferSnapshot"/> and is waiting for chunks.</summary>
    public bool IsRestoring => _restore is not null;

    private sealed class SnapshotRestore(Snapshot snapshot, StateSnapshotMetadata metadata)
    {
        public Snapshot Snapshot { get; } = snapshot;

        public StateSnapshotMetadata Metadata { get; } = metadata;

        public uint Next { get; set; }

        public byte[]? LastKey { get; set; }

        public Dictionary<byte[], byte[]?> Entries { get; } = new(ByteKeyComparer.Instance);
    }

    /// <inheritdoc />
    /// <remarks>Newest first. Each snapshot's <see cref="Snapshot.Metadata"/> is the format-1 metadata and its hash is SHA-256 of it.</remarks>
    public ListSnapshotsResponse ListSnapshots()
    {
        var snapshots = new List<Snapshot>();
        foreach (var (key, value) in _committed.Store.Scan(SnapshotMetaPrefix, PrefixEnd(SnapshotMetaPrefix)))
        {
            if (key.Length == SnapshotMetaPrefix.Length + 8 && StateSnapshotFormat.TryDecodeMetadata(value, out var metadata))
            {
                snapshots.Add(new Snapshot((ulong)metadata!.Height, StateSnapshotFormat.Format, (uint)metadata.ChunkHashes.Count, Hash32.Sha256(value).ToArray(), value));
            }
        }

        snapshots.Reverse();
        return new ListSnapshotsResponse(snapshots);
    }

    /// <inheritdoc />
    /// <remarks>Returns an empty chunk for an unknown height, format or index.</remarks>
    public LoadSnapshotChunkResponse LoadSnapshotChunk(LoadSnapshotChunkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Format != StateSnapshotFormat.Format || request.Height > long.MaxValue)
        {
            return new LoadSnapshotChunkResponse(ReadOnlyMemory<byte>.Empty);
        }

        return new LoadSnapshotChunkResponse(_committed.Store.Get(ChunkKey((long)request.Height, request.Chunk)) ?? ReadOnlyMemory<byte>.Empty);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="OfferSnapshotResult.Abort"/> when this application already has state (state sync restores only a
    /// fresh one); <see cref="OfferSnapshotResult.RejectFormat"/> for a format other than
    /// <see cref="StateSnapshotFormat.Format"/>; <see cref="OfferSnapshotResult.Reject"/> when the metadata is malformed,
    /// its SHA-256 is not the snapshot hash, or its height, chunk count or app hash differ from the offer's.
    /// An accepted offer replaces any restore in progress. Nothing is written before the last chunk.
    /// </remarks>
    public OfferSnapshotResponse OfferSnapshot(OfferSnapshotRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Snapshot);
        if (_committed.HasState || _pending is not null)
        {
            return new OfferSnapshotResponse(OfferSnapshotResult.Abort);
        }

        var snapshot = request.Snapshot;
        if (snapshot.Format != StateSnapshotFormat.Format)
        {
            return new OfferSnapshotResponse(OfferSnapshotResult.RejectFormat);
        }

        if (!StateSnapshotFormat.TryDecodeMetadata(snapshot.Metadata.Span, out var metadata)
            || snapshot.Hash.Length != Hash32.Length
            || Hash32.Sha256(snapshot.Metadata.Span) != new Hash32(snapshot.Hash.Span)
            || (ulong)metadata!.Height != snapshot.Height
            || (uint)metadata.ChunkHashes.Count != snapshot.Chunks
            || request.AppHash.Length != Hash32.Length
            || metadata.AppHash != new Hash32(request.AppHash.Span))
        {
            return new OfferSnapshotResponse(OfferSnapshotResult.Reject);
        }

        _restore = new SnapshotRestore(snapshot, metadata);
        return new OfferSnapshotResponse(OfferSnapshotResult.Accept);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Chunks are applied in order. A chunk whose SHA-256 differs from the metadata's is answered
    /// <see cref="ApplySnapshotChunkResult.Retry"/> with the chunk to refetch and its sender rejected; a chunk that matches its
    /// hash but does not decode, a wrong entry count, or entries whose recomputed state root is not the offered app hash
    /// reject the snapshot. State is written only when the last chunk reproduces the app hash; then
    /// <see cref="Info"/> reports the snapshot's height and app hash and blocks continue from the next height.
    /// </remarks>
    public ApplySnapshotChunkResponse ApplySnapshotChunk(ApplySnapshotChunkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var restore = _restore;
        if (restore is null || request.Index >= (uint)restore.Metadata.ChunkHashes.Count)
        {
            _restore = null;
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.Abort, [], []);
        }

        if (Hash32.Sha256(request.Chunk.Span) != restore.Metadata.ChunkHashes[(int)request.Index])
        {
            return new ApplySnapshotChunkResponse(
                ApplySnapshotChunkResult.Retry,
                [request.Index],
                string.IsNullOrEmpty(request.Sender) ? [] : [request.Sender]);
        }

        if (request.Index < restore.Next)
        {
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.Accept, [], []);
        }

        if (request.Index > restore.Next)
        {
            _restore = new SnapshotRestore(restore.Snapshot, restore.Metadata);
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.RetrySnapshot, [], []);
        }

        if (!StateSnapshotFormat.TryDecodeChunk(request.Chunk.Span, restore.LastKey, out var entries))
        {
            _restore = null;
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.RejectSnapshot, [], []);
        }

        foreach (var (key, value) in entries)
        {
            restore.Entries[key] = value;
        }

        if (entries.Count > 0)
        {
            restore.LastKey = entries[^1].Key;
        }

        restore.Next++;
        if (restore.Next < (uint)restore.Metadata.ChunkHashes.Count)
        {
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.Accept, [], []);
        }

        _restore = null;
        if ((ulong)restore.Entries.Count != restore.Metadata.EntryCount)
        {
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.RejectSnapshot, [], []);
        }

        var root = _committed.Stage(restore.Metadata.Height, restore.Entries);
        if (root != restore.Metadata.AppHash)
        {
            _committed.DiscardStaged();
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.RejectSnapshot, [], []);
        }

        _committed.Commit();
        LoadChainSettings();
        _checkState = new StateCache(_committed);
        return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.Accept, [], []);
    }

    /// <summary>Takes a snapshot of the state just committed when the height is a multiple of the interval, and prunes old ones.</summary>
    private void TakeSnapshotIfDue()
    {
        var settings = SnapshotSettings;
        var height = _committed.Height;
        if (settings.Interval <= 0 || height <= 0 || height % settings.Interval != 0)
        {
            return;
        }

        var entries = _committed.Scan(ReadOnlySpan<byte>.Empty);
        var chunks = StateSnapshotFormat.EncodeChunks(entries, settings.ChunkBytes);
        var metadata = new StateSnapshotMetadata(height, _committed.Root, (ulong)entries.Count, [.. chunks.Select(c => Hash32.Sha256(c))]);
        var batch = new KeyValueBatch();
        batch.Put(MetaKey(height), StateSnapshotFormat.EncodeMetadata(metadata));
        for (var i = 0; i < chunks.Count; i++)
        {
            batch.Put(ChunkKey(height, (uint)i), chunks[i]);
        }

        var existing = ListSnapshots().Snapshots.Where(s => (long)s.Height != height).ToList();
        foreach (var old in existing.Skip(settings.KeepRecent - 1))
        {
            batch.Delete(MetaKey((long)old.Height));
            for (uint i = 0; i < old.Chunks; i++)
            {
                batch.Delete(ChunkKey((long)old.Height, i));
            }
        }

        _committed.Store.Apply(batch);
    }

    private static byte[] MetaKey(long height)
    {
        var key = new byte[SnapshotMetaPrefix.Length + 8];
        SnapshotMetaPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(SnapshotMetaPrefix.Length), height);
        return key;
    }

    private static byte[] ChunkKey(long height, uint index)
    {
        var key = new byte[SnapshotChunkPrefix.Length + 12];
        SnapshotChunkPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(SnapshotChunkPrefix.Length), height);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(SnapshotChunkPrefix.Length + 8), index);
        return key;
    }

    private static byte[] PrefixEnd(byte[] prefix)
    {
        var end = (byte[])prefix.Clone();
        end[^1]++;
        return end;
    }
}
