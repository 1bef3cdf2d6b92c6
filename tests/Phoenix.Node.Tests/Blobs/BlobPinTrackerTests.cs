using Phoenix.Node.Blobs;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Tests.Blobs;

public sealed class BlobPinTrackerTests
{
    private static async Task<(InMemoryBlobStore Store, Hash32 A, Hash32 B)> StoreWithTwoBlobsAsync()
    {
        var store = new InMemoryBlobStore(maxTotalBytes: 0);
        var a = BlobGrpcServiceTests.Content(100, 1);
        var b = BlobGrpcServiceTests.Content(100, 2);
        await store.PutAsync(Hash32.Sha256(a), a);
        await store.PutAsync(Hash32.Sha256(b), b);
        return (store, Hash32.Sha256(a), Hash32.Sha256(b));
    }

    [Fact]
    public async Task Apply_PinEvent_GarbageCollectionKeepsPinnedBlobOnly()
    {
        var (store, a, b) = await StoreWithTwoBlobsAsync();
        var tracker = new BlobPinTracker(store);

        Assert.True(tracker.Apply(new AbciEvent(BlobPinTracker.PinEventType, [new("owner", "unit-1"), new("cid", a.ToString())])));
        await store.CollectGarbageAsync();

        Assert.True(await store.ContainsAsync(a));
        Assert.False(await store.ContainsAsync(b));
    }

    [Fact]
    public async Task Apply_UnpinEventAfterPinTwiceBySameOwner_BlobCollectable()
    {
        var (store, a, _) = await StoreWithTwoBlobsAsync();
        var tracker = new BlobPinTracker(store);
        tracker.Pin("unit-1", [a]);
        tracker.Pin("unit-1", [a]);

        Assert.True(tracker.Apply(new AbciEvent(BlobPinTracker.UnpinEventType, [new("owner", "unit-1")])));
        await store.CollectGarbageAsync();

        Assert.False(await store.ContainsAsync(a));
        Assert.Equal(0, tracker.OwnerCount);
    }

    [Fact]
    public async Task Release_OneOfTwoOwners_BlobStaysPinned()
    {
        var (store, a, _) = await StoreWithTwoBlobsAsync();
        var tracker = new BlobPinTracker(store);
        tracker.Pin("unit-1", [a]);
        tracker.Pin("unit-2", [a]);

        Assert.Equal(1, tracker.Release("unit-1"));
        await store.CollectGarbageAsync();

        Assert.True(await store.ContainsAsync(a));
    }

    [Fact]
    public void Apply_MalformedOrForeignEvents_IgnoredAndReportedFalse()
    {
        var tracker = new BlobPinTracker(new InMemoryBlobStore());

        Assert.False(tracker.Apply(new AbciEvent(BlobPinTracker.PinEventType, [new("owner", "u"), new("cid", "zz")])));
        Assert.False(tracker.Apply(new AbciEvent(BlobPinTracker.PinEventType, [new("cid", Hash32.Zero.ToString())])));
        Assert.False(tracker.Apply(new AbciEvent("transfer", [new("owner", "u")])));
        Assert.Equal(0, tracker.OwnerCount);
    }
}
