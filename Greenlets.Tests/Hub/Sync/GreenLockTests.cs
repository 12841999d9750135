namespace Greenlets.Tests;

public class GreenLockTests
{
    [Fact]
    public void Acquire_Reentrant_SameGreenlet()
    {
        OnThread.Run(() =>
        {
            var l = new GreenLock();
            Assert.True(l.Acquire());
            Assert.True(l.Acquire());
            l.Release();
            Assert.True(l.IsLocked);
            l.Release();
            Assert.False(l.IsLocked);
        });
    }

    [Fact]
    public void Acquire_HeldAcrossWait_OtherGreenletWaitsWithoutDeadlock()
    {
        OnThread.Run(() =>
        {
            var l = new GreenLock();
            var log = new List<string>();
            void Worker(string id)
            {
                l.Acquire();
                try
                {
                    log.Add(id + "+");
                    Hub.Sleep(1);
                    log.Add(id + "-");
                }
                finally
                {
                    l.Release();
                }
            }

            GreenTask a = Hub.Spawn(() => Worker("a"));
            GreenTask b = Hub.Spawn(() => Worker("b"));
            Hub.JoinAll([a, b]);
            Assert.Equal(["a+", "a-", "b+", "b-"], log);
        });
    }

    [Fact]
    public void Release_NotOwner_ThrowsSynchronizationLock()
    {
        OnThread.Run(() =>
        {
            var l = new GreenLock();
            Assert.Throws<SynchronizationLockException>(l.Release);
            Hub.Spawn(() => l.Acquire()).Join();
            Assert.Throws<SynchronizationLockException>(l.Release);
        });
    }

    [Fact]
    public void Acquire_Timeout_ReturnsFalse()
    {
        OnThread.Run(() =>
        {
            var l = new GreenLock();
            Hub.Spawn(() => l.Acquire()).Join();
            Assert.False(l.Acquire(TimeSpan.FromMilliseconds(5)));
            Assert.False(l.Acquire(TimeSpan.Zero));
        });
    }

    [Fact]
    public void Acquire_KilledAfterLockHandedOver_LockPassesOn()
    {
        OnThread.Run(() =>
        {
            var l = new GreenLock();
            l.Acquire();
            GreenTask first = Hub.Spawn(() => l.Acquire());
            GreenTask<bool> second = Hub.Spawn(() => l.Acquire());
            Hub.Sleep(0);
            first.Kill(block: false);
            l.Release();
            Assert.True(second.Get());
            Assert.True(l.IsLocked);
        });
    }
}
