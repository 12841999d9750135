namespace Greenlets.Internal;

/// <summary>
/// One blocking wait of one greenlet in a hub (gevent's <c>Waiter</c>): woken at most once, always through the hub,
/// which switches into the greenlet with this waiter as the value so that a stray switch is detected.
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

    /// <summary>Gets or sets an item carried with the waiter (a queue putter's item).</summary>
    public object? Item { get; set; }

    // The hub's list of blocked waiters, for HubLoopExitException.
    public HubWaiter? Previous { get; set; }

    public HubWaiter? Next { get; set; }

    public bool IsListed { get; set; }

    /// <summary>Schedules the greenlet to resume with <paramref name="value"/>; true if this call woke it.</summary>
    public bool Wake(object? value)
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

        Hub.EnqueueReady(this);
        return true;
    }

    /// <summary>Wakes the waiter from any thread: directly on its own tree, else through <see cref="Hub.Post"/>.</summary>
    public void WakeFromAnyThread(object? value)
    {
        if (GreenletCore.OnThisThread?.Tree == Hub.Tree)
        {
            Wake(value);
        }
        else
        {
            Hub.Post(() => Wake(value));
        }
    }

    /// <summary>Ends the wait as timed out, unless it was woken first.</summary>
    public void TimeOut()
    {
        if (Wake(null))
        {
            TimedOut = true;
        }
    }
}
