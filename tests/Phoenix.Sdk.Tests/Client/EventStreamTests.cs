using Phoenix.Protocol.Primitives;
using Phoenix.Sdk.Client;
using Phoenix.Sdk.Tests.Api;
using Phoenix.Sdk.Transactions;
using Phoenix.TestKit;

namespace Phoenix.Sdk.Tests.Client;

public sealed class EventStreamTests
{
    [Fact]
    public void SubscribeEventsAsync_EmptyFilter_ThrowsBeforeEnumeration()
    {
        using var client = TestClients.For(new Uri("http://127.0.0.1:1"));

        Assert.Throws<ArgumentException>(() => client.SubscribeEventsAsync(new ChainEventFilter()));
        Assert.Throws<ArgumentNullException>(() => client.SubscribeEventsAsync(null!));
    }

    [Fact]
    public async Task SubscribeEventsAsync_NodeRestartsMidStream_ResumesFromLastHeightWithoutGapsOrDuplicates()
    {
        await using var node = await TestNode.StartAsync();
        node.AutoProduce = false;
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var start = node.Height;
        node.Events.Arm();
        var events = client.SubscribeEventsAsync(new ChainEventFilter { NewBlocks = true, TransactionResults = true }, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = events.MoveNextAsync().AsTask();
        await node.Events.NextSubscription.WithTimeout("the client's first subscription");

        node.ProduceBlock();
        Assert.True(await first.WithTimeout($"the block event for height {start + 1}"));
        Assert.Equal(start + 1, Assert.IsType<NewBlockEvent>(events.Current).Height);

        // The node goes down; a block with a transfer is committed while the client is disconnected.
        var pending = events.MoveNextAsync().AsTask();
        await node.StopServerAsync();
        var tx = new TransactionBuilder(TestChain.ChainId).Transfer(TestKeys.Bob.Address, Amount.FromTokens(1, Denom.Phnx)).WithFee(client.DefaultFee).Sign(alice, 0);
        Assert.True(node.Mempool.Add(tx.Raw).IsAccepted);
        node.ProduceBlock();
        node.Events.Arm();
        await node.StartServerAsync();
        await node.Events.NextSubscription.WithTimeout("the client to resubscribe after the restart", 60);
        node.ProduceBlock();

        var received = new List<ChainEvent>();
        Assert.True(await pending.WithTimeout($"the backfilled block {start + 2}", 60));
        received.Add(events.Current);
        while (received.Count < 3)
        {
            Assert.True(await events.MoveNextAsync().AsTask().WithTimeout($"event {received.Count + 1} after the restart"));
            received.Add(events.Current);
        }

        Assert.Equal(start + 2, Assert.IsType<NewBlockEvent>(received[0]).Height);
        var result = Assert.IsType<TransactionResultEvent>(received[1]);
        Assert.Equal(tx.Hash, result.TxHash);
        Assert.Equal(start + 2, result.Height);
        Assert.True(result.Result.IsSuccess);
        Assert.Equal(start + 3, Assert.IsType<NewBlockEvent>(received[2]).Height);
        await cts.CancelAsync();
        await events.DisposeAsync();
    }

    [Fact]
    public async Task SubscribeEventsAsync_TransactionFilter_DeliversOnlyThatTransaction()
    {
        await using var node = await TestNode.StartAsync();
        node.AutoProduce = false;
        using var client = TestClients.For(node.Address);
        using var alice = TestClients.Wallet(TestKeys.Alice);
        using var bob = TestClients.Wallet(TestKeys.Bob);
        var watched = new TransactionBuilder(TestChain.ChainId).Transfer(TestKeys.Carol.Address, Amount.FromTokens(1, Denom.Phnx)).WithFee(client.DefaultFee).Sign(bob, 0);
        var other = new TransactionBuilder(TestChain.ChainId).Transfer(TestKeys.Carol.Address, Amount.FromTokens(1, Denom.Phnx)).WithFee(client.DefaultFee).Sign(alice, 0);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        node.Events.Arm();
        var events = client.SubscribeEventsAsync(new ChainEventFilter { TransactionResults = true, TransactionHashes = [watched.Hash] }, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask();
        await node.Events.NextSubscription.WithTimeout("the subscription");

        node.Mempool.Add(other.Raw);
        node.ProduceBlock();
        node.Mempool.Add(watched.Raw);
        node.ProduceBlock();

        Assert.True(await next.WithTimeout("the watched transaction's result"));
        Assert.Equal(watched.Hash, Assert.IsType<TransactionResultEvent>(events.Current).TxHash);
        await cts.CancelAsync();
        await events.DisposeAsync();
    }
}
