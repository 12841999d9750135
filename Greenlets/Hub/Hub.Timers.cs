using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    private readonly TimeProvider _time;
    private readonly long _switchInterval;
    private readonly PriorityQueue<HubTimer, (long Due, long Sequence)> _timers = new();
    private long _timerSequence;
    private int _liveTimers;
    private int _keepAliveTimers;

    internal int TimerCount => _liveTimers;

    /// <summary>Gets the clock of every timer and timeout of this hub (<see cref="TimeProvider.System"/> unless the hub
    /// was made with <see cref="CreateForThisTree"/>).</summary>
    internal TimeProvider Time => _time;

    /// <summary>Starts a timer whose callback runs in the hub after <paramref name="delay"/>.</summary>
    internal HubTimer StartTimer(TimeSpan delay, Action callback, bool keepsAlive = true)
    {
        long ticks = delay <= TimeSpan.Zero ? 0 : (long)Math.Min(long.MaxValue / 4, delay.TotalSeconds * _time.TimestampFrequency);
        var timer = new HubTimer(this, _time.GetTimestamp() + ticks, callback, keepsAlive);
        _timers.Enqueue(timer, (timer.Due, _timerSequence++));
        _liveTimers++;
        if (keepsAlive)
        {
            _keepAliveTimers++;
        }

        AssertTimerInvariants();

        return timer;
    }

    internal void CancelTimer(HubTimer timer)
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

    /// <summary>Sleeps while nothing is ready: until a post, or until the next timer is due by the hub's clock.</summary>
    /// <remarks>On the system clock the futex wait itself times out (no timer thread is involved). Another clock decides
    /// itself when "later" is: the hub arms one of that clock's timers to set its signal when the next timer is due, so
    /// a manual clock wakes the hub when it is advanced past it, and a virtual clock (the deterministic test scheduler)
    /// may jump straight there when it sees the hub idle.</remarks>
    private void IdleUntilNextTimer()
    {
        if (NextTimerDelay() is not { } delay)
        {
            _signal.Wait(null);
        }
        else if (delay > TimeSpan.Zero)
        {
            if (ReferenceEquals(_time, TimeProvider.System))
            {
                _signal.Wait(delay);
                return;
            }

            using ITimer wake = _time.CreateTimer(static signal => ((HubSignal)signal!).Set(), _signal, delay, Timeout.InfiniteTimeSpan);
            _signal.Wait(null);
        }
    }

    /// <summary>Runs the callbacks of the timers due now, in due order; false when the hub must end.</summary>
    private bool RunDueTimers()
    {
        if (_timers.Count == 0)
        {
            return true;
        }

        long now = _time.GetTimestamp();
        while (_timers.TryPeek(out HubTimer? timer, out (long, long) priority) && (timer.IsDone || timer.Due <= now))
        {
            _timers.Dequeue();
            if (!timer.IsDone)
            {
                if (_choices is not null)
                {
                    timer = ChooseDueTimer(timer, priority, now);
                }

                CancelTimer(timer);
                if (!Dispatch(HubReadyItem.Call(timer.Callback)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    [System.Diagnostics.Conditional("DEBUG")]
    private void AssertTimerInvariants()
    {
        System.Diagnostics.Debug.Assert(Greenlet.Current.Core.Tree == _tree, "timers are touched only in the hub's tree");
        System.Diagnostics.Debug.Assert(0 <= _keepAliveTimers && _keepAliveTimers <= _liveTimers && _liveTimers <= _timers.Count, "timer counts disagree");
    }

    /// <summary>Returns how long until the next live timer is due (zero if due), or null without one.</summary>
    private TimeSpan? NextTimerDelay()
    {
        while (_timers.TryPeek(out HubTimer? timer, out _))
        {
            if (timer.IsDone)
            {
                _timers.Dequeue();
                continue;
            }

            long remaining = timer.Due - _time.GetTimestamp();
            return remaining <= 0 ? TimeSpan.Zero : _time.GetElapsedTime(0, remaining);
        }

        return null;
    }
}
