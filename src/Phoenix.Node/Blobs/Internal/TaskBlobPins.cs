using System.Globalization;
using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Modules.Tasks;
using Phoenix.Protocol.Primitives;
using Phoenix.Protocol.State;

namespace Phoenix.Node.Blobs.Internal;

/// <summary>
/// Pins the blobs of unfinished tasks (DESIGN §4, data availability) from chain state: a task's model, its input
/// manifest and, once the manifest is in the node's store, every unit's input, owned by <c>task/{id}</c> and released
/// when the task has no live unit left (all finalized or refunded, so every challenge window and dispute has ended).
/// </summary>
/// <remarks>
/// <see cref="Rebuild"/> runs when the node starts (before consensus), <see cref="Apply"/> after every committed block
/// for the tasks its events name. Called from one thread at a time (start-up, then the consensus loop); state readers
/// must be the committed state.
/// </remarks>
internal sealed class TaskBlobPins(BlobPinTracker tracker, IBlobStore store)
{
    public const string OwnerPrefix = "task/";

    public static string Owner(ulong taskId) => OwnerPrefix + taskId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Pins every unfinished task and releases task owners whose task has ended.</summary>
    /// <returns>The number of unfinished tasks pinned and of ended owners released.</returns>
    public (int Pinned, int Released) Rebuild(IStateReader state)
    {
        int pinned = 0, released = 0;
        for (ulong id = 1; TaskMarketModule.GetTask(state, id) is { } task; id++)
        {
            switch (Reconcile(id, task))
            {
                case Outcome.Pinned:
                    pinned++;
                    break;
                case Outcome.Released:
                    released++;
                    break;
            }
        }

        foreach (var owner in tracker.Owners())
        {
            if (owner.StartsWith(OwnerPrefix, StringComparison.Ordinal)
                && (!ulong.TryParse(owner.AsSpan(OwnerPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    || TaskMarketModule.GetTask(state, id) is not { LiveUnits: > 0 }))
            {
                tracker.Release(owner);
                released++;
            }
        }

        return (pinned, released);
    }

    /// <summary>Re-checks the tasks named (attribute <c>task_id</c>) by a block's events.</summary>
    public void Apply(IStateReader state, IEnumerable<AbciEvent> events)
    {
        var seen = new HashSet<ulong>();
        foreach (var e in events)
        {
            foreach (var attribute in e.Attributes)
            {
                if (attribute.Key == "task_id"
                    && ulong.TryParse(attribute.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    && seen.Add(id))
                {
                    Reconcile(id, TaskMarketModule.GetTask(state, id));
                }
            }
        }
    }

    private Outcome Reconcile(ulong id, Phoenix.Protocol.Wire.State.TaskRecord? task)
    {
        var owner = Owner(id);
        if (task is not { LiveUnits: > 0 })
        {
            return tracker.Release(owner) > 0 ? Outcome.Released : Outcome.None;
        }

        if (task.ModelCid.Length != Hash32.Length || task.InputsCid.Length != Hash32.Length)
        {
            return Outcome.None;
        }

        var model = new Hash32(task.ModelCid.Span);
        var manifest = new Hash32(task.InputsCid.Span);
        var ids = new List<Hash32> { model, manifest };
        var held = tracker.PinnedBy(owner);
        if (held.Count <= 2 && ManifestInputs(manifest, task.Units) is { } inputs)
        {
            ids.AddRange(inputs);
        }

        tracker.Pin(owner, ids);
        return Outcome.Pinned;
    }

    // The manifest lists the units' input ids, 32 bytes each, in unit order (see the SDK's TaskInfo.InputsId).
    private List<Hash32>? ManifestInputs(Hash32 manifest, uint units)
    {
        ReadOnlyMemory<byte>? bytes;
        try
        {
            var read = store.TryGetAsync(manifest);
            bytes = read.IsCompleted ? read.Result : read.AsTask().GetAwaiter().GetResult();
        }
        catch (BlobIntegrityException)
        {
            return null; // damaged and removed by the store; pinned again once it is stored again
        }

        if (bytes is not { } content || content.Length != (long)units * Hash32.Length)
        {
            return null;
        }

        var inputs = new List<Hash32>((int)units);
        for (var i = 0; i < content.Length; i += Hash32.Length)
        {
            inputs.Add(new Hash32(content.Span.Slice(i, Hash32.Length)));
        }

        return inputs;
    }

    private enum Outcome
    {
        None,
        Pinned,
        Released,
    }
}
