using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A flag greenlets can wait on cooperatively: gevent's <c>Event</c>.</summary>
/// <remarks><see cref="Set"/> schedules one hub callback that resumes every waiter, in the order they started waiting,
/// when the setter next waits; a waiter notified so returns true even if the flag was cleared meanwhile, and a
/// <see cref="Wait(TimeSpan?)"/> on a set flag whose wake-up is still pending resumes after those waiters (gevent's order). <see cref="Set"/> and <see cref="Clear"/> may be called from any thread; waiting happens in
/// a greenlet tree. A setter on another thread does not keep the hub alive: if nothing else can wake the tree, a
/// waiter gets <see cref="HubLoopExitException"/>, so wait with a timeout (or on a <see cref="Task"/> with
/// <see cref="Hub.Wait(Task)"/>) for cross-thread signals.</remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed partial class GreenEvent
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenEvent IsSet={IsSet} waiters={_waiters.Count}";

    private readonly HubBinding _binding = new();
    private readonly Lock _sync = new();
    private readonly WaitList _waiters;
    private volatile bool _isSet;

    /// <summary>Creates a cleared event.</summary>
    public GreenEvent()
    {
        _waiters = new WaitList(() => _isSet, notifyAll: true);
    }

    /// <summary>Gets whether the flag is set.</summary>
    public bool IsSet => _isSet;

    /// <summary>Sets the flag and wakes every waiter.</summary>
    /// <remarks>Callable from any thread: posted into the owning hub, which wakes at once.</remarks>
    public void Set()
    {
        if (_binding.Marshal("GreenEvent.Set", static e => e.Set(), this))
        {
            return;
        }

        lock (_sync)
        {
            _isSet = true;
            _waiters.Notify();
        }
    }

    /// <summary>Clears the flag; later waiters wait again.</summary>
    /// <remarks>Callable from any thread: posted into the owning hub, in order with <see cref="Set"/>.</remarks>
    public void Clear()
    {
        if (_binding.Marshal("GreenEvent.Clear", static e => e.Clear(), this))
        {
            return;
        }

        _isSet = false;
    }

    /// <summary>Waits cooperatively until the flag is set; returns at once if it is.</summary>
    /// <param name="timeout">The longest wait, or null (or <see cref="Timeout.InfiniteTimeSpan"/>) for no limit.</param>
    /// <returns>True when the flag was set; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The event belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever set the flag (thrown into the main greenlet).</exception>
    public bool Wait(TimeSpan? timeout = null) => Wait(timeout, "GreenEvent.Wait", default);

    /// <summary>Waits as <see cref="Wait(TimeSpan?)"/>, named <paramref name="what"/> for diagnostics (a group's or a queue's join).</summary>
    internal bool Wait(TimeSpan? timeout, string what, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenEvent.Wait");
        cancellationToken.ThrowIfCancellationRequested();
        if (_isSet)
        {
            // gevent: set, but the wake-up of the earlier waiters is still pending: they run first.
            _waiters.WaitForNotifier(what);
            return true;
        }

        // True once notified, even if the flag was cleared again before this greenlet ran (gevent).
        return LinkUnlessSet(HubWaiter.Begin(what)) is not { } waiter || _waiters.Block(waiter, timeout, cancellationToken);
    }

    /// <summary>Links <paramref name="waiter"/> unless the flag was set meanwhile (then the wait is abandoned and null
    /// returned): the half of a wait both hubs share, under the lock a setter on another thread takes.</summary>
    private HubWaiter? LinkUnlessSet(HubWaiter waiter)
    {
        lock (_sync)
        {
            if (_isSet)
            {
                waiter.Abandon();
                return null;
            }

            return _waiters.Link(waiter);
        }
    }
}
