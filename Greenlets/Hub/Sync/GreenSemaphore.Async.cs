using Greenlets.Internal;

namespace Greenlets;

public sealed partial class GreenSemaphore
{
    /// <summary>Takes a permit from async greenlet code, waiting cooperatively until one is free.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>True when a permit was taken; false when the timeout passed first.</returns>
    /// <remarks>The same rules as <see cref="Acquire(TimeSpan?)"/>, on the caller's <see cref="AsyncHub"/>. From thread
    /// greenlet code it waits on the thread's <see cref="Hub"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The semaphore belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while no permit is free.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever release a permit.</exception>
    public ValueTask<bool> AcquireAsync(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenSemaphore.AcquireAsync");
        if (_count > 0)
        {
            _count--;
            return new ValueTask<bool>(true);
        }

        return timeout == TimeSpan.Zero ? new ValueTask<bool>(false) : AcquireSlowAsync(timeout);
    }

    private async ValueTask<bool> AcquireSlowAsync(TimeSpan? timeout)
    {
        if (!await _waiters.WaitAsync("GreenSemaphore.AcquireAsync", timeout))
        {
            return false;
        }

        TakeWokenPermit();
        return true;
    }

    /// <summary>Waits from async greenlet code until a permit is free, without taking it: gevent's <c>Semaphore.wait</c>.</summary>
    /// <returns>True when a permit is free; false when the timeout passed first.</returns>
    internal ValueTask<bool> WaitAvailableAsync(TimeSpan? timeout, string what)
    {
        if (_count > 0)
        {
            return new ValueTask<bool>(true);
        }

        return timeout == TimeSpan.Zero ? new ValueTask<bool>(false) : WaitAvailableSlowAsync(timeout, what);
    }

    private async ValueTask<bool> WaitAvailableSlowAsync(TimeSpan? timeout, string what) => await _waiters.WaitAsync(what, timeout) && _count > 0;
}
