namespace Greenlets.Internal;

/// <summary>
/// One blocking wait of one greenlet in a hub (gevent's <c>Waiter</c>): woken at most once, always by the hub, which
/// switches into the greenlet with this waiter as the value so that a stray switch is detected. A notifier (a hub
/// callback) resumes it at once with <see cref="Resume"/>; <see cref="Wake"/> queues the resumption behind the
/// callbacks already scheduled.
/// </summary>
internal sealed class HubWaiter
{
    public HubWaiter(Hub hub, Greenlet greenlet, string what)
    {
        Hub = hub;
        Greenlet = greenlet;
        What = what;
        greenlet.Core.WaitReason = what;
    }

    public Hub Hub { get; }

    public Greenlet Greenlet { get; }

    /// <summary>Gets what the greenlet waits for, shown by <see cref="HubLoopExitException"/>.</summary>
    public string What { get; }

    /// <summary>Gets the value given to <see cref="Wake"/>.</summary>
    public object? Value { get; private set; }

    /// <summary>Gets whether <see cref="Wake"/> or <see cref="TimeOut"/> was called.</summary>
    public bool IsWoken { get; private set; }

    /// <summary>Gets whether the wait ended by its timeout.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>Gets or sets whether the wait is over (returned or abandoned by an exception): later wakes do nothing.</summary>
    public bool IsDone
    {
        get;
        set
        {
            field = value;
            if (value && Greenlet.Core.WaitReason == What)
            {
                Greenlet.Core.WaitReason = null;
            }
        }
    }

    // The hub's list of blocked waiters, for HubLoopExitException.
    public HubWaiter? Previous { get; set; }

    public HubWaiter? Next { get; set; }

    public bool IsListed { get; set; }

    /// <summary>Switches into the waiting greenlet now, from the hub, with <paramref name="value"/>: gevent's
    /// <c>waiter.switch</c> called by a notifier. The greenlet runs until it waits again; then this returns.</summary>
    /// <returns>True if this call woke it; false when the wait was already woken or over.</returns>
    /// <remarks>Outside the hub greenlet (which should not happen) the resumption is scheduled instead.</remarks>
    public bool Resume(object? value)
    {
        if (Greenlet.Current != Hub)
        {
            return Wake(value);
        }

        if (!MarkWoken(value))
        {
            return false;
        }

        Hub.SwitchInto(this);
        return true;
    }

    /// <summary>Schedules the greenlet to resume with <paramref name="value"/>, in FIFO order with the hub's other
    /// callbacks (gevent's <c>run_callback(waiter.switch)</c>); true if this call woke it.</summary>
    public bool Wake(object? value)
    {
        if (!MarkWoken(value))
        {
            return false;
        }

        Hub.EnqueueReady(this);
        return true;
    }

    /// <summary>Wakes the waiter from any thread: resumed in a hub callback, through <see cref="Hub.Post"/> when foreign.</summary>
    public void WakeFromAnyThread(object? value)
    {
        if (GreenletCore.OnThisThread?.Tree == Hub.Tree)
        {
            Wake(value);
        }
        else
        {
            Hub.Post(() => Resume(value));
        }
    }

    /// <summary>Ends the wait as timed out, unless it was woken first; called by the timeout's timer, in the hub.</summary>
    public void TimeOut()
    {
        if (IsWoken || IsDone)
        {
            return;
        }

        TimedOut = true;
        Resume(null);
    }

    private bool MarkWoken(object? value)
    {
        if (IsWoken || IsDone)
        {
            return false;
        }

        IsWoken = true;
        Value = value;
        if (Greenlet.Core.WaitReason == What)
        {
            Greenlet.Core.WaitReason = null;
        }

        return true;
    }
}
