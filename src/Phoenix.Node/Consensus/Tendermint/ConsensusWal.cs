using System.Buffers.Binary;
using System.Text;
using Phoenix.Node.Consensus.Internal;

namespace Phoenix.Node.Consensus.Tendermint;

/// <summary>A consensus WAL record.</summary>
public abstract record WalRecord;

/// <summary>A message received from a peer, or sent by this node (peer id empty), as its envelope bytes.</summary>
/// <param name="PeerId">The sender, or empty for the node's own messages.</param>
/// <param name="Envelope">The encoded message.</param>
public sealed record WalMessage(string PeerId, byte[] Envelope) : WalRecord;

/// <summary>A timeout that fired.</summary>
/// <param name="Timeout">The timeout.</param>
public sealed record WalTimeout(TimeoutInfo Timeout) : WalRecord;

/// <summary>Marks that block <paramref name="Height"/> was stored and is about to be applied.</summary>
/// <param name="Height">The height.</param>
public sealed record WalEndHeight(long Height) : WalRecord;

/// <summary>The WAL is damaged beyond a torn final record; the node must not start on it.</summary>
public sealed class WalCorruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The WAL file.</param>
    /// <param name="offset">Offset of the bad record.</param>
    /// <param name="reason">What is wrong.</param>
    public WalCorruptedException(string path, long offset, string reason)
        : base($"The consensus WAL '{path}' is corrupted at offset {offset}: {reason}. Refusing to start; restore the file or remove it after checking the signer state.")
    {
        Path = path;
        Offset = offset;
    }

    /// <summary>The WAL file.</summary>
    public string Path { get; }

    /// <summary>Offset of the bad record.</summary>
    public long Offset { get; }
}

/// <summary>
/// The consensus write-ahead log: every input is logged before it is processed, the node's own messages with an
/// fsync. After a crash the engine replays the records after the last <see cref="WalEndHeight"/>.
/// </summary>
public interface IConsensusWal
{
    /// <summary>Appends a record (buffered; <paramref name="sync"/> flushes it to disk first).</summary>
    /// <param name="record">The record.</param>
    /// <param name="sync">Whether to fsync before returning.</param>
    void Write(WalRecord record, bool sync);

    /// <summary>The records after <c>EndHeight(<paramref name="height"/>)</c>, or empty when that marker is absent.</summary>
    /// <param name="height">The last committed height.</param>
    /// <returns>The records to replay.</returns>
    IReadOnlyList<WalRecord> ReadAfterEndHeight(long height);
}

/// <summary>A WAL that keeps nothing (simulations of nodes that never crash).</summary>
public sealed class NullConsensusWal : IConsensusWal
{
    /// <summary>The shared instance.</summary>
    public static NullConsensusWal Instance { get; } = new();

    /// <inheritdoc />
    public void Write(WalRecord record, bool sync)
    {
    }

    /// <inheritdoc />
    public IReadOnlyList<WalRecord> ReadAfterEndHeight(long height) => [];
}

/// <summary>
/// A file-backed WAL with CometBFT's record framing: <c>crc32c(data)</c> and <c>len(data)</c> as 4-byte big-endian
/// integers, then the data. A torn final record (crash during a write) is ignored; a bad checksum elsewhere raises
/// <see cref="WalCorruptedException"/>. The file is compacted at an end-height marker once it passes 64 MiB.
/// </summary>
public sealed class FileConsensusWal : IConsensusWal, IDisposable
{
    /// <summary>Largest record accepted (1 MiB of message plus overhead, like CometBFT), here sized for 4 MiB blocks.</summary>
    public const int MaxRecordBytes = (4 * 1024 * 1024) + 1024;

    private const long CompactThreshold = 64L * 1024 * 1024;
    private readonly string _path;
    private readonly Lock _lock = new();
    private FileStream _file;

    /// <summary>Opens or creates the WAL at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    public FileConsensusWal(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        var isNew = !File.Exists(path);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        if (isNew)
        {
            Write(new WalEndHeight(0), sync: true);
        }
    }

    /// <inheritdoc />
    public void Write(WalRecord record, bool sync)
    {
        ArgumentNullException.ThrowIfNull(record);
        var data = Serialize(record);
        if (data.Length > MaxRecordBytes)
        {
            throw new ArgumentException($"WAL record of {data.Length} bytes exceeds {MaxRecordBytes}.", nameof(record));
        }

        var frame = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, Crc32C.Compute(data));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)data.Length);
        data.CopyTo(frame, 8);
        lock (_lock)
        {
            if (record is WalEndHeight && _file.Length > CompactThreshold)
            {
                _file.Dispose();
                _file = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.Read);
            }

            _file.Write(frame);
            _file.Flush(flushToDisk: sync || record is WalEndHeight);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<WalRecord> ReadAfterEndHeight(long height)
    {
        lock (_lock)
        {
            _file.Flush();
            var all = ReadAll(_path);
            var start = all.FindLastIndex(r => r is WalEndHeight e && e.Height == height);
            return start < 0 ? [] : all.Skip(start + 1).ToList();
        }
    }

    /// <summary>Reads every record of a WAL file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The records, in order.</returns>
    /// <exception cref="WalCorruptedException">A complete record fails its checksum or cannot be parsed.</exception>
    public static List<WalRecord> ReadAll(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var result = new List<WalRecord>();
        var offset = 0;
        while (offset + 8 <= bytes.Length)
        {
            var crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset));
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 4));
            if (length > MaxRecordBytes)
            {
                throw new WalCorruptedException(path, offset, $"record length {length} exceeds the maximum");
            }

            if (offset + 8 + length > bytes.Length)
            {
                break; // torn final record: the crash happened while writing it
            }

            var data = bytes.AsSpan(offset + 8, (int)length);
            if (Crc32C.Compute(data) != crc)
            {
                throw new WalCorruptedException(path, offset, "checksum mismatch");
            }

            result.Add(Deserialize(data) ?? throw new WalCorruptedException(path, offset, "unknown record type"));
            offset += 8 + (int)length;
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _file.Dispose();
        }
    }

    private static byte[] Serialize(WalRecord record)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms, Encoding.UTF8);
        switch (record)
        {
            case WalMessage m:
                w.Write((byte)1);
                w.Write(m.PeerId);
                w.Write(m.Envelope.Length);
                w.Write(m.Envelope);
                break;
            case WalTimeout t:
                w.Write((byte)2);
                w.Write(t.Timeout.Height);
                w.Write(t.Timeout.Round);
                w.Write((int)t.Timeout.Step);
                w.Write(t.Timeout.Duration.Ticks);
                break;
            case WalEndHeight e:
                w.Write((byte)3);
                w.Write(e.Height);
                break;
            default:
                throw new ArgumentException("Unknown WAL record.", nameof(record));
        }

        w.Flush();
        return ms.ToArray();
    }

    private static WalRecord? Deserialize(ReadOnlySpan<byte> data)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data.ToArray()), Encoding.UTF8);
            return r.ReadByte() switch
            {
                1 => new WalMessage(r.ReadString(), r.ReadBytes(r.ReadInt32())),
                2 => new WalTimeout(new TimeoutInfo(r.ReadInt64(), r.ReadInt32(), (RoundStep)r.ReadInt32(), TimeSpan.FromTicks(r.ReadInt64()))),
                3 => new WalEndHeight(r.ReadInt64()),
                _ => null,
            };
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }
}
