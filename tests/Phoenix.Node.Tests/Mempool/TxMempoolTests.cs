using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Phoenix.Node.Mempool;
using Phoenix.Protocol.Primitives;
using static Phoenix.Node.Tests.Mempool.FakeCheckTxApp;

namespace Phoenix.Node.Tests.Mempool;

public sealed class TxMempoolTests
{
    private readonly FakeCheckTxApp _app = new();

    private TxMempool Create(Action<MempoolOptions>? configure = null)
    {
        var options = new MempoolOptions();
        configure?.Invoke(options);
        return new TxMempool(_app, options);
    }

    private static string Label(MempoolTx tx) => Encoding.UTF8.GetString(tx.Tx.Span).Split(':') is var p ? $"{p[0]}{p[1]}" : "";

    [Fact]
    public void Add_ValidTx_AcceptedAndQueuedForGossip()
    {
        var pool = Create();
        var tx = Tx("alice", 0);

        var result = pool.Add(tx, sourcePeer: "peer-1");

        Assert.Equal(MempoolAdmissionStatus.Accepted, result.Status);
        Assert.Equal(Hash32.Sha256(tx), result.TxHash);
        Assert.True(pool.Contains(result.TxHash));
        Assert.True(pool.NewTransactions.TryRead(out var gossiped));
        Assert.Equal(result.TxHash, gossiped.Hash);
        Assert.Equal("peer-1", gossiped.SourcePeer);
    }

