using System.Security.Cryptography;
using System.Text;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Genesis;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.Transactions;
using Phoenix.TestKit;

namespace Phoenix.Node.Tests.Mempool;

/// <summary>The node's signature verdict cache on its own.</summary>
public sealed class CachingSignatureVerifierTests
{
    private const string ChainId = "phoenix-sigcache-1";

    private static readonly TxDecoder Decoder = new PhoenixApplicationBuilder().AddStandardModules().Build().Decoder;

    internal static byte[] Transfer(TestKey from, ulong sequence, ulong amount, string chainId = ChainId) =>
        Build.A.Transfer.From(from).To(TestKeys.Carol).Amount(amount, Denom.Phnx).Sequence(sequence).ChainId(chainId).Signed();

    internal static byte[] Forged(TestKey from, ulong sequence, ulong amount, string chainId = ChainId)
    {
        var tx = Transfer(from, sequence, amount, chainId);
        tx[^5] ^= 0x01; // inside the signature: still decodes
        return tx;
    }

    private static SignedTransaction Decode(byte[] tx) => Decoder.Decode(tx).Transaction ?? throw new InvalidOperationException("does not decode");

    [Fact]
    public void Verify_ValidTransaction_VerifiedOnceThenAnsweredFromCache()
    {
        var verifier = new CachingSignatureVerifier(100);
        var tx = Decode(Transfer(TestKeys.Alice, 0, 5));

        Assert.True(verifier.Verify(tx));
        Assert.True(verifier.Verify(Decode(tx.Raw.ToArray())));

        Assert.Equal((1L, 1L), (verifier.Verifications, verifier.Hits));
        Assert.True(verifier.TryGetVerdict(tx.Hash, out var valid) && valid);
    }

    [Fact]
    public void Verify_ForgedSignature_RefusedEveryTimeAndNeverRememberedAsValid()
    {
        var verifier = new CachingSignatureVerifier(100);
        var forged = Decode(Forged(TestKeys.Alice, 0, 5));
        var genuine = Decode(Transfer(TestKeys.Alice, 0, 5));
        Assert.True(verifier.Verify(genuine)); // same sender, sequence and amount: only the signature differs

        Assert.False(verifier.Verify(forged));
        Assert.False(verifier.Verify(forged));
        Span<bool> inBlock = stackalloc bool[2];
        verifier.VerifyAll([forged, genuine], inBlock);

        Assert.Equal([false, true], inBlock.ToArray());
        Assert.True(verifier.TryGetVerdict(forged.Hash, out var valid));
        Assert.False(valid);
        Assert.NotEqual(forged.Hash, genuine.Hash);
    }

    [Fact]
    public void VerifyAll_LargeMixedBlock_SameVerdictsAsSequentialVerifier()
    {
        // Above the parallel threshold, with forged signatures spread through the block and some already cached.
        var keys = Enumerable.Range(1, 150).Select(TestKeys.Numbered).ToArray();
        var txs = keys.Select((k, i) => Decode(i % 7 == 3 ? Forged(k, 0, (ulong)i + 1) : Transfer(k, 0, (ulong)i + 1))).ToArray();
        var verifier = new CachingSignatureVerifier(1_000, maxDegreeOfParallelism: 2);
        for (var i = 0; i < txs.Length; i += 10)
        {
            verifier.Verify(txs[i]);
        }

        var expected = new bool[txs.Length];
        SequentialSignatureVerifier.Instance.VerifyAll(txs, expected);
        var actual = new bool[txs.Length];
        verifier.VerifyAll(txs, actual);
        var again = new bool[txs.Length];
        verifier.VerifyAll(txs, again);

        Assert.Contains(false, expected);
        Assert.Equal(expected, actual);
        Assert.Equal(expected, again);
        Assert.Equal(txs.Length, verifier.Verifications); // each signature verified exactly once
    }

    [Fact]
    public void Cache_ManyTransactions_StaysWithinCapacityAndKeepsTheRecentOnes()
    {
        var verifier = new CachingSignatureVerifier(10);
        var txs = Enumerable.Range(0, 40).Select(i => Decode(Transfer(TestKeys.Alice, (ulong)i, 1))).ToArray();

        foreach (var tx in txs)
        {
            verifier.Verify(tx);
            Assert.InRange(verifier.Count, 1, 10);
        }

        Assert.True(verifier.TryGetVerdict(txs[^1].Hash, out _));
        Assert.False(verifier.TryGetVerdict(txs[0].Hash, out _));
        Assert.True(verifier.Verify(txs[0])); // forgotten: verified again, still valid
        Assert.Equal(41, verifier.Verifications);
    }

