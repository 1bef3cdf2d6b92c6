using Phoenix.Protocol.Application;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;

namespace Phoenix.Node.Mempool;

/// <summary>
/// The node's transaction signature verifier: remembers verdicts on transaction signatures, so a transaction
/// checked once on admission (<c>CheckTx</c>) is not verified again when its block is executed (<c>FinalizeBlock</c>)
/// on the same node, and verifies a block's unknown signatures on all cores.
/// </summary>
/// <remarks>
/// <para>The key is the transaction hash, SHA-256 of the transaction bytes as received. A transaction's sign bytes, key
/// and signature are decoded from those bytes alone, so equal hashes mean an equal verdict, and a remembered verdict is
/// the one a fresh verification would give: an invalid signature is remembered as invalid, never as valid.
/// Verification is a pure function of the bytes: caching and parallelism cannot change a block's result.</para>
/// <para>Bounded: at most <see cref="Capacity"/> hashes are held. Entries live in two generations; when the current
/// one is full the older one is dropped, so recently verified transactions survive.</para>
/// <para>Thread-safe: the mempool verifies on its callers' threads while the consensus loop executes blocks.</para>
/// </remarks>
public sealed class CachingSignatureVerifier : ISignatureBatchVerifier
{
    /// <summary>Blocks with fewer unknown signatures than this are verified on the calling thread.</summary>
    private const int ParallelThreshold = 64;

    private readonly Lock _lock = new();
    private readonly int _generationSize;
    private readonly int _maxDegreeOfParallelism;
    private Dictionary<Hash32, bool> _current = [];
    private Dictionary<Hash32, bool> _previous = [];
    private long _hits;
    private long _verified;

    /// <summary>Creates the verifier.</summary>
    /// <param name="capacity">Most transaction hashes remembered (0 or 1: remember none, verify every time).</param>
    /// <param name="maxDegreeOfParallelism">Most threads verifying one block (default: the processor count).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative or <paramref name="maxDegreeOfParallelism"/> is below 1.</exception>
    public CachingSignatureVerifier(int capacity, int? maxDegreeOfParallelism = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        var degree = maxDegreeOfParallelism ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1, nameof(maxDegreeOfParallelism));
        Capacity = capacity;
        _generationSize = capacity / 2;
        _maxDegreeOfParallelism = degree;
    }

    /// <summary>Most transaction hashes remembered.</summary>
    public int Capacity { get; }

    /// <summary>Transaction hashes remembered now (at most <see cref="Capacity"/>).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _current.Count + _previous.Count;
            }
        }
    }

    /// <summary>Signature checks answered from memory since creation.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Signatures actually verified since creation (valid or not).</summary>
    public long Verifications => Interlocked.Read(ref _verified);

    /// <summary>The remembered verdict on a transaction's signature (without verifying anything).</summary>
    /// <param name="txHash">The transaction hash.</param>
    /// <param name="valid">Whether the signature verified, when remembered.</param>
    /// <returns><see langword="true"/> when a verdict is remembered.</returns>
    public bool TryGetVerdict(Hash32 txHash, out bool valid)
    {
        lock (_lock)
        {
            return TryGetLocked(txHash, out valid);
        }
    }

    /// <summary>Checks one transaction's signature, from memory when it was checked before.</summary>
    /// <param name="transaction">The decoded transaction.</param>
    /// <returns>Whether the signature is valid.</returns>
    public bool Verify(SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (TryGetVerdict(transaction.Hash, out var known))
        {
            Interlocked.Increment(ref _hits);
            return known;
        }

        var ok = transaction.VerifySignature();
        Interlocked.Increment(ref _verified);
        lock (_lock)
        {
            RememberLocked(transaction.Hash, ok);
        }

        return ok;
    }

    /// <inheritdoc />
    /// <remarks>Remembered transactions are answered at once; the others are verified, over several threads when
    /// there are many, and the valid ones remembered.</remarks>
    public void VerifyAll(IReadOnlyList<SignedTransaction> transactions, Span<bool> results)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (results.Length < transactions.Count)
        {
            throw new ArgumentException($"{transactions.Count} transactions need {transactions.Count} result slots; got {results.Length}.", nameof(results));
        }

        var unknown = new List<int>();
        lock (_lock)
        {
            for (var i = 0; i < transactions.Count; i++)
            {
                if (TryGetLocked(transactions[i].Hash, out var known))
                {
                    results[i] = known;
                }
                else
                {
                    unknown.Add(i);
                }
            }
        }

        Interlocked.Add(ref _hits, transactions.Count - unknown.Count);
        if (unknown.Count == 0)
        {
            return;
        }

        var verdicts = new bool[unknown.Count];
        if (unknown.Count < ParallelThreshold || _maxDegreeOfParallelism == 1)
        {
            for (var k = 0; k < unknown.Count; k++)
            {
                verdicts[k] = transactions[unknown[k]].VerifySignature();
            }
        }
        else
        {
            Parallel.For(0, unknown.Count, new ParallelOptions { MaxDegreeOfParallelism = _maxDegreeOfParallelism }, k => verdicts[k] = transactions[unknown[k]].VerifySignature());
        }

        Interlocked.Add(ref _verified, unknown.Count);
        lock (_lock)
        {
            for (var k = 0; k < unknown.Count; k++)
            {
                results[unknown[k]] = verdicts[k];
                RememberLocked(transactions[unknown[k]].Hash, verdicts[k]);
            }
        }
    }

    private bool TryGetLocked(Hash32 hash, out bool valid)
        => _current.TryGetValue(hash, out valid) || _previous.TryGetValue(hash, out valid);

    private void RememberLocked(Hash32 hash, bool valid)
    {
        if (_generationSize == 0 || _current.ContainsKey(hash) || _previous.ContainsKey(hash))
        {
            return;
        }

        if (_current.Count >= _generationSize)
        {
            (_previous, _current) = (_current, _previous);
            _current.Clear();
        }

        _current.Add(hash, valid);
    }
}
