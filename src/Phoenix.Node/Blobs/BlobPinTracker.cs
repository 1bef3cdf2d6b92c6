using Phoenix.Protocol.Abci;
using Phoenix.Protocol.Blobs;
using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Blobs;

/// <summary>
/// Keeps blobs referenced by unfinished units pinned in the node's <see cref="IBlobStore"/> (DESIGN §4,
/// data availability), per owner (for example a unit id): pins are taken once per owner and blob, and
/// released together when the owner ends.
/// </summary>
/// <remarks>
/// <para>Two ways in: call <see cref="Pin"/>/<see cref="Release"/> directly, or feed committed application events to
/// <see cref="Apply(AbciEvent)"/>: an event of type <see cref="PinEventType"/> with attributes <c>owner</c> and
/// <c>cid</c> (hex content id, repeatable) pins; <see cref="UnpinEventType"/> with <c>owner</c> releases.</para>
/// <para>Durability: when the store is also an <see cref="IBlobPinJournal"/> (the node's <see cref="KeyValueBlobStore"/>
/// is), every change of an owner's pins is journalled before the call returns and the tracker restores all owners and
/// their pins when it is created, so pins survive a restart. Over another store pins live in memory and owners pin
/// again after a restart. The node also rebuilds the pins of unfinished tasks from chain state when it starts.
/// Thread-safe.</para>
/// </remarks>
public sealed class BlobPinTracker
{
    /// <summary>The event type that pins blobs for an owner.</summary>
    public const string PinEventType = "blob.pin";

    /// <summary>The event type that releases an owner's pins.</summary>
    public const string UnpinEventType = "blob.unpin";

    private readonly IBlobStore _store;
    private readonly IBlobPinJournal? _journal;
    private readonly Dictionary<string, HashSet<Hash32>> _owners = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Creates a tracker over <paramref name="store"/>, restoring the owners it journals (if it is an <see cref="IBlobPinJournal"/>).</summary>
    /// <param name="store">The store whose blobs are pinned.</param>
    public BlobPinTracker(IBlobStore store)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _journal = store as IBlobPinJournal;
        if (_journal is null)
        {
            return;
        }

        foreach (var (owner, ids) in _journal.LoadPinOwners())
        {
            var held = new HashSet<Hash32>();
            foreach (var id in ids)
            {
                if (held.Add(id))
                {
                    _store.Pin(id);
                }
            }

            _owners[owner] = held;
        }
    }

    /// <summary>Number of owners holding pins.</summary>
    public int OwnerCount
    {
        get
        {
            lock (_lock)
            {
                return _owners.Count;
            }
        }
    }

    /// <summary>Pins blobs for an owner; pinning a blob the owner already pins does nothing.</summary>
    /// <param name="owner">The owner, such as a unit id.</param>
    /// <param name="ids">The blobs.</param>
    public void Pin(string owner, IEnumerable<Hash32> ids)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(ids);
        lock (_lock)
        {
            if (!_owners.TryGetValue(owner, out var held))
            {
                held = [];
                _owners.Add(owner, held);
            }

            var added = false;
            foreach (var id in ids)
            {
                if (held.Add(id))
                {
                    _store.Pin(id);
                    added = true;
                }
            }

            if (added)
            {
                _journal?.SavePinOwner(owner, held);
            }
        }
    }

    /// <summary>The owners holding pins now (a snapshot).</summary>
    /// <returns>The owners, in ordinal order.</returns>
    public IReadOnlyList<string> Owners()
    {
        lock (_lock)
        {
            return [.. _owners.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The blobs an owner pins (a snapshot).</summary>
    /// <param name="owner">The owner.</param>
    /// <returns>The blobs, empty when the owner holds no pins.</returns>
    public IReadOnlyCollection<Hash32> PinnedBy(string owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        lock (_lock)
        {
            return _owners.TryGetValue(owner, out var held) ? [.. held] : [];
        }
    }

    /// <summary>Releases every pin an owner holds.</summary>
    /// <param name="owner">The owner.</param>
    /// <returns>The number of pins released.</returns>
    public int Release(string owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        lock (_lock)
        {
            if (!_owners.Remove(owner, out var held))
            {
                return 0;
            }

            _journal?.SavePinOwner(owner, []);
            foreach (var id in held)
            {
                _store.Unpin(id);
            }

            return held.Count;
        }
    }

    /// <summary>Applies one committed application event; other event types are ignored.</summary>
    /// <param name="e">The event.</param>
    /// <returns>Whether the event was a well-formed pin or unpin event.</returns>
    public bool Apply(AbciEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var owner = e.Attributes.FirstOrDefault(a => a.Key == "owner")?.Value;
        if (string.IsNullOrEmpty(owner))
        {
            return false;
        }

        if (e.Type == PinEventType)
        {
            var ids = new List<Hash32>();
            foreach (var attribute in e.Attributes.Where(a => a.Key == "cid"))
            {
                if (!Hash32.TryParse(attribute.Value, null, out var id))
                {
                    return false;
                }

                ids.Add(id);
            }

            Pin(owner, ids);
            return true;
        }

        if (e.Type == UnpinEventType)
        {
            Release(owner);
            return true;
        }

        return false;
    }
}