    [Fact]
    public void Cache_CapacityZero_RemembersNothing()
    {
        var verifier = new CachingSignatureVerifier(0);
        var tx = Decode(Transfer(TestKeys.Alice, 0, 5));

        Assert.True(verifier.Verify(tx));
        Assert.True(verifier.Verify(tx));

        Assert.Equal((2L, 0L, 0), (verifier.Verifications, verifier.Hits, verifier.Count));
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CachingSignatureVerifier(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CachingSignatureVerifier(10, maxDegreeOfParallelism: 0));
    }

    [Fact]
    public void VerifyAll_TooFewResultSlots_ThrowsAndRemembersNothing()
    {
        var verifier = new CachingSignatureVerifier(10);
        var tx = Decode(Transfer(TestKeys.Alice, 0, 5));

        Assert.Throws<ArgumentException>(() => verifier.VerifyAll([tx, tx], new bool[1]));

        Assert.Equal(0, verifier.Count);
    }
}

/// <summary>The signature path through the real application and the mempool, as a node wires it.</summary>
public sealed class NodeSignaturePathTests
{
    private const string ChainId = "phoenix-sigpath-1";
    private static readonly Timestamp GenesisTime = new(1_700_000_000, 0);
    private static readonly TestKey ValidatorKey = TestKeys.Of("validator", 0x10);
    private static readonly TestKey Operator = TestKeys.Numbered(1);

    internal static byte[] Transfer(TestKey from, ulong sequence, ulong amount) => CachingSignatureVerifierTests.Transfer(from, sequence, amount, ChainId);

    /// <summary>An application at genesis: Alice and Bob funded, one validator.</summary>
    internal static PhoenixApplication NewApp(ISignatureBatchVerifier? verifier = null)
    {
        var builder = new PhoenixApplicationBuilder().AddStandardModules();
        if (verifier is not null)
        {
            builder.UseSignatureVerifier(verifier);
        }

        var app = builder.Build();
        var genesis = new GenesisBuilder(ChainId, GenesisTime)
            .AddAccount(TestKeys.Alice.Address, Amount.FromTokens(1_000_000, Denom.Phnx))
            .AddAccount(TestKeys.Bob.Address, Amount.FromTokens(1_000_000, Denom.Phnx))
            .AddAccount(Operator.Address, Amount.FromTokens(1_000, Denom.Phnx))
            .AddValidator(ValidatorKey.PublicKey, Operator.Address, "DE", 100)
            .Build();
        app.InitChain(new InitChainRequest(GenesisTime, ChainId, null, [new ValidatorUpdate(ValidatorKey.PublicKey.ToArray(), 100)], genesis.ToJson(), 1));
        return app;
    }

    /// <summary>The node's wiring: the mempool's precheck decodes and verifies into the cache CheckTx consults.</summary>
    private static (TxMempool Pool, Func<int> Prechecks) NewPool(PhoenixApplication app, CachingSignatureVerifier verifier)
    {
        var prechecks = 0;
        var pool = new TxMempool(app, new MempoolOptions(), precheck: tx =>
        {
            Interlocked.Increment(ref prechecks);
            if (app.Decoder.Decode(tx.Span).Transaction is { } decoded)
            {
                verifier.Verify(decoded);
            }
        });
        return (pool, () => Volatile.Read(ref prechecks));
    }

