using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    internal int TimerCount => _loop.TimerCount;

    /// <summary>Gets the clock of every timer and timeout of this hub (<see cref="TimeProvider.System"/> unless the hub
    /// was made with <see cref="CreateForThisTree"/>).</summary>
    internal TimeProvider Time => _loop.Time;

    /// <summary>Starts a timer whose callback runs in the hub after <paramref name="delay"/>.</summary>
    internal HubTimer StartTimer(TimeSpan delay, Action callback, bool keepsAlive = true) => _loop.StartTimer(delay, callback, keepsAlive);

    /// <summary>Sleeps while nothing is ready: until a post, or until the next timer is due by the hub's clock.</summary>
    /// <remarks>On the system clock the futex wait itself times out (no timer thread is involved). Another clock decides
    /// itself when "later" is: the hub arms one of that clock's timers to set its signal when the next timer is due, so
    /// a manual clock wakes the hub when it is advanced past it, and a virtual clock (the deterministic test scheduler)
    /// may jump straight there when it sees the hub idle.</remarks>
    private void IdleUntilNextTimer()
    {
        if (_loop.NextTimerDelay() is not { } delay)
        {
            _signal.Wait(null);
        }
        else if (delay > TimeSpan.Zero)
        {
            if (ReferenceEquals(Time, TimeProvider.System))
            {
                _signal.Wait(delay);
                return;
            }

            using ITimer wake = Time.CreateTimer(static signal => ((HubSignal)signal!).Set(), _signal, delay, Timeout.InfiniteTimeSpan);
            _signal.Wait(null);
        }
    }

    /// <summary>Runs the callbacks of the timers due now, in due order; false when the hub must end.</summary>
    private bool RunDueTimers()
    {
        long now = _loop.Now();
        while (_loop.TryTakeDueTimer(now, out HubTimer timer))
        {
            if (!Dispatch(HubReadyItem.Call(timer.Callback)))
            {
                return false;
            }
        }

        return true;
    }
}