    [Fact]
    public void Add_SameTxTwice_SecondAlreadyKnownWithoutCheckTx()
    {
        var pool = Create();
        pool.Add(Tx("alice", 0));

        var second = pool.Add(Tx("alice", 0));

        Assert.Equal(MempoolAdmissionStatus.AlreadyKnown, second.Status);
        Assert.Equal(1, _app.CheckTxCalls);
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void Add_LargerThanMaxTxBytes_TooLargeWithoutCheckTx()
    {
        var pool = Create(o => o.MaxTxBytes = 16);

        var result = pool.Add(Tx("alice", 0, new string('p', 20)));

        Assert.Equal(MempoolAdmissionStatus.TooLarge, result.Status);
        Assert.Equal(MempoolAdmission.MempoolCodespace, result.Codespace);
        Assert.Equal(0, _app.CheckTxCalls);
    }

    [Fact]
    public void Add_CheckTxFails_RejectedWithApplicationCodeAndNotHeld()
    {
        var pool = Create();

        var malformed = pool.Add("garbage"u8.ToArray());
        var gap = pool.Add(Tx("alice", 5));

        Assert.Equal((MempoolAdmissionStatus.Rejected, MalformedCode, "fake"), (malformed.Status, malformed.Code, malformed.Codespace));
        Assert.Equal((MempoolAdmissionStatus.Rejected, BadSequenceCode), (gap.Status, gap.Code));
        Assert.Equal(0, pool.Count);
        Assert.False(pool.NewTransactions.TryRead(out _));
    }

    [Fact]
    public void Add_RejectedTxResubmitted_CheckedAgainBecauseItMayBecomeValid()
    {
        var pool = Create();
        Assert.Equal(MempoolAdmissionStatus.Rejected, pool.Add(Tx("alice", 1)).Status);
        pool.Add(Tx("alice", 0));

        Assert.Equal(MempoolAdmissionStatus.Accepted, pool.Add(Tx("alice", 1)).Status);
    }

    [Fact]
    public void Reap_SeveralSenders_HighestPriorityFirstAndSequenceOrderWithinSender()
    {
        var pool = Create();
        pool.Add(Tx("a", 0, priority: 1));
        pool.Add(Tx("a", 1, priority: 9));
        pool.Add(Tx("b", 0, priority: 5));
        pool.Add(Tx("c", 0, priority: 5));

        var order = pool.Reap(-1, -1).Select(Label).ToArray();

        Assert.Equal(["b0", "c0", "a0", "a1"], order);
    }

    [Fact]
    public void Reap_ByteLimit_SkipsSenderWhoseNextTxDoesNotFit()
    {
        var pool = Create();
        pool.Add(Tx("a", 0, new string('x', 100), priority: 9));
        pool.Add(Tx("a", 1, "small", priority: 9));
        pool.Add(Tx("b", 0, "small", priority: 1));

        var reaped = pool.Reap(maxBytes: 50, maxGas: -1).Select(Label).ToArray();

        Assert.Equal(["b0"], reaped);
        Assert.Equal(3, pool.Count);
    }

    [Fact]
    public void Reap_GasLimit_StopsAtMaxGas()
    {
        var pool = Create();
        for (ulong i = 0; i < 5; i++)
        {
            pool.Add(Tx("a", i));
        }

        Assert.Equal(3, pool.Reap(-1, maxGas: 3).Count);
    }

    [Fact]
    public void Add_FullOfLowerPriority_EvictsLowestAndItsLaterSequences()
    {
        var pool = Create(o => o.MaxTxs = 3);
        pool.Add(Tx("low", 0, priority: 1));
        pool.Add(Tx("low", 1, priority: 8));
        pool.Add(Tx("mid", 0, priority: 5));

        var result = pool.Add(Tx("high", 0, priority: 7));

        Assert.Equal(MempoolAdmissionStatus.Accepted, result.Status);
        Assert.Equal(["high0", "mid0"], pool.Reap(-1, -1).Select(Label).ToArray());
    }

    [Fact]
    public void Add_FullOfEqualOrHigherPriority_ReturnsFullAndKeepsPool()
    {
        var pool = Create(o => o.MaxTxs = 2);
        pool.Add(Tx("a", 0, priority: 5));
        pool.Add(Tx("b", 0, priority: 6));

        var result = pool.Add(Tx("c", 0, priority: 5));

        Assert.Equal(MempoolAdmissionStatus.Full, result.Status);
        Assert.Equal(2, pool.Count);
        Assert.False(pool.Contains(result.TxHash));
    }

    [Fact]
    public void Add_ByteLimitReached_ReturnsFull()
    {
        var pool = Create(o => o.MaxTxsBytes = 1024);
        var big = new string('x', 600);
        Assert.True(pool.Add(Tx("a", 0, big)).IsAccepted);

        Assert.Equal(MempoolAdmissionStatus.Full, pool.Add(Tx("b", 0, big)).Status);
        Assert.True(pool.TotalBytes <= 1024);
    }

    [Fact]
    public void Update_BlockSpentSequenceElsewhere_RemovesCommittedAndDropsStaleOnRecheck()
    {
        var pool = Create();
        pool.Add(Tx("a", 0, "mine"));
        pool.Add(Tx("a", 1));
        pool.Add(Tx("b", 0));
        var block = new ReadOnlyMemory<byte>[] { Tx("a", 0, "from-another-node"), Tx("b", 0) };
        _app.CommitBlock(block);

        pool.Update(1, block);

        Assert.Equal(["a1"], pool.Reap(-1, -1).Select(Label).ToArray());
        Assert.Equal(2, _app.RecheckCalls); // a0 (stale) and a1; b0 was committed, so not re-checked
    }

    [Fact]
    public void Add_CommittedTxReplayed_AlreadyKnown()
    {
        var pool = Create();
        var tx = Tx("a", 0);
        pool.Add(tx);
        _app.CommitBlock([tx]);
        pool.Update(1, [tx]);

        Assert.Equal(MempoolAdmissionStatus.AlreadyKnown, pool.Add(tx).Status);
    }

    [Fact]
    public void Add_FloodOfInvalidAndDuplicateTxs_MemoryBoundedAndHonestTxsReaped()
    {
        var options = new MempoolOptions { MaxTxs = 64, MaxTxsBytes = 8 * 1024, CacheSize = 256, GossipQueueCapacity = 32 };
        var pool = new TxMempool(_app, options);
        var honest = new List<byte[]>();
        var rng = new System.Random(42);
        var statuses = new Dictionary<MempoolAdmissionStatus, int>();
        for (var i = 0; i < 20_000; i++)
        {
            byte[] tx = (i % 4) switch
            {
                0 => Encoding.UTF8.GetBytes($"junk-{i}-{rng.Next()}"),
                1 => Tx("attacker", (ulong)rng.Next(1, 1_000_000), $"gap{i}"),
                2 when honest.Count > 0 => honest[rng.Next(honest.Count)],
                _ => Tx("spam", 0, $"replay{i % 7}"),
            };
            if (i % 400 == 0)
            {
                var sender = $"honest{honest.Count % 5}";
                var seq = (ulong)honest.Count(h => Encoding.UTF8.GetString(h).StartsWith(sender + ":", StringComparison.Ordinal));
                tx = Tx(sender, seq, "pay", priority: 10);
                honest.Add(tx);
            }

            var status = pool.Add(tx).Status;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(pool.Count <= options.MaxTxs, $"mempool holds {pool.Count} txs, limit {options.MaxTxs}");
            Assert.True(pool.TotalBytes <= options.MaxTxsBytes, $"mempool holds {pool.TotalBytes} bytes, limit {options.MaxTxsBytes}");
            Assert.True(pool.CachedHashes <= options.CacheSize, $"seen cache holds {pool.CachedHashes} hashes, limit {options.CacheSize}");
        }

        Assert.True(statuses[MempoolAdmissionStatus.Rejected] > 10_000);
        Assert.True(statuses[MempoolAdmissionStatus.AlreadyKnown] > 1_000);
        var reaped = pool.Reap(-1, -1).Select(t => t.Tx.ToArray()).ToList();
        Assert.All(honest, h => Assert.Contains(reaped, r => r.AsSpan().SequenceEqual(h)));

        var block = reaped.Select(r => (ReadOnlyMemory<byte>)r).ToArray();
        _app.CommitBlock(block);
        pool.Update(1, block);
        Assert.Equal(10UL, _app.CommittedSequence("honest0"));
        Assert.Equal(10UL, _app.CommittedSequence("honest4"));
    }

    [Fact]
    public void AddAndUpdate_RandomOperations_LimitsHoldAndReapKeepsSequenceOrder()
    {
        var op = Gen.Choose(0, 3).SelectMany(k => Gen.Choose(0, 4).SelectMany(si => Gen.Choose(0, 20).Select(p => (Kind: k, Sender: si, Priority: p))));
        Prop.ForAll(Gen.ListOf(op).Select(l => l.Take(120).ToArray()).ToArbitrary(), ops =>
        {
            var app = new FakeCheckTxApp();
            var options = new MempoolOptions { MaxTxs = 6, MaxTxsBytes = 2048, CacheSize = 8 };
            var pool = new TxMempool(app, options);
            var next = new Dictionary<string, ulong>();
            var height = 0;
            foreach (var (kind, senderIndex, priority) in ops)
            {
                var sender = $"s{senderIndex}";
                if (kind == 3)
                {
                    var block = pool.Reap(200, -1).Select(t => t.Tx).ToArray();
                    app.CommitBlock(block);
                    pool.Update(++height, block);
                    next.Clear();
                }
                else
                {
                    var seq = kind == 2 ? 99UL : next.GetValueOrDefault(sender, app.CommittedSequence(sender));
                    if (pool.Add(Tx(sender, seq, "p", priority)).IsAccepted)
                    {
                        next[sender] = seq + 1;
                    }
                }

                if (pool.Count > options.MaxTxs || pool.TotalBytes > options.MaxTxsBytes)
                {
                    return false;
                }

                var reaped = pool.Reap(-1, -1);
                var perSender = reaped.GroupBy(t => Encoding.UTF8.GetString(t.Sender.Span));
                if (perSender.Any(g => !g.Select(t => t.Sequence).SequenceEqual(g.Select(t => t.Sequence).Order())))
                {
                    return false;
                }
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryViolation()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TxMempool(_app, new MempoolOptions { MaxTxs = 0, CacheSize = -1 }));

        Assert.Contains(nameof(MempoolOptions.MaxTxs), ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MempoolOptions.CacheSize), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReapMaxBytesAndUpdate_ByteArrayShape_SameAsReapAndUpdate()
    {
        var pool = Create();
        pool.Add(Tx("a", 0, priority: 1));
        pool.Add(Tx("b", 0, priority: 2));

        var reaped = pool.ReapMaxBytes(1_000_000);
        Assert.Equal(pool.Reap(-1, -1).Select(t => t.Tx.ToArray()), reaped);

        _app.CommitBlock(reaped.Select(r => (ReadOnlyMemory<byte>)r));
        pool.Update(1, reaped);
        Assert.Equal(0, pool.Count);
    }
}
