namespace Greenlets.Tests;

public class GreenSemaphoreTests
{
    [Fact]
    public void Acquire_NoPermit_WaitsForRelease()
    {
        OnThread.Run(() =>
        {
            var s = new GreenSemaphore(1);
            Assert.True(s.Acquire());
            Assert.Equal(0, s.CurrentCount);
            bool got = false;
            GreenTask waiter = Hub.Spawn(() => got = s.Acquire());
            Hub.Sleep(0);
            Assert.False(got);
            s.Release();
            waiter.Join();
            Assert.True(got);
            Assert.Equal(0, s.CurrentCount);
        });
    }

    [Fact]
    public void Acquire_Timeout_ReturnsFalse()
    {
        OnThread.Run(() =>
        {
            var s = new GreenSemaphore(0);
            Assert.False(s.Acquire(TimeSpan.FromMilliseconds(5)));
            Assert.False(s.Acquire(TimeSpan.Zero));
        });
    }

    [Fact]
    public void Release_WaitersAndNewcomer_NewcomerTakesPermitThenWaitersServedFifo()
    {
        // gevent 22.10: a release does not hand the permit to the first waiter, it schedules a notifier; a
        // greenlet that acquires before the notifier runs takes the permit (hub-divergences case H), and the
        // waiters are still served in FIFO order by the later releases.
        OnThread.Run(() =>
        {
            var s = new GreenSemaphore(0);
            var order = new List<int>();
            GreenTask[] waiters = [.. Enumerable.Range(0, 3).Select(i => Hub.Spawn(() =>
            {
                s.Acquire();
                order.Add(i);
            }))];
            Hub.Sleep(0);
            s.Release();
            Assert.True(s.Acquire(TimeSpan.Zero));
            s.Release();
            s.Release();
            s.Release();
            Hub.JoinAll(waiters);
            Assert.Equal([0, 1, 2], order);
        });
    }

    [Fact]
    public void Release_Unbounded_RaisesCount()
    {
        OnThread.Run(() =>
        {
            var s = new GreenSemaphore(1);
            s.Release();
            Assert.Equal(2, s.CurrentCount);
        });
    }

    [Fact]
    public void Release_BoundedPastMax_ThrowsSemaphoreFull()
    {
        OnThread.Run(() =>
        {
            var s = new GreenSemaphore(1, maxCount: 1);
            Assert.Throws<SemaphoreFullException>(s.Release);
        });
    }

    [Fact]
    public void Acquire_NothingCanRelease_ThrowsHubLoopExit()
    {
        OnThread.Run(() => Assert.Throws<HubLoopExitException>(() => new GreenSemaphore(0).Acquire()));
    }

    [Fact]
    public void Constructor_BadCounts_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GreenSemaphore(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GreenSemaphore(2, 1));
    }

    [Fact]
    public void Acquire_KilledAfterPermitHandedOver_PermitIsReturned()
    {
        OnThread.Run(() =>
        {
            var s = new GreenSemaphore(0);
            GreenTask waiter = Hub.Spawn(() => s.Acquire());
            Hub.Sleep(0);
            waiter.Kill(block: false); // scheduled before the hand-over resumes the waiter
            s.Release();
            waiter.Join();
            Assert.Equal(1, s.CurrentCount);
        });
    }
}
