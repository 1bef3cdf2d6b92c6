using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Phoenix.Protocol.Abci;

namespace Phoenix.Node.Tests.CometBft.Support;

/// <summary>What a <see cref="KvStoreApplication"/> keeps "on disk": survives an app restart.</summary>
internal sealed class KvDurableStore
{
    public long Height { get; set; }

    public byte[] AppHash { get; set; } = KvStoreApplication.HashState(ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    public ImmutableSortedDictionary<string, string> State { get; set; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public List<(Snapshot Descriptor, byte[] Blob)> Snapshots { get; } = [];
}

/// <summary>
/// A deterministic kv-store ABCI application for playing CometBFT's side: txs are <c>key=value</c>
/// (UTF-8), <c>val:HEX32=POWER</c> updates a validator; the app hash is SHA-256 over the sorted
/// leaf hashes; Query proves with a <c>kv:leaves</c> proof op; every commit takes a real snapshot
/// (format 1, 16-byte chunks) that a fresh instance can restore.
/// </summary>
internal sealed class KvStoreApplication : IAbciApplication
{
    public const uint CodeMalformedTx = 1;
    public const uint CodeNotFound = 2;
    public const uint SnapshotFormat = 1;
    public const int ChunkSize = 16;
    public const string ProofType = "kv:leaves";

    private readonly KvDurableStore _disk;
    private ImmutableSortedDictionary<string, string>? _pending;
    private byte[]? _pendingHash;
    private long _pendingHeight;
    private (Snapshot Snapshot, byte[] AppHash, List<byte[]> Chunks)? _restoring;

    public KvStoreApplication(KvDurableStore disk) => _disk = disk;

    public static byte[] Leaf(string key, string value)
    {
        var k = Encoding.UTF8.GetBytes(key);
        var v = Encoding.UTF8.GetBytes(value);
        var buf = new byte[4 + k.Length + v.Length];
        BitConverter.TryWriteBytes(buf, k.Length);
        k.CopyTo(buf, 4);
        v.CopyTo(buf, 4 + k.Length);
        return SHA256.HashData(buf);
    }

    public static byte[] HashState(ImmutableSortedDictionary<string, string> state) =>
        SHA256.HashData(state.SelectMany(kv => Leaf(kv.Key, kv.Value)).ToArray());

    public static bool TryParseTx(ReadOnlySpan<byte> tx, out string key, out string value)
    {
        var text = Encoding.UTF8.GetString(tx);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        key = eq > 0 ? text[..eq] : string.Empty;
        value = eq > 0 ? text[(eq + 1)..] : string.Empty;
        if (eq <= 0)
        {
            return false;
        }

        if (key.StartsWith("val:", StringComparison.Ordinal))
        {
            return key.Length == 4 + 64 && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        }

        return true;
    }

    public InfoResponse Info(InfoRequest request) => new("kvstore", "1.0.0", 1, _disk.Height, _disk.AppHash);

    public InitChainResponse InitChain(InitChainRequest request)
    {
        var state = _disk.State;
        foreach (var line in Encoding.UTF8.GetString(request.AppStateBytes.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParseTx(Encoding.UTF8.GetBytes(line), out var k, out var v))
            {
                throw new InvalidOperationException($"bad genesis line '{line}'");
            }

            state = state.SetItem(k, v);
        }

        foreach (var v in request.Validators)
        {
            state = state.SetItem("val:" + Convert.ToHexStringLower(v.PublicKey.Span), v.Power.ToString(CultureInfo.InvariantCulture));
        }

        _disk.State = state;
        _disk.AppHash = HashState(state);
        return new InitChainResponse(null, [], _disk.AppHash);
    }

    public CheckTxResponse CheckTx(CheckTxRequest request) => TryParseTx(request.Tx.Span, out _, out _)
        ? new CheckTxResponse(0, ReadOnlyMemory<byte>.Empty, string.Empty, request.Kind.ToString(), 1, 1, [], string.Empty)
        : new CheckTxResponse(CodeMalformedTx, ReadOnlyMemory<byte>.Empty, "tx must be key=value", string.Empty, 0, 0, [], "kv");

    public PrepareProposalResponse PrepareProposal(PrepareProposalRequest request)
    {
        var kept = new List<ReadOnlyMemory<byte>>();
        long size = 0;
        foreach (var tx in request.Txs)
        {
            if (!TryParseTx(tx.Span, out _, out _))
            {
                continue;
            }

            long txSize = 1 + VarintSize((ulong)tx.Length) + tx.Length; // protobuf Data{txs} size rule
            if (size + txSize > request.MaxTxBytes)
            {
                break;
            }

            size += txSize;
            kept.Add(tx);
        }

        return new PrepareProposalResponse(kept);
    }

    public ProcessProposalResponse ProcessProposal(ProcessProposalRequest request) =>
        new(request.Txs.All(t => TryParseTx(t.Span, out _, out _)) ? ProposalStatus.Accept : ProposalStatus.Reject);

    public ExtendVoteResponse ExtendVote(ExtendVoteRequest request) => new(Extension(request.Height));

    public VerifyVoteExtensionResponse VerifyVoteExtension(VerifyVoteExtensionRequest request) =>
        new(request.VoteExtension.Span.SequenceEqual(Extension(request.Height)) ? VerifyStatus.Accept : VerifyStatus.Reject);

    public FinalizeBlockResponse FinalizeBlock(FinalizeBlockRequest request)
    {
        if (request.Height != _disk.Height + 1)
        {
            throw new InvalidOperationException($"FinalizeBlock height {request.Height}, expected {_disk.Height + 1}");
        }

        var state = _disk.State;
        var results = new List<ExecTxResult>();
        var updates = new List<ValidatorUpdate>();
        foreach (var tx in request.Txs)
        {
            if (!TryParseTx(tx.Span, out var key, out var value))
            {
                results.Add(new ExecTxResult(CodeMalformedTx, ReadOnlyMemory<byte>.Empty, "malformed", string.Empty, 0, 0, [], "kv"));
                continue;
            }

            state = state.SetItem(key, value);
            if (key.StartsWith("val:", StringComparison.Ordinal))
            {
                updates.Add(new ValidatorUpdate(Convert.FromHexString(key[4..]), long.Parse(value, CultureInfo.InvariantCulture)));
            }

            results.Add(new ExecTxResult(0, Encoding.UTF8.GetBytes(key), "ok", string.Empty, 1, 1, [new AbciEvent("kv.set", [new EventAttribute("key", key)])], string.Empty));
        }

        var blockEvents = request.Misbehavior
            .Select(m => new AbciEvent("slash", [new EventAttribute("address", Convert.ToHexStringLower(m.Validator.Address.Span)), new EventAttribute("type", m.Type.ToString())]))
            .ToList();
        _pending = state;
        _pendingHeight = request.Height;
        _pendingHash = HashState(state);
        ConsensusParams? paramUpdates = state.TryGetValue("block_max_gas", out var gas) && !_disk.State.ContainsKey("block_max_gas")
            ? new ConsensusParams(Block: new BlockParams(1_000_000, long.Parse(gas, CultureInfo.InvariantCulture)))
            : null;
        return new FinalizeBlockResponse(blockEvents, results, updates, paramUpdates, _pendingHash);
    }

    public CommitResponse Commit()
    {
        if (_pending is null || _pendingHash is null)
        {
            throw new InvalidOperationException("Commit without FinalizeBlock");
        }

        _disk.State = _pending;
        _disk.AppHash = _pendingHash;
        _disk.Height = _pendingHeight;
        _pending = null;
        TakeSnapshot();
        return new CommitResponse(0);
    }

    public QueryResponse Query(QueryRequest request)
    {
        var key = Encoding.UTF8.GetString(request.Data.Span);
        var state = _disk.State;
        if (!state.TryGetValue(key, out var value))
        {
            return new QueryResponse(CodeNotFound, "not found", string.Empty, 0, request.Data, ReadOnlyMemory<byte>.Empty, [], _disk.Height, "kv");
        }

        IReadOnlyList<ProofOp> proof = request.Prove
            ? [new ProofOp(ProofType, request.Data, state.SelectMany(kv => Leaf(kv.Key, kv.Value)).ToArray())]
            : [];
        var index = state.Keys.TakeWhile(k => !string.Equals(k, key, StringComparison.Ordinal)).Count();
        return new QueryResponse(0, string.Empty, string.Empty, index, request.Data, Encoding.UTF8.GetBytes(value), proof, _disk.Height, string.Empty);
    }

    public ListSnapshotsResponse ListSnapshots() => new(_disk.Snapshots.Select(s => s.Descriptor).Reverse().ToArray());

    public OfferSnapshotResponse OfferSnapshot(OfferSnapshotRequest request)
    {
        if (request.Snapshot.Format != SnapshotFormat)
        {
            return new OfferSnapshotResponse(OfferSnapshotResult.RejectFormat);
        }

        if (!request.Snapshot.Metadata.Span.SequenceEqual(request.AppHash.Span) || request.Snapshot.Chunks == 0)
        {
            return new OfferSnapshotResponse(OfferSnapshotResult.Reject);
        }

        _restoring = (request.Snapshot, request.AppHash.ToArray(), []);
        return new OfferSnapshotResponse(OfferSnapshotResult.Accept);
    }

    public LoadSnapshotChunkResponse LoadSnapshotChunk(LoadSnapshotChunkRequest request)
    {
        var found = _disk.Snapshots.FirstOrDefault(s => s.Descriptor.Height == request.Height && s.Descriptor.Format == request.Format);
        if (found.Blob is null || request.Chunk >= found.Descriptor.Chunks)
        {
            return new LoadSnapshotChunkResponse(ReadOnlyMemory<byte>.Empty);
        }

        var start = (int)request.Chunk * ChunkSize;
        return new LoadSnapshotChunkResponse(found.Blob.AsMemory(start, Math.Min(ChunkSize, found.Blob.Length - start)).ToArray());
    }

    public ApplySnapshotChunkResponse ApplySnapshotChunk(ApplySnapshotChunkRequest request)
    {
        if (_restoring is not { } restoring)
        {
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.Abort, [], []);
        }

        if (request.Index != restoring.Chunks.Count)
        {
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.Retry, [(uint)restoring.Chunks.Count], []);
        }

        restoring.Chunks.Add(request.Chunk.ToArray());
        if (restoring.Chunks.Count < restoring.Snapshot.Chunks)
        {
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.Accept, [], []);
        }

