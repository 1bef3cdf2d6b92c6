using Phoenix.Node.Api;

namespace Phoenix.Node.Tests.Api;

public sealed class ChainEventHubTests
{
    private static CommittedBlock Block(long height) => new(FakeBlockReader.Make(height), [], []);

    [Fact]
    public async Task Publish_SubscriberKeepsUp_ReceivesBlocksInOrder()
    {
        var hub = new ChainEventHub(capacity: 4);
        using var subscription = hub.Subscribe();

        hub.Publish(Block(1));
        hub.Publish(Block(2));

        Assert.Equal(1, (await subscription.Reader.ReadAsync()).Block.Height);
        Assert.Equal(2, (await subscription.Reader.ReadAsync()).Block.Height);
    }

    [Fact]
    public async Task Publish_SubscriberFallsBehind_DroppedWithLaggingExceptionOthersUnaffected()
    {
        var hub = new ChainEventHub(capacity: 2);
        using var slow = hub.Subscribe();
        using var fast = hub.Subscribe();

        for (var h = 1; h <= 3; h++)
        {
            hub.Publish(Block(h));
            await fast.Reader.ReadAsync();
        }

        Assert.Equal(1, hub.SubscriberCount);
        Assert.Equal(1, (await slow.Reader.ReadAsync()).Block.Height);
        Assert.Equal(2, (await slow.Reader.ReadAsync()).Block.Height);
        await Assert.ThrowsAsync<SubscriberLaggingException>(async () => await slow.Reader.WaitToReadAsync());
    }

    [Fact]
    public void Dispose_Subscription_RemovedFromHub()
    {
        var hub = new ChainEventHub();
        var subscription = hub.Subscribe();

        subscription.Dispose();

        Assert.Equal(0, hub.SubscriberCount);
    }
}
