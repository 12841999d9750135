namespace Greenlets.Internal;

internal sealed partial class HubLoopCore
{
    private readonly PriorityQueue<HubTimer, (long Due, long Sequence)> _timers = new();
    private long _timerSequence;
    private int _liveTimers;
    private int _keepAliveTimers;

    public int TimerCount => _liveTimers;

    /// <summary>Starts a timer whose callback runs in the hub after <paramref name="delay"/>.</summary>
    public HubTimer StartTimer(TimeSpan delay, Action callback, bool keepsAlive = true)
    {
        long ticks = delay <= TimeSpan.Zero ? 0 : (long)Math.Min(long.MaxValue / 4, delay.TotalSeconds * Time.TimestampFrequency);
        var timer = new HubTimer(this, Time.GetTimestamp() + ticks, callback, keepsAlive);
        _timers.Enqueue(timer, (timer.Due, _timerSequence++));
        _liveTimers++;
        if (keepsAlive)
        {
            _keepAliveTimers++;
        }

        AssertTimerInvariants();

        return timer;
    }

    public void CancelTimer(HubTimer timer)
    {
        if (timer.IsDone)
        {
            return;
        }

        timer.IsDone = true;
        _liveTimers--;
        if (timer.KeepsAlive)
        {
            _keepAliveTimers--;
        }

        AssertTimerInvariants();

        if (_timers.Count > 1024 && _timers.Count > 2 * _liveTimers)
        {
            // Cancelled timers wait in the heap until due; rebuild it when they dominate (long timeouts cancelled early).
            var live = _timers.UnorderedItems.Where(t => !t.Element.IsDone).ToList();
            _timers.Clear();
            _timers.EnqueueRange(live);
        }
    }

    /// <summary>Reads the clock for a pass over the due timers (<see cref="TryTakeDueTimer"/>).</summary>
    public long Now() => Time.GetTimestamp();

    /// <summary>Takes the next live timer due at <paramref name="now"/>, in due order (then start order), and marks it
    /// done; false when none is due.</summary>
    public bool TryTakeDueTimer(long now, out HubTimer timer)
    {
        while (_timers.TryPeek(out HubTimer? next, out (long Due, long Sequence) priority) && (next.IsDone || next.Due <= now))
        {
            _timers.Dequeue();
            if (!next.IsDone)
            {
                if (Choices is not null)
                {
                    next = Choices.PickDue(_timers, next, priority, now, IsTimerDone, KeyOfTimer);
                }

                CancelTimer(next);
                timer = next;
                return true;
            }
        }

        timer = null!;
        return false;
    }

    /// <summary>Returns how long until the next live timer is due (zero if due), or null without one.</summary>
    public TimeSpan? NextTimerDelay()
    {
        while (_timers.TryPeek(out HubTimer? timer, out _))
        {
            if (timer.IsDone)
            {
                _timers.Dequeue();
                continue;
            }

            long remaining = timer.Due - Time.GetTimestamp();
            return remaining <= 0 ? TimeSpan.Zero : Time.GetElapsedTime(0, remaining);
        }

        return null;
    }
}
