using System.Diagnostics;

namespace Greenlets.Internal;

/// <summary>The virtual clock of one test run: it stands still while greenlets run and jumps straight to the next due
/// timer when the hub idles with nothing that real work could wake (Go's <c>testing/synctest</c>).</summary>
/// <remarks>The hub arms one of this clock's timers each time it idles until its next timer (see
/// <c>Hub.IdleUntilNextTimer</c>). With no <see cref="Hub.Wait(Task)"/> pending and no post queued the clock jumps and
/// fires that timer at once, on the hub's thread. Otherwise real time passes: the timer is a real one, and the clock
/// moves by the real time the hub slept (up to the due time), since a task or another thread may wake it first.</remarks>
internal sealed class HubVirtualClock : TimeProvider
{
    // A fixed start, so that GetUtcNow is deterministic too.
    private static readonly DateTimeOffset Start = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private long _now;
    private Func<bool>? _waitsOnRealWork;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Gets how far the clock has moved.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(GetTimestamp());

    public override long GetTimestamp() => Interlocked.Read(ref _now);

    public override DateTimeOffset GetUtcNow() => Start + Elapsed;

    /// <summary>Binds the clock to the hub whose idling it serves, through the one thing it asks: whether something
    /// outside the tree may still wake that hub (any hub kind can answer it, so an async hub can use this clock too).</summary>
    public void Attach(Func<bool> waitsOnRealWork) => _waitsOnRealWork = waitsOnRealWork;

    /// <summary>Arms the one-shot timer of an idle hub (periods are not supported: the hub arms none).</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return Idle.Instance;
        }

        long due = GetTimestamp() + Math.Max(0, dueTime.Ticks);
        if (_waitsOnRealWork is { } waits && !waits())
        {
            AdvanceTo(due);
            callback(state);
            return Idle.Instance;
        }

        return new RealTimeWait(this, callback, state, dueTime, due);
    }

    private void AdvanceTo(long timestamp)
    {
        long now = Interlocked.Read(ref _now);
        while (now < timestamp)
        {
            long seen = Interlocked.CompareExchange(ref _now, timestamp, now);
            if (seen == now)
            {
                return;
            }

            now = seen;
        }
    }

    /// <summary>A timer that fired at once, or never fires.</summary>
    private sealed class Idle : ITimer
    {
        public static readonly Idle Instance = new();

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>An idle hub's timer while real work may wake it: the clock follows real time, up to the due time.</summary>
    private sealed class RealTimeWait : ITimer
    {
        private readonly HubVirtualClock _clock;
        private readonly long _armed;
        private readonly long _due;
        private readonly long _realStart = Stopwatch.GetTimestamp();
        private readonly ITimer _timer;

        public RealTimeWait(HubVirtualClock clock, TimerCallback callback, object? state, TimeSpan dueTime, long due)
        {
            _clock = clock;
            _armed = clock.GetTimestamp();
            _due = due;
            _timer = System.CreateTimer(
                s =>
                {
                    clock.AdvanceTo(due);
                    callback(s);
                },
                state,
                dueTime,
                Timeout.InfiniteTimeSpan);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
            _timer.Dispose();
            _clock.AdvanceTo(Math.Min(_due, _armed + Stopwatch.GetElapsedTime(_realStart).Ticks));
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
