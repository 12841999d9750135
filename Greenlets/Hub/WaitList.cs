namespace Greenlets.Internal;

/// <summary>
/// The greenlets waiting for one primitive to become ready, and the one hub callback that wakes them: gevent's
/// <c>AbstractLinkable</c>, the wait protocol shared by <see cref="GreenEvent"/>, <see cref="GreenResult{T}"/> and
/// <see cref="GreenSemaphore"/> (and through them the lock, the group and the queue's join).
/// </summary>
/// <remarks>
/// <para>gevent's rules, kept here in one place: becoming ready with waiters schedules one notifier callback (not one
/// wake per waiter); the notifier runs in FIFO order with the hub's other callbacks and switches into each waiter in
/// turn, each running until it waits again. A notify-all list (an event) wakes every waiter linked when the notifier
/// starts, even if the primitive was reset meanwhile; otherwise (a semaphore) it wakes them only while the primitive
/// stays ready, so a releaser that re-acquires before the notifier runs keeps the permit and the waiter waits on.</para>
/// <para>A wait that finds the primitive ready while its notifier is pending waits for that notifier
/// (<see cref="WaitForNotifier"/>), behind the waiters it was scheduled for.</para>
/// </remarks>
internal sealed class WaitList
{
    private readonly HubWaiter.WaitQueue _links = new();
    private readonly Func<bool> _isReady;
    private readonly bool _notifyAll;
    private readonly Action _notifier;
    private readonly Action<HubWaiter>? _giveBack;
    private HubWaiter.WaitQueue? _arrived;
    private IWaitHub? _hub;
    private int _notifying;

    /// <summary>Creates the list of a primitive.</summary>
    /// <param name="isReady">Whether the primitive is ready (set, holding a permit).</param>
    /// <param name="notifyAll">Whether the notifier wakes every waiter (an event) or only while the primitive is ready.</param>
    public WaitList(Func<bool> isReady, bool notifyAll)
    {
        _isReady = isReady;
        _notifyAll = notifyAll;
        _notifier = RunNotifier;
        // A waiter killed after the notifier chose it passes its turn on; an event's notifier wakes everyone anyway.
        _giveBack = notifyAll ? null : _ => Notify();
    }

    /// <summary>Gets the number of waiting greenlets.</summary>
    public int Count => _links.Count;

    /// <summary>Gets whether a notifier is scheduled or running.</summary>
    public bool IsNotifying => Volatile.Read(ref _notifying) != 0;

    /// <summary>Schedules the notifier if the primitive is ready, greenlets wait and none is scheduled (gevent's
    /// <c>_check_and_notify</c>); from another thread, through the hub's external queue.</summary>
    public void Notify()
    {
        IWaitHub? hub = _hub;
        if (hub is null || _links.Count == 0 || !_isReady() || Interlocked.Exchange(ref _notifying, 1) != 0)
        {
            return;
        }

        if (hub.IsOwnTree)
        {
            hub.Schedule(_notifier);
        }
        else
        {
            hub.Post(_notifier);
        }
    }

    /// <summary>Links the running greenlet and waits until the notifier switches into it (true) or
    /// <paramref name="timeout"/> passes (false): gevent's <c>_wait_core</c>.</summary>
    /// <param name="what">What the greenlet waits in, for diagnostics.</param>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    public bool Wait(string what, TimeSpan? timeout, CancellationToken cancellationToken = default) => Block(Link(HubWaiter.Begin(what)), timeout, cancellationToken);

    /// <summary>Adds a waiter at the end of the list (the first half of <see cref="Wait"/>, for callers that must link
    /// under a lock); finish with <see cref="Block"/>.</summary>
    public HubWaiter Link(HubWaiter waiter)
    {
        _hub ??= waiter.Hub;
        return waiter.Enqueue(_links);
    }

    /// <summary>Waits for a waiter added with <see cref="Link"/>; it is unlinked whatever ends the wait, and a wake-up it
    /// was killed before taking is passed on to the next waiter.</summary>
    public bool Block(HubWaiter waiter, TimeSpan? timeout, CancellationToken cancellationToken = default) => waiter.Park(timeout, giveBack: _giveBack, cancellationToken: cancellationToken);

    /// <summary>The primitive is ready but its notifier has not run yet: waits for it, behind the waiters it was
    /// scheduled for (gevent's <c>_wait</c> on a ready object). Returns at once when no notifier is pending.</summary>
    public void WaitForNotifier(string what)
    {
        // Only in the list's own tree, and not from the hub itself (a callback cannot wait).
        if (!IsNotifying || _hub is not { } hub || !hub.IsOwnTree || hub.IsRunning)
        {
            return;
        }

        HubWaiter.Begin(what).Enqueue(_arrived ??= new HubWaiter.WaitQueue()).Park();
    }

    private void RunNotifier()
    {
        try
        {
            NotifyList(_links);
            if (_arrived is { Count: > 0 } arrived)
            {
                NotifyList(arrived);

                // Those who arrived while their own wake-ups ran wait for the next notifier.
                while (arrived.RemoveFirst() is { } waiter)
                {
                    _links.AddLast(waiter);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _notifying, 0);
        }

        Notify();
    }

    private void NotifyList(HubWaiter.WaitQueue list)
    {
        // Waiters linked while this runs (a woken greenlet waiting again) wait for the next notifier.
        HubWaiter? final = list.Last;
        while (list.First is { } waiter)
        {
            if (!_notifyAll && !_isReady())
            {
                break;
            }

            list.RemoveFirst();
            waiter.Resume(true);
            if (waiter == final)
            {
                break;
            }
        }
    }
}
