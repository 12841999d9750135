namespace Greenlets.Tests;

public class GreenEventTests
{
    [Fact]
    public void Set_WakesWaitersAsynchronously()
    {
        // gevent probe gv2: nothing runs at set(); everything runs after the setter waits.
        OnThread.Run(() =>
        {
            var e = new GreenEvent();
            var log = new List<int>();
            for (int i = 0; i < 3; i++)
            {
                int n = i;
                Hub.Spawn(() =>
                {
                    Assert.True(e.Wait());
                    log.Add(n);
                });
            }

            Hub.Sleep(0);
            e.Set();
            Assert.Empty(log);
            Hub.Sleep(0);
            Assert.Equal([0, 1, 2], log);
        });
    }

    [Fact]
    public void Wait_AlreadySet_ReturnsAtOnce()
    {
        OnThread.Run(() =>
        {
            var e = new GreenEvent();
            e.Set();
            bool other = false;
            Hub.Spawn(() => other = true);
            Assert.True(e.Wait());
            Assert.False(other);
            Assert.True(e.IsSet);
        });
    }

    [Fact]
    public void Wait_Timeout_ReturnsFalse()
    {
        OnThread.Run(() => Assert.False(new GreenEvent().Wait(TimeSpan.FromMilliseconds(5))));
    }

    [Fact]
    public void Clear_AfterSet_WaitersAlreadyWokenStillReturnTrue()
    {
        // gevent TestEvent_SetThenClear.
        OnThread.Run(() =>
        {
            var e = new GreenEvent();
            GreenTask<bool>[] waiters = [.. Enumerable.Range(0, 3).Select(_ => Hub.Spawn(() => e.Wait()))];
            Hub.Sleep(1);
            e.Set();
            e.Clear();
            Assert.False(e.IsSet);
            Assert.All(waiters, w => Assert.True(w.Get()));
        });
    }

    [Fact]
    public void Set_FromOtherThread_WakesWaiter()
    {
        OnThread.Run(() =>
        {
            var e = new GreenEvent();
            var thread = new Thread(() => e.Set());
            Hub.Spawn(thread.Start);
            using var guard = new GreenTimeout(TestTimeouts.Unexpected);
            Assert.True(e.Wait(TestTimeouts.Unexpected));
            thread.Join();
        });
    }
}
