using System.Diagnostics;

namespace Greenlets.Internal;

/// <summary>
/// gevent's loop rules, shared by <see cref="Hub"/> (thread greenlets) and <see cref="AsyncHub"/> (async greenlets):
/// the FIFO ready queue and its switch-interval check, the timers in due order on the hub's <see cref="TimeProvider"/>,
/// the thread-safe queue of callbacks posted from other threads, the list of blocked waits, and what the loop does
/// when nothing is ready (sleep until a timer or a post, wake the drains, or exit). Each hub only runs the entries
/// its own way: a thread hub switches into them, an async hub awaits its switches.
/// </summary>
internal sealed partial class HubLoopCore
{
    // gevent runs its callbacks until none is left, checking every 50 whether the switch interval (5 ms) passed so
    // that due timers are not starved forever.
    private const int CallbackCheckCount = 50;

    private readonly Queue<HubReadyItem> _ready = new();
    private readonly List<HubWaiter> _drainWaiters = [];
    private readonly long _switchInterval;
    private long _roundStart;
    private int _roundCount;

    /// <summary>Creates the loop state of <paramref name="owner"/> on <paramref name="time"/>'s clock.</summary>
    /// <param name="owner">The hub.</param>
    /// <param name="time">The clock of every timer.</param>
    /// <param name="wake">Wakes the hub if it sleeps (a post arrived); callable from any thread.</param>
    public HubLoopCore(IWaitHub owner, TimeProvider time, Action wake)
    {
        Owner = owner;
        Time = time;
        _wake = wake;

        // gevent's switch interval, 5 ms, in the clock's ticks.
        _switchInterval = Math.Max(1, time.TimestampFrequency / 200);
    }

    /// <summary>What the loop does when nothing is ready and nothing was posted.</summary>
    public enum IdleAction
    {
        /// <summary>Sleep until the next timer or a post.</summary>
        Sleep,

        /// <summary>Nothing is left to do: wake the drains (<c>WaitAll</c>).</summary>
        WakeDrains,

        /// <summary>Nothing could ever run again: throw the loop exit into the main greenlet.</summary>
        Exit,
    }

    public IWaitHub Owner { get; }

    public TimeProvider Time { get; }

    /// <summary>Gets every wait that shows as blocked, oldest first, for the loop-exit text and the hub's description.</summary>
    public HubWaiter.WaitQueue Blocked { get; } = HubWaiter.WaitQueue.ForHub();

    /// <summary>Gets or sets the number of .NET tasks waited on: each keeps the loop alive.</summary>
    public int PendingTasks { get; set; }

    /// <summary>Gets or sets how to count the greenlets parked on a foreign await (an async hub with the scheduler
    /// seam): each keeps the loop alive, as an awaited task does.</summary>
    public Func<int>? ForeignAwaits { get; set; }

    public int ReadyCount => _ready.Count;

    /// <summary>Gets whether nothing is ready and nothing was posted.</summary>
    public bool IsIdle => _ready.Count == 0 && _external.IsEmpty;

    /// <summary>Adds an entry at the end of the ready queue.</summary>
    public void Enqueue(HubReadyItem item) => _ready.Enqueue(item);

    /// <summary>Starts a round of callbacks (<see cref="TryNextCallback"/>).</summary>
    public void BeginCallbacks()
    {
        _roundStart = Time.GetTimestamp();
        _roundCount = CallbackCheckCount;
    }

    /// <summary>Takes the next ready entry of the round: false when none is left, or when the switch interval passed
    /// (checked every 50 entries) so that the due timers run.</summary>
    public bool TryNextCallback(out HubReadyItem item)
    {
        if (_roundCount == 0)
        {
            _roundCount = CallbackCheckCount;
            if (_ready.Count > 0 && Time.GetTimestamp() - _roundStart >= _switchInterval)
            {
                item = default;
                return false;
            }
        }

        if (!(Choices is null ? _ready.TryDequeue(out item) : Choices.TryTake(_ready, GreenletOfItem, out item)))
        {
            return false;
        }

        _roundCount--;
        return true;
    }

    /// <summary>Takes the head of the ready queue for a greenlet that relays the baton in the hub's place (the thread
    /// hub's <c>TryRelay</c>): only a woken waiter that would be resumed next anyway, within the round's budget (so
    /// greenlets passing the baton among themselves still let the loop check its timers), with no chooser and no post
    /// from another thread pending.</summary>
    public bool TryTakeRelay(out HubWaiter waiter)
    {
        waiter = null!;
        if (Choices is not null || _roundCount <= 1 || !_external.IsEmpty
            || !_ready.TryPeek(out HubReadyItem item) || item.What != HubReadyItem.Kind.Resume
            || item.Target is not HubWaiter { IsResumable: true } next)
        {
            return false;
        }

        _ready.Dequeue();
        _roundCount--;
        waiter = next;
        return true;
    }

    /// <summary>Decides what the loop does when <see cref="IsIdle"/>: gevent's rule, where only keep-alive timers and
    /// awaited tasks count as work that could still wake someone.</summary>
    public IdleAction WhenIdle() =>
        _keepAliveTimers > 0 || PendingTasks > 0 || ForeignAwaits?.Invoke() > 0 ? IdleAction.Sleep
        : _drainWaiters.Count > 0 ? IdleAction.WakeDrains
        : IdleAction.Exit;

    /// <summary>Adds a drain (<c>WaitAll</c>): woken when nothing is left to do.</summary>
    public void AddDrain(HubWaiter waiter) => _drainWaiters.Add(waiter);

    public void RemoveDrain(HubWaiter waiter) => _drainWaiters.Remove(waiter);

    public void WakeDrainWaiters()
    {
        foreach (HubWaiter waiter in _drainWaiters.ToArray())
        {
            waiter.Wake(null);
        }
    }

    /// <summary>Describes every blocked wait, oldest first, as "greenlet in member".</summary>
    public List<string> Waiting()
    {
        List<string> list = [];
        for (HubWaiter? w = Blocked.First; w is not null; w = Blocked.Next(w))
        {
            list.Add($"{w.Party} in {w.What}");
        }

        return list;
    }

    /// <summary>The text of the <see cref="HubLoopExitException"/> thrown when nothing can ever run again: the hub,
    /// the blocked waits and, when the hub has one, a dump of its live greenlets.</summary>
    public string DescribeBlockedForever(string? liveGreenlets)
    {
        var text = new System.Text.StringBuilder("This operation would block forever: nothing is ready, no timer is pending and no task can complete.");
        text.Append("\n\tHub: ").Append(Owner);
        foreach (string waiting in Waiting())
        {
            text.Append("\n\tWaiting: ").Append(waiting);
        }

        if (liveGreenlets is not null)
        {
            text.Append("\n\tLive greenlets of this thread:");
            foreach (string line in liveGreenlets.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text.Append("\n\t\t").Append(line);
            }
        }

        return text.ToString();
    }

    [Conditional("DEBUG")]
    private void AssertTimerInvariants()
    {
        Debug.Assert(Owner.IsOwnTree, "timers are touched only in the hub's tree");
        Debug.Assert(0 <= _keepAliveTimers && _keepAliveTimers <= _liveTimers && _liveTimers <= _timers.Count, "timer counts disagree");
    }
}
