using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>The hub reads its clock and arms its timers through a <see cref="TimeProvider"/>: on a manual clock, time
/// passes only when the clock is advanced (the hook the deterministic test scheduler's virtual time plugs into).</summary>
public class HubTimeProviderTests
{
    [Fact]
    public void Sleep_OnAManualClock_ReturnsOnlyWhenTheClockPassesTheDueTime()
    {
        var clock = new ManualTimeProvider();
        using var returned = new ManualResetEventSlim();
        TimeSpan? wokeAt = null;
        var sleeper = new Thread(() =>
        {
            Hub.CreateForThisTree(clock);
            Hub.Sleep(TimeSpan.FromHours(1));
            wokeAt = clock.Elapsed;
            returned.Set();
        }) { IsBackground = true, Name = "manual clock hub" };
        sleeper.Start();

        // The hub idles on the clock's own timer, armed for the sleep's due time.
        Assert.True(clock.TimerArmed.Wait(TestTimeouts.Unexpected));
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(1, clock.PendingTimers);
        Assert.False(returned.IsSet);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(returned.Wait(TestTimeouts.Unexpected));
        Assert.True(sleeper.Join(TestTimeouts.Unexpected));
        Assert.Equal(TimeSpan.FromHours(1), wokeAt);
    }

    [Fact]
    public void SpawnLater_OnAManualClock_StartsTheTaskWhenTheClockIsAdvanced()
    {
        var clock = new ManualTimeProvider();
        TimeSpan? ranAt = null;
        var thread = new Thread(() =>
        {
            Hub.CreateForThisTree(clock);
            GreenTask task = Hub.SpawnLater(TimeSpan.FromSeconds(30), () => ranAt = clock.Elapsed);
            task.Join();
        }) { IsBackground = true, Name = "manual clock hub" };
        thread.Start();

        Assert.True(clock.TimerArmed.Wait(TestTimeouts.Unexpected));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(thread.Join(TestTimeouts.Unexpected));
        Assert.Equal(TimeSpan.FromSeconds(30), ranAt);
    }

    [Fact]
    public void CreateForThisTree_HubAlreadyInUse_ThrowsInvalidOperationException() => OnThread.Run(() =>
    {
        _ = Hub.Current;
        Assert.Throws<InvalidOperationException>(() => Hub.CreateForThisTree(new ManualTimeProvider()));
        Assert.Same(TimeProvider.System, Hub.Current.Time);
    });
}
