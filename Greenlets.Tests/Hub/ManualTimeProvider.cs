namespace Greenlets.Tests;

/// <summary>A clock that moves only when <see cref="Advance"/> is called; its timers fire then, on the caller's thread.</summary>
/// <remarks>A tiny stand-in for Microsoft.Extensions.TimeProvider.Testing's <c>FakeTimeProvider</c> (not a dependency
/// here): one-shot timers only, which is all the hub arms.</remarks>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _sync = new();
    private readonly List<ManualTimer> _timers = [];
    private long _now;

    /// <summary>Gets an event set each time a timer is armed (the hub arms one when it idles until its next timer).</summary>
    public ManualResetEventSlim TimerArmed { get; } = new();

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Gets how long the clock has been advanced.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _now));

    /// <summary>Gets the number of armed timers not yet fired nor disposed.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_sync)
            {
                return _timers.Count;
            }
        }
    }

    public override long GetTimestamp() => Interlocked.Read(ref _now);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        TimerArmed.Set();
        return timer;
    }

    /// <summary>Moves the clock forward and fires, in due order, every timer due by then.</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_sync)
        {
            _now += by.Ticks;
            due = [.. _timers.Where(t => t.Due <= _now).OrderBy(t => t.Due)];
            _timers.RemoveAll(due.Contains);
        }

        foreach (ManualTimer timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public long Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._sync)
            {
                clock._timers.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = clock._now + dueTime.Ticks;
                    clock._timers.Add(this);
                }
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._sync)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
