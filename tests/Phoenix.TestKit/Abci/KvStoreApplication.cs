using System.Security.Cryptography;
using System.Text;
using Phoenix.Protocol.Abci;

namespace Phoenix.TestKit.Abci;

/// <summary>
/// A small deterministic ABCI application for engine tests. Transactions are UTF-8 <c>key=value</c> (set a key) or
/// <c>val:&lt;hex pubkey&gt;!&lt;power&gt;</c> (a validator update, power 0 removes). The app hash is SHA-256 over the sorted
/// state. Duplicate-vote misbehaviour is recorded and "slashed" by removing the offender from the validator set.
/// Thread-safe (one lock), so tests may read it while an engine runs.
/// </summary>
public sealed class KvStoreApplication : IAbciApplication
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, string> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _validatorKeysByAddress = new(StringComparer.Ordinal);
    private readonly List<Misbehavior> _misbehavior = [];
    private readonly Dictionary<string, long> _activePower = new(StringComparer.Ordinal);
    private SortedDictionary<string, string>? _pending;
    private long _height;
    private long _pendingHeight;
    private byte[] _appHash = HashState(new SortedDictionary<string, string>(StringComparer.Ordinal));
    private byte[] _pendingHash = [];

    /// <summary>The last committed height.</summary>
    public long Height
    {
        get
        {
            lock (_lock)
            {
                return _height;
            }
        }
    }

    /// <summary>The app hash after the last commit.</summary>
    public byte[] AppHash
    {
        get
        {
            lock (_lock)
            {
                return _appHash;
            }
        }
    }

    /// <summary>Misbehaviour received in <c>FinalizeBlock</c>, in order.</summary>
    public IReadOnlyList<Misbehavior> Misbehavior
    {
        get
        {
            lock (_lock)
            {
                return [.. _misbehavior];
            }
        }
    }

    /// <summary>Reads a committed key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value, or null.</returns>
    public string? Get(string key)
    {
        lock (_lock)
        {
            return _committed.GetValueOrDefault(key);
        }
    }

    /// <summary>A set-key transaction.</summary>
    /// <param name="key">Key.</param>
    /// <param name="value">Value.</param>
    /// <returns>The raw transaction.</returns>
    public static byte[] SetTx(string key, string value) => Encoding.UTF8.GetBytes($"{key}={value}");

    /// <summary>A validator-update transaction.</summary>
    /// <param name="publicKey">The 32-byte key.</param>
    /// <param name="power">The new power (0 removes).</param>
    /// <returns>The raw transaction.</returns>
    public static byte[] ValidatorTx(ReadOnlySpan<byte> publicKey, long power) => Encoding.UTF8.GetBytes($"val:{Convert.ToHexStringLower(publicKey)}!{power}");

    /// <inheritdoc />
    public InfoResponse Info(InfoRequest request)
    {
        lock (_lock)
        {
            return new InfoResponse("kvstore", "1.0.0", 1, _height, _appHash);
        }
    }

    /// <inheritdoc />
    public InitChainResponse InitChain(InitChainRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            foreach (var v in request.Validators)
            {
                _validatorKeysByAddress[Address(v.PublicKey.Span)] = v.PublicKey.ToArray();
                _activePower[Address(v.PublicKey.Span)] = v.Power;
            }

            return new InitChainResponse(null, [], _appHash);
        }
    }

    /// <inheritdoc />
    public CheckTxResponse CheckTx(CheckTxRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ok = Parse(request.Tx.Span) is not null;
        return new CheckTxResponse(ok ? 0u : 1u, ReadOnlyMemory<byte>.Empty, ok ? "" : "malformed", "", 0, 0, [], ok ? "" : "kvstore");
    }

    /// <inheritdoc />
    public PrepareProposalResponse PrepareProposal(PrepareProposalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = new List<ReadOnlyMemory<byte>>();
        long total = 0;
        foreach (var tx in request.Txs)
        {
            if (Parse(tx.Span) is null || total + tx.Length > request.MaxTxBytes)
            {
                continue;
            }

            total += tx.Length;
            result.Add(tx);
        }

        return new PrepareProposalResponse(result);
    }

    /// <inheritdoc />
    public ProcessProposalResponse ProcessProposal(ProcessProposalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ProcessProposalResponse(request.Txs.All(t => Parse(t.Span) is not null) ? ProposalStatus.Accept : ProposalStatus.Reject);
    }

    /// <inheritdoc />
    public ExtendVoteResponse ExtendVote(ExtendVoteRequest request) => new(ReadOnlyMemory<byte>.Empty);

    /// <inheritdoc />
    public VerifyVoteExtensionResponse VerifyVoteExtension(VerifyVoteExtensionRequest request) => new(VerifyStatus.Accept);

    /// <inheritdoc />
    public FinalizeBlockResponse FinalizeBlock(FinalizeBlockRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            var state = new SortedDictionary<string, string>(_committed, StringComparer.Ordinal);
            var results = new List<ExecTxResult>();
            var updates = new Dictionary<string, ValidatorUpdate>(StringComparer.Ordinal);
            foreach (var tx in request.Txs)
            {
                var parsed = Parse(tx.Span);
                if (parsed is null)
                {
                    results.Add(new ExecTxResult(1, ReadOnlyMemory<byte>.Empty, "malformed", "", 0, 0, [], "kvstore"));
                    continue;
                }

                var (key, value, update) = parsed.Value;
                state[key] = value;
                if (update is not null)
                {
                    var address = Address(update.PublicKey.Span);
                    _validatorKeysByAddress[address] = update.PublicKey.ToArray();
                    updates[address] = update;
                }

                results.Add(new ExecTxResult(0, Encoding.UTF8.GetBytes(key), "", "", 1, 1, [], ""));
            }

            foreach (var m in request.Misbehavior)
            {
                _misbehavior.Add(m);
                var address = Convert.ToHexStringLower(m.Validator.Address.Span);
                state[$"slashed/{address}"] = m.Height.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (_validatorKeysByAddress.TryGetValue(address, out var key) && _activePower.GetValueOrDefault(address) > 0)
                {
                    updates[address] = new ValidatorUpdate(key, 0);
                }
            }

            foreach (var (address, update) in updates)
            {
                if (update.Power == 0 && _activePower.GetValueOrDefault(address) == 0)
                {
                    updates.Remove(address); // removing an unknown validator would be an invalid update
                    continue;
                }

                _activePower[address] = update.Power;
            }

            _pending = state;
            _pendingHeight = request.Height;
            _pendingHash = HashState(state);
            return new FinalizeBlockResponse([], results, [.. updates.Values], null, _pendingHash);
        }
    }

    /// <inheritdoc />
    public CommitResponse Commit()
    {
        lock (_lock)
        {
            if (_pending is null)
            {
                throw new InvalidOperationException("Commit without FinalizeBlock.");
            }

            _committed.Clear();
            foreach (var kv in _pending)
            {
                _committed[kv.Key] = kv.Value;
            }

            _height = _pendingHeight;
            _appHash = _pendingHash;
            _pending = null;
            return new CommitResponse(0);
        }
    }

    /// <inheritdoc />
    public QueryResponse Query(QueryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = Encoding.UTF8.GetString(request.Data.Span);
        lock (_lock)
        {
            var found = _committed.TryGetValue(key, out var value);
            return new QueryResponse(found ? 0u : 1u, found ? "" : "not found", "", 0, request.Data, found ? Encoding.UTF8.GetBytes(value!) : ReadOnlyMemory<byte>.Empty, [], _height, "");
        }
    }

    /// <inheritdoc />
    public ListSnapshotsResponse ListSnapshots() => new([]);

    /// <inheritdoc />
    public OfferSnapshotResponse OfferSnapshot(OfferSnapshotRequest request) => new(OfferSnapshotResult.Reject);

    /// <inheritdoc />
    public LoadSnapshotChunkResponse LoadSnapshotChunk(LoadSnapshotChunkRequest request) => new(ReadOnlyMemory<byte>.Empty);

    /// <inheritdoc />
    public ApplySnapshotChunkResponse ApplySnapshotChunk(ApplySnapshotChunkRequest request) => new(ApplySnapshotChunkResult.Abort, [], []);

    private static string Address(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey).AsSpan(0, 20));

    private static (string Key, string Value, ValidatorUpdate? Update)? Parse(ReadOnlySpan<byte> tx)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(tx);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        if (text.StartsWith("val:", StringComparison.Ordinal))
        {
            var bang = text.IndexOf('!', StringComparison.Ordinal);
            if (bang < 0 || !long.TryParse(text.AsSpan(bang + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var power))
            {
                return null;
            }

            var hex = text[4..bang];
            if (hex.Length != 64)
            {
                return null;
            }

            byte[] key;
            try
            {
                key = Convert.FromHexString(hex);
            }
            catch (FormatException)
            {
                return null;
            }

            return ($"val/{hex.ToLowerInvariant()}", power.ToString(System.Globalization.CultureInfo.InvariantCulture), new ValidatorUpdate(key, power));
        }

        var eq = text.IndexOf('=', StringComparison.Ordinal);
        return eq <= 0 ? null : (text[..eq], text[(eq + 1)..], null);
    }

    private static byte[] HashState(SortedDictionary<string, string> state)
    {
        var sb = new StringBuilder();
        foreach (var kv in state)
        {
            sb.Append(kv.Key).Append('=').Append(kv.Value).Append('\n');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()));
    }
}