        var blob = restoring.Chunks.SelectMany(c => c).ToArray();
        _restoring = null;
        if (!SHA256.HashData(blob).AsSpan().SequenceEqual(restoring.Snapshot.Hash.Span))
        {
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.RejectSnapshot, [], [request.Sender]);
        }

        var state = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        foreach (var line in Encoding.UTF8.GetString(blob).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            state = state.SetItem(line[..eq], line[(eq + 1)..]);
        }

        var hash = HashState(state);
        if (!hash.AsSpan().SequenceEqual(restoring.AppHash))
        {
            return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.RejectSnapshot, [], []);
        }

        _disk.State = state;
        _disk.AppHash = hash;
        _disk.Height = (long)restoring.Snapshot.Height;
        return new ApplySnapshotChunkResponse(ApplySnapshotChunkResult.Accept, [], []);
    }

    private static byte[] Extension(long height) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"ext:{height}"));

    private static int VarintSize(ulong v)
    {
        var n = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            n++;
        }

        return n;
    }

    private void TakeSnapshot()
    {
        var blob = Encoding.UTF8.GetBytes(string.Concat(_disk.State.Select(kv => kv.Key + "=" + kv.Value + "\n")));
        var chunks = (uint)Math.Max(1, (blob.Length + ChunkSize - 1) / ChunkSize);
        _disk.Snapshots.Add((new Snapshot((ulong)_disk.Height, SnapshotFormat, chunks, SHA256.HashData(blob), _disk.AppHash), blob));
        if (_disk.Snapshots.Count > 3)
        {
            _disk.Snapshots.RemoveAt(0);
        }
    }
}
