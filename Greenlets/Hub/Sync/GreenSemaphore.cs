using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A counting semaphore greenlets wait on cooperatively: gevent's <c>Semaphore</c> / <c>BoundedSemaphore</c>.</summary>
/// <remarks>Waiters are woken in FIFO order by one hub callback that a release schedules, each while a permit is free;
/// a release does not hand the permit over, so a greenlet that asks first (the releaser, acquiring again before it
/// waits) takes it, as in gevent. Use it from one tree only.</remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed partial class GreenSemaphore
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenSemaphore CurrentCount={CurrentCount} waiters={_waiters.Count}";

    private readonly HubBinding _binding = new();
    private readonly WaitList _waiters;
    private readonly int? _maxCount;
    private int _count;

    /// <summary>Creates a semaphore.</summary>
    /// <param name="initialCount">The permits available at first.</param>
    /// <param name="maxCount">The most permits there may be (gevent's <c>BoundedSemaphore</c>), or null for no bound.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initialCount"/> is negative, or
    /// <paramref name="maxCount"/> is less than it or than 1.</exception>
    public GreenSemaphore(int initialCount, int? maxCount = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCount);
        if (maxCount is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, Math.Max(1, initialCount), nameof(maxCount));
        }

        _count = initialCount;
        _maxCount = maxCount;
        _waiters = new WaitList(() => _count > 0, notifyAll: false);
    }

    /// <summary>Gets the number of permits available now.</summary>
    public int CurrentCount => _count;

    /// <summary>Takes a permit, waiting cooperatively until one is free.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>True when a permit was taken; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The semaphore belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while no permit is free.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever release a permit.</exception>
    public bool Acquire(TimeSpan? timeout = null) => AcquireCore(timeout, default);

    /// <summary>Takes a permit as <see cref="Acquire(TimeSpan?)"/> does; a cancelled token throws before anything changes.</summary>
    internal bool AcquireCore(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenSemaphore.Acquire");
        cancellationToken.ThrowIfCancellationRequested();
        if (_count > 0)
        {
            _count--;
            return true;
        }

        if (timeout == TimeSpan.Zero || !_waiters.Wait("GreenSemaphore.Acquire", timeout, cancellationToken))
        {
            return false;
        }

        TakeWokenPermit();
        return true;
    }

    /// <summary>Takes the permit a notifier woke this waiter for.</summary>
    private void TakeWokenPermit()
    {
        // The notifier resumed this greenlet while a permit was free, and nothing ran in between (an async hub's
        // notifier continues only after this greenlet ran, see WaitList).
        Debug.Assert(_count > 0, "woken without a permit");
        _count--;
    }

    /// <summary>Returns a permit and schedules the wake-up of the first waiter; the permit is not handed over, so
    /// whoever asks before that waiter runs (the releaser itself) may take it, as in gevent.</summary>
    /// <remarks>Without a maximum count, callable from any thread: posted into the owning hub, which wakes at once.</remarks>
    /// <exception cref="GreenletError">The semaphore is bounded (it could fail) and belongs to another thread's hub.</exception>
    /// <exception cref="SemaphoreFullException">The semaphore is bounded and already holds its maximum count.</exception>
    public void Release()
    {
        if (_maxCount is null && _binding.Marshal("GreenSemaphore.Release", static s => s.Release(), this))
        {
            return;
        }

        _binding.Enter("GreenSemaphore.Release");
        if (_count >= _maxCount)
        {
            throw new SemaphoreFullException("Semaphore released too many times.");
        }

        _count++;
        _waiters.Notify();
    }

    /// <summary>Waits until a permit is free, without taking it: gevent's <c>Semaphore.wait</c>.</summary>
    /// <returns>True when a permit is free; false when the timeout passed first.</returns>
    internal bool WaitAvailable(TimeSpan? timeout, string what)
    {
        if (_count > 0)
        {
            return true;
        }

        return timeout != TimeSpan.Zero && _waiters.Wait(what, timeout) && _count > 0;
    }
}
