namespace Greenlets;

public sealed partial class GreenPool
{
    /// <summary>Waits cooperatively from async greenlet code for a free slot (FIFO), then spawns
    /// <paramref name="body"/> as a member <see cref="AsyncGreenTask"/>.</summary>
    /// <param name="body">The body.</param>
    /// <returns>The scheduled task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="GreenletError">The pool belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the pool is full.</exception>
    /// <exception cref="HubLoopExitException">No slot could ever be freed.</exception>
    public ValueTask<AsyncGreenTask> SpawnAsync(Func<ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(body);

        // Its members are async tasks: the pool belongs to the caller's async hub, created if need be.
        _ = AsyncHub.Current;
        Binding.EnterEither("GreenPool.SpawnAsync");
        return SpawnCoreAsync(body);
    }

    /// <summary>Waits cooperatively from async greenlet code until a slot is free, without taking it.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>True when a slot is free; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The pool belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the pool is full.</exception>
    /// <exception cref="HubLoopExitException">No slot could ever be freed.</exception>
    public ValueTask<bool> WaitAvailableAsync(TimeSpan? timeout = null)
    {
        Internal.HubTimeouts.Check(timeout, nameof(timeout));
        Binding.EnterEither("GreenPool.WaitAvailableAsync");
        return _slots.WaitAvailableAsync(timeout, "GreenPool.WaitAvailableAsync");
    }

    internal override bool TryAcquireSlot()
    {
        ValueTask<bool> acquire = _slots.AcquireAsync(TimeSpan.Zero);
        return acquire.IsCompletedSuccessfully ? acquire.Result : acquire.AsTask().GetAwaiter().GetResult();
    }

    private async ValueTask<AsyncGreenTask> SpawnCoreAsync(Func<ValueTask> body)
    {
        await _slots.AcquireAsync();
        var task = new AsyncGreenTask(body);
        Join(task);
        task.Start();
        return task;
    }
}
