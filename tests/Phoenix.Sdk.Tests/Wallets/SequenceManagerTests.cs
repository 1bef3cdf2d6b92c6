using System.Collections.Concurrent;
using Phoenix.Sdk.Wallets;

namespace Phoenix.Sdk.Tests.Wallets;

public class SequenceManagerTests
{
    private static readonly byte[] Account = Enumerable.Repeat((byte)0xAB, 20).ToArray();

    /// <summary>A scripted node: admits an account's transactions only at exactly the expected sequence.</summary>
    private sealed class FakeNode : IAccountSequenceSource
    {
        private readonly Lock _gate = new();
        public ulong Expected;
        public int Reads;
        public readonly ConcurrentQueue<ulong> Admitted = new();

        public ValueTask<ulong> GetSequenceAsync(ReadOnlyMemory<byte> address, CancellationToken cancellationToken = default)
        {
            Assert.Equal(Account, address.ToArray());
            Interlocked.Increment(ref Reads);
            lock (_gate)
            {
                return ValueTask.FromResult(Expected);
            }
        }

        public async Task<ulong> SubmitAsync(ulong sequence)
        {
            await Task.Yield();
            lock (_gate)
            {
                if (sequence != Expected)
                {
                    throw new TransactionRejectedException(32, "sdk", $"account sequence mismatch, expected {Expected}, got {sequence}", isSequenceMismatch: true);
                }

                Expected++;
                Admitted.Enqueue(sequence);
                return sequence;
            }
        }

        /// <summary>Another process sends from the same account behind our back.</summary>
        public void SendElsewhere()
        {
            lock (_gate)
            {
                Expected++;
            }
        }
    }

    [Fact]
    public async Task SendAsync_ConcurrentSenders_EachSequenceUsedOnceInOrder()
    {
        var node = new FakeNode { Expected = 5 };
        using var manager = new SequenceManager(Account, node);
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => manager.SendAsync((s, _) => node.SubmitAsync(s)))));
        Assert.Equal(Enumerable.Range(5, 50).Select(i => (ulong)i), results.Order());
        Assert.Equal(Enumerable.Range(5, 50).Select(i => (ulong)i), node.Admitted);
        Assert.Equal(55UL, node.Expected);
        Assert.Equal(1, node.Reads);
    }

    [Fact]
    public async Task SendAsync_SequenceChangedElsewhere_RereadsAndRetriesOnce()
    {
        var node = new FakeNode();
        using var manager = new SequenceManager(Account, node);
        Assert.Equal(0UL, await manager.SendAsync((s, _) => node.SubmitAsync(s)));
        node.SendElsewhere();
        node.SendElsewhere();
        var attempts = new List<ulong>();
        var result = await manager.SendAsync((s, _) => { attempts.Add(s); return node.SubmitAsync(s); });
        Assert.Equal([1UL, 3UL], attempts);
        Assert.Equal(3UL, result);
        Assert.Equal(2, node.Reads);
        Assert.Equal(4UL, await manager.SendAsync((s, _) => node.SubmitAsync(s)));
    }

    [Fact]
    public async Task SendAsync_MismatchTwice_ThrowsRejectionAndRecoversNextTime()
    {
        var node = new FakeNode();
        using var manager = new SequenceManager(Account, node);
        var attempts = 0;
        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => manager.SendAsync<ulong>((s, _) =>
        {
            attempts++;
            node.SendElsewhere(); // a competing sender wins every time
            return node.SubmitAsync(s);
        }));
        Assert.True(e.IsSequenceMismatch);
        Assert.False(e.IsTransient);
        Assert.Equal(2, attempts);
        Assert.Equal(node.Expected, await manager.SendAsync((s, _) => node.SubmitAsync(s)));
    }

    [Fact]
    public async Task SendAsync_OtherRejection_IsNotRetriedAndNextSendRereadsSequence()
    {
        var node = new FakeNode { Expected = 10 };
        using var manager = new SequenceManager(Account, node);
        var calls = 0;
        await Assert.ThrowsAsync<TransactionRejectedException>(() => manager.SendAsync<ulong>((_, _) =>
        {
            calls++;
            throw new TransactionRejectedException(5, "bank", "insufficient funds");
        }));
        Assert.Equal(1, calls);
        Assert.Equal(10UL, await manager.SendAsync((s, _) => node.SubmitAsync(s)));
        Assert.Equal(2, node.Reads);
    }

    [Fact]
    public async Task SendAsync_ConcurrentSendersWithExternalInterference_AllSucceedWithDistinctSequences()
    {
        var node = new FakeNode();
        using var manager = new SequenceManager(Account, node);
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
        {
            var interfered = false;
            return manager.SendAsync((s, _) =>
            {
                if (i % 10 == 0 && !interfered)
                {
                    interfered = true; // another process takes the sequence this sender was given
                    node.SendElsewhere();
                }

                return node.SubmitAsync(s);
            });
        })));
        Assert.Equal(40, results.Distinct().Count());
        Assert.Equal(40, node.Admitted.Count);
        Assert.Equal(44UL, node.Expected);
        Assert.Equal(5, node.Reads);
    }

    [Fact]
    public async Task SendAsync_Cancelled_ThrowsWithoutCallingDelegate()
    {
        var node = new FakeNode();
        using var manager = new SequenceManager(Account, node);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var called = false;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.SendAsync((s, _) => { called = true; return node.SubmitAsync(s); }, cts.Token));
        Assert.False(called);
    }

    [Fact]
    public async Task ResetAsync_AfterSends_NextSendRereadsSequence()
    {
        var node = new FakeNode();
        using var manager = new SequenceManager(Account, node);
        await manager.SendAsync((s, _) => node.SubmitAsync(s));
        await manager.ResetAsync();
        await manager.SendAsync((s, _) => node.SubmitAsync(s));
        Assert.Equal(2, node.Reads);
    }

    [Fact]
    public void Constructor_WrongAddressLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SequenceManager(new byte[19], new FakeNode()));
        Assert.Throws<ArgumentNullException>(() => new SequenceManager(Account, null!));
    }
}
