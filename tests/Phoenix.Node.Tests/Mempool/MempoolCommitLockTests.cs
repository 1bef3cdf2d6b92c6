using Phoenix.Node.Mempool;
using Phoenix.Protocol.Application;
using Phoenix.TestKit;

namespace Phoenix.Node.Tests.Mempool;

/// <summary>
/// <see cref="TxMempool.LockForCommit"/>: between the application's <c>Commit</c> (which resets its check state to the
/// committed state) and the mempool's re-check of what it holds, a new transaction from a sender with a held
/// transaction would be checked against a state that does not yet include the held one, and refused with
/// <c>sequence_mismatch</c>. The node holds the lock across both (CometBFT's <c>Mempool.Lock</c>).
/// </summary>
public sealed class MempoolCommitLockTests
{
    private static byte[] Transfer(ulong sequence) => NodeSignaturePathTests.Transfer(TestKeys.Alice, sequence, 10 + sequence);

    private static PhoenixApplication NewApp() => NodeSignaturePathTests.NewApp();

    private static void Finalize(PhoenixApplication app, long height, params byte[][] txs)
        => Assert.All(NodeSignaturePathTests.FinalizeOnly(app, height, txs).TxResults, r => Assert.Equal(0u, r.Code));

    [Fact]
    public async Task AddDuringCommit_WaitsForTheRecheck_AndIsAccepted()
    {
        var app = NewApp();
        var pool = new TxMempool(app, new MempoolOptions());
        Assert.Equal(MempoolAdmissionStatus.Accepted, pool.Add(Transfer(0)).Status);
        Assert.Equal(MempoolAdmissionStatus.Accepted, pool.Add(Transfer(1)).Status);
        Finalize(app, 1, Transfer(0)); // sequence 1 stays in the mempool

        using var committed = new ManualResetEventSlim();
        var committer = Task.Factory.StartNew(() =>
        {
            using (pool.LockForCommit())
            {
                app.Commit();
                committed.Set();

                // Widen the window in which an admission would see the committed state without the held sequence 1.
                Thread.Sleep(300);
                pool.Update(1, [(ReadOnlyMemory<byte>)Transfer(0)]);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        committed.Wait(TimeSpan.FromSeconds(30));
        var admission = await Task.Run(() => pool.Add(Transfer(2)));
        await committer;

        Assert.True(admission.Status == MempoolAdmissionStatus.Accepted, $"{admission.Status} {admission.Codespace}/{admission.Code}: {admission.Log}");
        Assert.Equal(2, pool.Count);
    }

    [Fact]
    public async Task LockForCommit_IsReentrantForUpdate_AndReleasedOnDispose()
    {
        var app = NewApp();
        var pool = new TxMempool(app, new MempoolOptions());
        Assert.Equal(MempoolAdmissionStatus.Accepted, pool.Add(Transfer(0)).Status);
        Finalize(app, 1, Transfer(0));
        var scope = pool.LockForCommit();
        app.Commit();
        pool.Update(1, [(ReadOnlyMemory<byte>)Transfer(0)]);
        scope.Dispose();
        scope.Dispose(); // idempotent

        // Another thread can admit once the scope is gone.
        var admission = await Task.Run(() => pool.Add(Transfer(1))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(MempoolAdmissionStatus.Accepted, admission.Status);
        Assert.Equal(1, pool.Count);
    }
}
