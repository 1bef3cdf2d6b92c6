using Phoenix.Node.Blobs;
using Phoenix.Node.Blobs.Internal;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Application;
using Phoenix.Protocol.Modules;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;
using Phoenix.Protocol.Transactions;
using Phoenix.Protocol.Wire.Tx;
using Phoenix.TestKit;

namespace Phoenix.Node.Tests.Blobs;

/// <summary>Pins of unfinished tasks derived from chain state: taken on posting, kept across a restart, released when the task ends.</summary>
public sealed class TaskBlobPinsTests
{
    private const uint Units = 3;
    private readonly Dictionary<Address, ulong> _sequences = [];

    private static readonly byte[] Model = "the model"u8.ToArray();

    private static List<byte[]> Inputs() => [.. Enumerable.Range(0, (int)Units).Select(i => System.Text.Encoding.UTF8.GetBytes($"input {i}"))];

    private static byte[] Manifest() => [.. Inputs().SelectMany(i => Hash32.Sha256(i).ToArray())];

    private static IEnumerable<Hash32> AllIds() => [Hash32.Sha256(Model), Hash32.Sha256(Manifest()), .. Inputs().Select(i => Hash32.Sha256(i))];

    private static async Task<KeyValueBlobStore> StoreWithTaskBlobsAsync(InMemoryKeyValueStore kv)
    {
        var store = new KeyValueBlobStore(kv);
        foreach (var bytes in new[] { Model, Manifest() }.Concat(Inputs()))
        {
            await store.PutAsync(Hash32.Sha256(bytes), bytes);
        }

        return store;
    }

    private byte[] Tx(TestKey signer, Message message)
    {
        var body = new TxBody { ChainId = TestChain.ChainId };
        body.Messages.Add(message);
        var seq = _sequences.GetValueOrDefault(signer.Address);
        _sequences[signer.Address] = seq + 1;
        return TxEncoding.Sign(body, seq, new Amount(1000, Denom.Phnx), signer.Seed);
    }

    private static List<AbciEvent> Events(FinalizeBlockResponse r)
    {
        Assert.All(r.TxResults, t => Assert.True(t.Code == 0, t.Log));
        return [.. r.Events.Concat(r.TxResults.SelectMany(t => t.Events))];
    }

    private List<AbciEvent> PostTask(TestChain chain) => Events(chain.Block(Tx(TestKeys.Alice, new PostTaskMessage(
        "onnx/v1", Hash32.Sha256(Model).ToArray(), Hash32.Sha256(Manifest()).ToArray(), VerificationPolicy.Exact, 0, 0, Units, "1000000", 1,
        TestChain.GenesisTime.Seconds + 86_400, 3_600).ToWire())));

    [Fact]
    public async Task Apply_TaskPosted_PinsModelManifestAndEveryUnitInput()
    {
        var chain = new TestChain(configure: b => b.AddStandardModules());
        using var store = await StoreWithTaskBlobsAsync(new InMemoryKeyValueStore());
        var tracker = new BlobPinTracker(store);
        var pins = new TaskBlobPins(tracker, store);

        pins.Apply(chain.App.CommittedState, PostTask(chain));

        Assert.Equal(new[] { TaskBlobPins.Owner(1) }, tracker.Owners());
        Assert.All(AllIds(), id => Assert.Equal(1, store.PinCount(id)));
    }

    [Fact]
    public async Task Restart_JournalRestoredThenRebuiltFromState_PinsCountedOnce()
    {
        var chain = new TestChain(configure: b => b.AddStandardModules());
        var kv = new InMemoryKeyValueStore();
        var store = await StoreWithTaskBlobsAsync(kv);
        new TaskBlobPins(new BlobPinTracker(store), store).Apply(chain.App.CommittedState, PostTask(chain));

        // A restarted node: the same data, a new store and tracker (journal restored), then the rebuild from state.
        var reopened = new KeyValueBlobStore(kv);
        var tracker = new BlobPinTracker(reopened);
        var (pinned, released) = new TaskBlobPins(tracker, reopened).Rebuild(chain.App.CommittedState);

        Assert.Equal((1, 0), (pinned, released));
        Assert.All(AllIds(), id => Assert.Equal(1, reopened.PinCount(id)));
    }

    [Fact]
    public async Task Rebuild_NoJournal_PinsUnfinishedTaskFromChainState()
    {
        var chain = new TestChain(configure: b => b.AddStandardModules());
        PostTask(chain);
        using var store = await StoreWithTaskBlobsAsync(new InMemoryKeyValueStore());
        var tracker = new BlobPinTracker(store);

        var (pinned, _) = new TaskBlobPins(tracker, store).Rebuild(chain.App.CommittedState);

        Assert.Equal(1, pinned);
        Assert.All(AllIds(), id => Assert.Equal(1, store.PinCount(id)));
    }

    [Fact]
    public async Task Apply_TaskCancelled_ReleasesItsPins_AndRebuildReleasesEndedOwners()
    {
        var chain = new TestChain(configure: b => b.AddStandardModules());
        var kv = new InMemoryKeyValueStore();
        var store = await StoreWithTaskBlobsAsync(kv);
        var tracker = new BlobPinTracker(store);
        var pins = new TaskBlobPins(tracker, store);
        pins.Apply(chain.App.CommittedState, PostTask(chain));
        var cancelled = Events(chain.Block(Tx(TestKeys.Alice, new CancelTaskMessage(1).ToWire())));

        // A node that stopped before it saw the cancellation: its journal still names the task.
        var stale = new KeyValueBlobStore(kv);
        var staleTracker = new BlobPinTracker(stale);
        var (_, released) = new TaskBlobPins(staleTracker, stale).Rebuild(chain.App.CommittedState);

        pins.Apply(chain.App.CommittedState, cancelled);

        Assert.Equal(0u, TaskMarketModule.GetTask(chain.App.CommittedState, 1)!.LiveUnits);
        Assert.Empty(tracker.Owners());
        Assert.All(AllIds(), id => Assert.Equal(0, store.PinCount(id)));
        Assert.Equal(1, released);
        Assert.Empty(staleTracker.Owners());
        Assert.All(AllIds(), id => Assert.Equal(0, stale.PinCount(id)));
    }

    [Fact]
    public async Task Apply_ManifestNotYetHeld_PinsModelAndManifestThenInputsOnceItArrives()
    {
        var chain = new TestChain(configure: b => b.AddStandardModules());
        using var store = new KeyValueBlobStore(new InMemoryKeyValueStore());
        var tracker = new BlobPinTracker(store);
        var pins = new TaskBlobPins(tracker, store);
        var posted = PostTask(chain);

        pins.Apply(chain.App.CommittedState, posted);
        Assert.Equal(2, tracker.PinnedBy(TaskBlobPins.Owner(1)).Count);

        await store.PutAsync(Hash32.Sha256(Manifest()), Manifest());
        pins.Apply(chain.App.CommittedState, posted);

        Assert.Equal(2 + (int)Units, tracker.PinnedBy(TaskBlobPins.Owner(1)).Count);
        Assert.All(AllIds(), id => Assert.Equal(1, store.PinCount(id)));
    }
}
