using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Phoenix.Sdk.Tests.Resilience;

/// <summary>
/// A fake clock that reports every timer created on it, so a test can advance time exactly when the
/// code under test starts waiting (a back-off delay, a timeout) instead of polling.
/// </summary>
internal sealed class TestClock : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>The due times the clock advanced through, in order.</summary>
    public List<TimeSpan> Advanced { get; } = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ReportingTimer(base.CreateTimer(callback, state, dueTime, period), _created.Writer);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Reports re-arming too (CancellationTokenSource.CancelAfter creates an idle timer, then changes it).</summary>
    private sealed class ReportingTimer(ITimer inner, ChannelWriter<TimeSpan> writer) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            writer.TryWrite(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>
    /// Awaits <paramref name="operation"/>; whenever a timer due within <paramref name="advanceUpTo"/>
    /// is created or re-armed, advances the clock to it. Longer timers (timeouts the test does not want to fire)
    /// are left alone.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, TimeSpan advanceUpTo)
    {
        var task = operation();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!task.IsCompleted)
        {
            var ready = _created.Reader.WaitToReadAsync(guard.Token).AsTask();
            try
            {
                await Task.WhenAny(task, ready);
                if (ready.IsCanceled)
                {
                    throw new TimeoutException("Expected the resilient call to complete or to start a timer within 30 s; it did neither.");
                }
            }
            catch (OperationCanceledException) when (guard.IsCancellationRequested)
            {
                throw new TimeoutException("Expected the resilient call to complete or to start a timer within 30 s; it did neither.");
            }

            while (_created.Reader.TryRead(out var due))
            {
                if (due > TimeSpan.Zero && due != Timeout.InfiniteTimeSpan && due <= advanceUpTo)
                {
                    Advanced.Add(due);
                    Advance(due);
                }
            }
        }

        return await task;
    }
}
