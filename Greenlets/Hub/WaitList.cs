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
/// <para>The same notifier serves both hubs. On an async hub, which cannot switch into a waiter from inside a
/// callback, the notifier stops after each wake-up and continues once that waiter has run (<see cref="IWaitHub.RunNext"/>),
/// so every check between two wake-ups (is a permit still free?) sees what the woken waiter did, as on a thread hub.</para>
/// </remarks>
internal sealed class WaitList
{
    private readonly HubWaiter.WaitQueue _links = new();
    private readonly Func<bool> _isReady;
    private readonly bool _notifyAll;
    private readonly Action _notifier;
    private readonly Action<HubWaiter>? _giveBack;
    private readonly Action _continue;
    private HubWaiter.WaitQueue? _arrived;
    private IWaitHub? _hub;
    private int _notifying;

    // Where a running notifier is: which list it wakes (0 the linked waiters, 1 those who arrived while it was pending,
    // 2 done) and the last waiter of that list it was scheduled for.
    private int _phase;
    private HubWaiter? _final;
    private bool _reachedFinal;

    /// <summary>Creates the list of a primitive.</summary>
    /// <param name="isReady">Whether the primitive is ready (set, holding a permit).</param>
    /// <param name="notifyAll">Whether the notifier wakes every waiter (an event) or only while the primitive is ready.</param>
    public WaitList(Func<bool> isReady, bool notifyAll)
    {
        _isReady = isReady;
        _notifyAll = notifyAll;
        _notifier = RunNotifier;
        _continue = ContinueNotifier;
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

    /// <summary>The awaited form of <see cref="Wait"/>, in the hub of the calling code (see <see cref="HubWaiter.BeginEither"/>).</summary>
    public ValueTask<bool> WaitAsync(string what, TimeSpan? timeout, CancellationToken cancellationToken = default) => BlockAsync(Link(HubWaiter.BeginEither(what)), timeout, cancellationToken);

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

    /// <summary>The awaited form of <see cref="Block"/>.</summary>
    public ValueTask<bool> BlockAsync(HubWaiter waiter, TimeSpan? timeout, CancellationToken cancellationToken = default) =>
        waiter.ParkForAsync(timeout, giveBack: _giveBack, cancellationToken: cancellationToken);

    /// <summary>The primitive is ready but its notifier has not run yet: waits for it, behind the waiters it was
    /// scheduled for (gevent's <c>_wait</c> on a ready object). Returns at once when no notifier is pending.</summary>
    public void WaitForNotifier(string what)
    {
        if (ArrivalWhileNotifying(what) is { } waiter)
        {
            waiter.Park();
        }
    }

    /// <summary>The awaited form of <see cref="WaitForNotifier"/>.</summary>
    public ValueTask WaitForNotifierAsync(string what) =>
        ArrivalWhileNotifying(what) is { } waiter ? waiter.ParkAsync() : default;

    private HubWaiter? ArrivalWhileNotifying(string what)
    {
        // Only in the list's own tree, and not from the hub itself (a callback cannot wait).
        if (!IsNotifying || _hub is not { } hub || !hub.IsOwnTree || hub.IsRunning)
        {
            return null;
        }

        return HubWaiter.Begin(hub, what).Enqueue(_arrived ??= new HubWaiter.WaitQueue());
    }

    private void RunNotifier()
    {
        _phase = 0;
        _final = _links.Last;
        ContinueNotifier();
    }

    /// <summary>Wakes the waiters the notifier was scheduled for, one after the other; on a hub that does not resume
    /// inline, returns after each wake-up and continues (from <see cref="IWaitHub.RunNext"/>) once the waiter ran.</summary>
    private void ContinueNotifier()
    {
        bool yielded = false;
        try
        {
            while (_phase < 2)
            {
                if (WakeNext() && !_hub!.ResumesInline)
                {
                    yielded = true;
                    _hub.RunNext(_continue);
                    return;
                }
            }
        }
        finally
        {
            if (!yielded)
            {
                _final = null;
                _reachedFinal = false;
                Volatile.Write(ref _notifying, 0);
            }
        }

        Notify();
    }

    /// <summary>One step of the notifier: wakes the next waiter of the current list (true), or moves on to the next list.</summary>
    private bool WakeNext()
    {
        // The last waiter of the list has run: those it brought (arrivals) are looked at only now.
        if (_reachedFinal)
        {
            _reachedFinal = false;
            EndList();
            return false;
        }

        HubWaiter.WaitQueue list = _phase == 0 ? _links : _arrived!;

        // Waiters linked while this runs (a woken greenlet waiting again) wait for the next notifier.
        if (list.First is { } waiter && (_notifyAll || _isReady()))
        {
            list.RemoveFirst();
            _reachedFinal = waiter == _final;
            return waiter.Resume(true);
        }

        EndList();
        return false;
    }

    private void EndList()
    {
        if (_phase == 0 && _arrived is { Count: > 0 } arrived)
        {
            _phase = 1;
            _final = arrived.Last;
            return;
        }

        if (_phase == 1)
        {
            // Those who arrived while their own wake-ups ran wait for the next notifier.
            while (_arrived!.RemoveFirst() is { } waiter)
            {
                _links.AddLast(waiter);
            }
        }

        _phase = 2;
    }
}
