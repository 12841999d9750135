namespace Greenlets.Tests;

public class GreenPoolTests
{
    [Fact]
    public void Spawn_Full_WaitsForFreeSlot()
    {
        // gevent probe gv2: the 3rd spawn returns only after one of 2 finished.
        OnThread.Run(() =>
        {
            var pool = new GreenPool(2);
            var log = new List<string>();
            var releaseA = new GreenEvent();
            var releaseB = new GreenEvent();
            pool.Spawn(() => { releaseA.Wait(); log.Add("a done"); });
            pool.Spawn(() => { releaseB.Wait(); log.Add("b done"); });
            Assert.Equal(0, pool.FreeCount);
            Hub.Spawn(() => { log.Add("release a"); releaseA.Set(); });
            pool.Spawn(() => log.Add("c"));
            log.Add("spawned c");
            Assert.Equal(["release a", "a done", "spawned c"], log);
            releaseB.Set();
            pool.Join();
            Assert.Equal(["release a", "a done", "spawned c", "c", "b done"], log);
            Assert.Equal(2, pool.FreeCount);
        });
    }

    [Fact]
    public void Spawn_ManyTasks_NeverMoreThanSizeRunning()
    {
        OnThread.Run(() =>
        {
            var pool = new GreenPool(3);
            int running = 0;
            int peak = 0;
            for (int i = 0; i < 20; i++)
            {
                pool.Spawn(() =>
                {
                    running++;
                    peak = Math.Max(peak, running);
                    Hub.Sleep(0);
                    running--;
                });
            }

            pool.Join();
            Assert.Equal(3, peak);
        });
    }

    [Fact]
    public void Spawn_SizeZero_ThrowsHubLoopExit()
    {
        // gevent TestPool0: a pool of size 0 never has a free slot.
        OnThread.Run(() => Assert.Throws<HubLoopExitException>(() => new GreenPool(0).Spawn(() => { })));
    }

    [Fact]
    public void WaitAvailable_Timeout_ReturnsFalse()
    {
        OnThread.Run(() =>
        {
            var pool = new GreenPool(1);
            pool.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Assert.False(pool.WaitAvailable(TimeSpan.FromMilliseconds(5)));
            pool.Kill();
            Assert.True(pool.WaitAvailable(TimeSpan.Zero));
            Assert.Equal(1, pool.FreeCount);
        });
    }

    [Fact]
    public void Kill_FreesSlots()
    {
        OnThread.Run(() =>
        {
            var pool = new GreenPool(2);
            pool.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            pool.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Hub.Sleep(0);
            pool.Kill();
            Assert.Equal(2, pool.FreeCount);
        });
    }
}