    /// <summary>Executes a block without committing it.</summary>
    internal static FinalizeBlockResponse FinalizeOnly(PhoenixApplication app, long height, params byte[][] txs)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"block-{height}"));
        return app.FinalizeBlock(new FinalizeBlockRequest([.. txs.Select(t => (ReadOnlyMemory<byte>)t)], CommitInfo.Empty, [], hash, height,
            new Timestamp(GenesisTime.Seconds + height, 0), ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty));
    }

    private static FinalizeBlockResponse Block(PhoenixApplication app, long height, params byte[][] txs)
    {
        var result = FinalizeOnly(app, height, txs);
        app.Commit();
        return result;
    }

    [Fact]
    public void CheckTxThenFinalizeBlock_EachSignatureVerifiedOnce_SameResultsAsSequentialVerifier()
    {
        var verifier = new CachingSignatureVerifier(1_000);
        var app = NewApp(verifier);
        var (pool, _) = NewPool(app, verifier);
        var txs = new[] { Transfer(TestKeys.Alice, 0, 10), Transfer(TestKeys.Bob, 0, 20), Transfer(TestKeys.Alice, 1, 30) };
        foreach (var tx in txs)
        {
            Assert.Equal(MempoolAdmissionStatus.Accepted, pool.Add(tx).Status);
        }

        var forged = CachingSignatureVerifierTests.Forged(TestKeys.Bob, 1, 5, ChainId);
        var block = Block(app, 1, [.. txs, forged]);
        var reference = Block(NewApp(), 1, [.. txs, forged]);

        Assert.Equal(4, verifier.Verifications); // three at admission, the unknown forged one in the block
        Assert.Equal(reference.AppHash.ToArray(), block.AppHash.ToArray());
        Assert.Equal(reference.TxResults.Select(r => r.Code), block.TxResults.Select(r => r.Code));
        Assert.NotEqual(0u, block.TxResults[3].Code);
    }

    [Fact]
    public void Add_ForgedSignature_RejectedByCheckTxAfterPrecheck()
    {
        var verifier = new CachingSignatureVerifier(1_000);
        var app = NewApp(verifier);
        var (pool, prechecks) = NewPool(app, verifier);

        var result = pool.Add(CachingSignatureVerifierTests.Forged(TestKeys.Alice, 0, 5, ChainId));

        Assert.Equal(MempoolAdmissionStatus.Rejected, result.Status);
        Assert.Equal(1, prechecks());
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Add_Duplicate_NotPrecheckedAgain()
    {
        var verifier = new CachingSignatureVerifier(1_000);
        var app = NewApp(verifier);
        var (pool, prechecks) = NewPool(app, verifier);
        var tx = Transfer(TestKeys.Alice, 0, 5);

        pool.Add(tx);
        var again = pool.Add(tx);

        Assert.Equal(MempoolAdmissionStatus.AlreadyKnown, again.Status);
        Assert.Equal(1, prechecks());
        Assert.Equal(1, verifier.Verifications);
    }

    [Fact]
    public void Recheck_TxMadeInvalidByBlock_EvictedWithoutVerifyingSignaturesAgain()
    {
        var verifier = new CachingSignatureVerifier(1_000);
        var app = NewApp(verifier);
        var (pool, _) = NewPool(app, verifier);
        var stale = Transfer(TestKeys.Alice, 0, 10);
        var bobs = Transfer(TestKeys.Bob, 0, 20);
        pool.Add(stale);
        pool.Add(bobs);
        var verifiedBefore = verifier.Verifications;
        var hitsBefore = verifier.Hits;

        // Alice's sequence 0 is spent by another transaction (say, submitted through another validator).
        var other = Transfer(TestKeys.Alice, 0, 11);
        Block(app, 1, other);
        pool.Update(1, [other]);

        Assert.False(pool.Contains(Hash32.Sha256(stale)));
        Assert.True(pool.Contains(Hash32.Sha256(bobs)));
        Assert.Equal(verifiedBefore + 1, verifier.Verifications); // only the block's unknown transaction
        Assert.Equal(hitsBefore, verifier.Hits); // the re-check asked for no signature at all
    }

    [Fact]
    public void AddBatch_GossipedTransactions_SameAdmissionsAsOneByOneInOrder()
    {
        var verifier = new CachingSignatureVerifier(1_000);
        var app = NewApp(verifier);
        var (pool, prechecks) = NewPool(app, verifier);
        var batch = new List<ReadOnlyMemory<byte>>
        {
            Transfer(TestKeys.Alice, 0, 1),
            Transfer(TestKeys.Alice, 1, 2),
            CachingSignatureVerifierTests.Forged(TestKeys.Bob, 0, 3, ChainId),
            Transfer(TestKeys.Alice, 1, 2), // duplicate inside the batch
            "not a transaction"u8.ToArray(),
            Transfer(TestKeys.Bob, 0, 4),
        };

        var results = pool.AddBatch(batch, "peer-1");

        Assert.Equal(
            [MempoolAdmissionStatus.Accepted, MempoolAdmissionStatus.Accepted, MempoolAdmissionStatus.Rejected, MempoolAdmissionStatus.AlreadyKnown, MempoolAdmissionStatus.Rejected, MempoolAdmissionStatus.Accepted],
            results.Select(r => r.Status));
        Assert.Equal(3, pool.Count);
        Assert.Equal(6, prechecks()); // each batch entry prechecked once, before admission
        Assert.All(pool.Reap(-1, -1), t => Assert.Equal("peer-1", t.SourcePeer));
    }
}
