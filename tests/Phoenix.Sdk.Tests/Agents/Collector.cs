using Phoenix.Sdk.Tests.Api;

namespace Phoenix.Sdk.Tests.Agents;

/// <summary>Collects items from a background stream and lets a test await a condition over them (no polling, no sleeps).</summary>
internal sealed class Collector<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _items = [];
    private readonly List<(Func<IReadOnlyList<T>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public void Add(T item)
    {
        lock (_gate)
        {
            _items.Add(item);
            foreach (var w in _waiters.Where(w => w.Condition(_items)).ToList())
            {
                w.Done.TrySetResult();
                _waiters.Remove(w);
            }
        }
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (_gate)
        {
            return [.. _items];
        }
    }

    public Task WaitAsync(Func<IReadOnlyList<T>, bool> condition, string what)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_items))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, done));
        }

        return done.Task.WithTimeout(what);
    }
}
