namespace Greenlets.Internal;

/// <summary>
/// Wakes an idle <see cref="AsyncHub"/>: the hub awaits <see cref="WaitAsync"/> while nothing is ready, and any thread
/// may <see cref="Set"/> it (a post) or a timer of the hub's clock does (the next timer is due). No thread blocks.
/// </summary>
internal sealed class AsyncHubSignal
{
    private static readonly TimerCallback SetCallback = static state => ((AsyncHubSignal)state!).Set();

    private readonly Lock _sync = new();
    private TaskCompletionSource? _waiter;
    private bool _set;

    /// <summary>Wakes the hub if it waits, or makes its next <see cref="WaitAsync"/> complete at once.</summary>
    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_sync)
        {
            waiter = _waiter;
            _waiter = null;
            _set = waiter is null;
        }

        // Outside the lock, and the continuation never runs inline here: the setter may be any thread.
        waiter?.TrySetResult();
    }

    /// <summary>Waits until <see cref="Set"/> or until <paramref name="timeout"/> passes on <paramref name="time"/>'s
    /// clock (null: no limit); the caller re-checks its queues and clock.</summary>
    public async Task WaitAsync(TimeSpan? timeout, TimeProvider time)
    {
        Task wait;
        lock (_sync)
        {
            if (_set)
            {
                _set = false;
                return;
            }

            _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _waiter.Task;
        }

        using ITimer? timer = timeout is { } t ? time.CreateTimer(SetCallback, this, t, Timeout.InfiniteTimeSpan) : null;
        await wait.ConfigureAwait(false);
    }
}
