using Phoenix.Protocol.Primitives;

namespace Phoenix.Node.Internal;

/// <summary>A least-recently-added set of hashes with a fixed capacity. Not thread-safe.</summary>
internal sealed class BoundedHashCache(int capacity)
{
    private readonly Dictionary<Hash32, LinkedListNode<Hash32>> _map = new(Math.Min(capacity, 1 << 16));
    private readonly LinkedList<Hash32> _order = new();

    public int Count => _map.Count;

    public int Capacity => capacity;

    public bool Contains(Hash32 hash) => _map.ContainsKey(hash);

    /// <summary>Adds a hash, evicting the oldest when full; returns false when it was already present.</summary>
    public bool Add(Hash32 hash)
    {
        if (capacity == 0 || _map.ContainsKey(hash))
        {
            return false;
        }

        if (_map.Count >= capacity)
        {
            var oldest = _order.First!;
            _order.RemoveFirst();
            _map.Remove(oldest.Value);
        }

        _map[hash] = _order.AddLast(hash);
        return true;
    }

    public void Remove(Hash32 hash)
    {
        if (_map.Remove(hash, out var node))
        {
            _order.Remove(node);
        }
    }
}
