using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A flag greenlets can wait on cooperatively: gevent's <c>Event</c>.</summary>
/// <remarks><see cref="Set"/> wakes every waiter through the hub: they resume, in the order they started waiting, when
/// the setter next waits. <see cref="Set"/> and <see cref="Clear"/> may be called from any thread; waiting happens in
/// a greenlet tree. A setter on another thread does not keep the hub alive: if nothing else can wake the tree, a
/// waiter gets <see cref="HubLoopExitException"/>, so wait with a timeout (or on a <see cref="Task"/> with
/// <see cref="Hub.Wait(Task)"/>) for cross-thread signals.</remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class GreenEvent
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenEvent IsSet={IsSet} waiters={_waiters.Count}";

    private readonly HubBinding _binding = new();
    private readonly Lock _sync = new();
    private readonly WaitList _waiters = new();
    private volatile bool _isSet;

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

        List<HubWaiter> woken = [];
        lock (_sync)
        {
            _isSet = true;
            while (_waiters.TakeFirst() is { } waiter)
            {
                woken.Add(waiter);
            }
        }

        foreach (HubWaiter waiter in woken)
        {
            waiter.WakeFromAnyThread(true);
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
    public bool Wait(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenEvent.Wait");
        if (_isSet)
        {
            return true;
        }

        Hub hub = Hub.Current;
        var waiter = new HubWaiter(hub, hub.CheckCanBlock(), "GreenEvent.Wait");
        LinkedListNode<HubWaiter> node;
        lock (_sync)
        {
            if (_isSet)
            {
                return true;
            }

            node = _waiters.Add(waiter);
        }

        try
        {
            return hub.Block(waiter, timeout) || _isSet;
        }
        finally
        {
            lock (_sync)
            {
                _waiters.Remove(node);
            }
        }
    }
}
