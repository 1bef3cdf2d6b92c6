using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Protocol.Tests.State;

public sealed class StateSnapshotFormatTests
{
    private static List<KeyValuePair<byte[], byte[]>> Entries(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new KeyValuePair<byte[], byte[]>(System.Text.Encoding.ASCII.GetBytes($"key/{i:D4}"), Enumerable.Repeat((byte)i, i % 50).ToArray()))];

    [Fact]
    public void EncodeChunks_ThenDecode_ReturnsEveryEntryInOrderWithinTheChunkSize()
    {
        var entries = Entries(300);
        var chunks = StateSnapshotFormat.EncodeChunks(entries, 256);

        Assert.True(chunks.Count > 10);
        Assert.All(chunks, c => Assert.True(c.Length <= 256, $"chunk of {c.Length} bytes"));
        var decoded = new List<KeyValuePair<byte[], byte[]>>();
        byte[]? last = null;
        foreach (var chunk in chunks)
        {
            Assert.True(StateSnapshotFormat.TryDecodeChunk(chunk, last, out var part));
            Assert.NotEmpty(part);
            decoded.AddRange(part);
            last = part[^1].Key;
        }

        Assert.Equal(entries.Select(e => e.Key), decoded.Select(e => e.Key));
        Assert.Equal(entries.Select(e => e.Value), decoded.Select(e => e.Value));
    }

    [Fact]
    public void EncodeChunks_EntryLargerThanChunk_GetsAChunkOfItsOwn()
    {
        List<KeyValuePair<byte[], byte[]>> entries = [new("a"u8.ToArray(), new byte[10]), new("b"u8.ToArray(), new byte[500]), new("c"u8.ToArray(), new byte[10])];
        var chunks = StateSnapshotFormat.EncodeChunks(entries, 100);
        Assert.Equal(3, chunks.Count);
        Assert.Equal(1 + 1 + 2 + 500, chunks[1].Length);
    }

    [Fact]
    public void EncodeChunks_NoEntries_OneEmptyChunk() =>
        Assert.Equal([0], StateSnapshotFormat.EncodeChunks([], 100).Select(c => c.Length));

    [Fact]
    public void EncodeChunks_UnsortedOrEmptyKeys_Throw()
    {
        Assert.Throws<ArgumentException>(() => StateSnapshotFormat.EncodeChunks([new("b"u8.ToArray(), []), new("a"u8.ToArray(), [])], 100));
        Assert.Throws<ArgumentException>(() => StateSnapshotFormat.EncodeChunks([new("a"u8.ToArray(), []), new("a"u8.ToArray(), [])], 100));
        Assert.Throws<ArgumentException>(() => StateSnapshotFormat.EncodeChunks([new([], [])], 100));
    }

    [Theory]
    [InlineData("0161")] // key "a", then a missing value length
    [InlineData("016101")] // value length 1 but no byte
    [InlineData("00")] // empty key
    [InlineData("0261")] // key length 2, one byte
    [InlineData("81006100")] // non-minimal key length varint
    [InlineData("016200016100")] // second key "a" < "b"
    [InlineData("016100016100")] // duplicate key
    public void TryDecodeChunk_MalformedOrUnordered_ReturnsFalse(string hex)
    {
        Assert.False(StateSnapshotFormat.TryDecodeChunk(Convert.FromHexString(hex), null, out _));
    }

    [Fact]
    public void TryDecodeChunk_KeyNotAfterPreviousChunk_ReturnsFalse()
    {
        var chunk = StateSnapshotFormat.EncodeChunks([new("m"u8.ToArray(), [1])], 100)[0];
        Assert.True(StateSnapshotFormat.TryDecodeChunk(chunk, "l"u8.ToArray(), out _));
        Assert.False(StateSnapshotFormat.TryDecodeChunk(chunk, "m"u8.ToArray(), out _));
        Assert.False(StateSnapshotFormat.TryDecodeChunk(chunk, "z"u8.ToArray(), out _));
    }

    [Fact]
    public void Metadata_RoundTrips_AndRejectsWrongLengthsAndCounts()
    {
        var metadata = new StateSnapshotMetadata(42, Hash32.Sha256("root"u8), 1234, [Hash32.Sha256("a"u8), Hash32.Sha256("b"u8)]);
        var bytes = StateSnapshotFormat.EncodeMetadata(metadata);

        Assert.Equal(8 + 32 + 8 + 4 + 64, bytes.Length);
        Assert.True(StateSnapshotFormat.TryDecodeMetadata(bytes, out var decoded));
        Assert.Equal(metadata.Height, decoded!.Height);
        Assert.Equal(metadata.AppHash, decoded.AppHash);
        Assert.Equal(metadata.EntryCount, decoded.EntryCount);
        Assert.Equal(metadata.ChunkHashes, decoded.ChunkHashes);

        Assert.False(StateSnapshotFormat.TryDecodeMetadata(bytes.AsSpan(0, bytes.Length - 1), out _));
        Assert.False(StateSnapshotFormat.TryDecodeMetadata([.. bytes, 0], out _));
        var zeroHeight = (byte[])bytes.Clone();
        Array.Clear(zeroHeight, 0, 8);
        Assert.False(StateSnapshotFormat.TryDecodeMetadata(zeroHeight, out _));
        var noChunks = StateSnapshotFormat.EncodeMetadata(metadata with { ChunkHashes = [] });
        Assert.False(StateSnapshotFormat.TryDecodeMetadata(noChunks, out _));
    }
}
