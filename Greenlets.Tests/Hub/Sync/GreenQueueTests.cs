namespace Greenlets.Tests;

public class GreenQueueTests
{
    [Fact]
    public void Get_Items_ComeOutInFifoOrder()
    {
        OnThread.Run(() =>
        {
            var q = new GreenQueue<int>();
            q.Put(1);
            q.Put(2);
            q.Put(3);
            Assert.Equal(3, q.Count);
            Assert.Equal([1, 2, 3], new[] { q.Get(), q.Get(), q.Get() });
        });
    }

    [Fact]
    public void Get_Empty_WaitsForPutter()
    {
        OnThread.Run(() =>
        {
            var q = new GreenQueue<string>();
            Hub.Spawn(() => q.Put("x"));
            Assert.Equal("x", q.Get());
        });
    }

    [Fact]
    public void Get_BlockedGetters_ServedFifo()
    {
        OnThread.Run(() =>
        {
            var q = new GreenQueue<int>();
            var got = new List<(int Getter, int Item)>();
            GreenTask[] getters = [.. Enumerable.Range(0, 3).Select(g => Hub.Spawn(() => got.Add((g, q.Get()))))];
            Hub.Sleep(0);
            q.Put(10);
            q.Put(11);
            q.Put(12);
            Hub.JoinAll(getters);
            Assert.Equal([(0, 10), (1, 11), (2, 12)], got);
        });
    }

    [Fact]
    public void Put_Bounded_WaitsWhileFull()
    {
        OnThread.Run(() =>
        {
            var q = new GreenQueue<int>(maxSize: 2);
            var log = new List<string>();
            GreenTask producer = Hub.Spawn(() =>
            {
                for (int i = 0; i < 4; i++)
                {
                    q.Put(i);
                    log.Add($"put{i}");
                }
            });
            Hub.Sleep(0);
            Assert.Equal(["put0", "put1"], log);
            Assert.Equal(2, q.Count);
            Assert.Equal(0, q.Get());
            Hub.Sleep(0);
            Assert.Equal(["put0", "put1", "put2"], log);
            Assert.Equal([1, 2], new[] { q.Get(), q.Get() });
            Assert.Equal(3, q.Get());
            producer.Join();
        });
    }

    [Fact]
    public void Put_Timeout_ThrowsGreenTimeoutException()
    {
        OnThread.Run(() =>
        {
            var q = new GreenQueue<int>(1);
            q.Put(1);
            Assert.Throws<GreenTimeoutException>(() => q.Put(2, TimeSpan.FromMilliseconds(5)));
            Assert.Throws<GreenTimeoutException>(() => q.Put(2, TimeSpan.Zero));
            Assert.False(q.TryPut(2));
            Assert.Equal(1, q.Count);
        });
    }

    [Fact]
    public void Get_Timeout_ThrowsGreenTimeoutException()
    {
        OnThread.Run(() =>
        {
            var q = new GreenQueue<int>();
            Assert.Throws<GreenTimeoutException>(() => q.Get(TimeSpan.FromMilliseconds(5)));
            Assert.Throws<GreenTimeoutException>(() => q.Get(TimeSpan.Zero));
            Assert.False(q.TryGet(out _));
        });
    }

    [Fact]
    public void Get_NothingCanPut_ThrowsHubLoopExit()
    {
        OnThread.Run(() => Assert.Throws<HubLoopExitException>(() => new GreenQueue<int>().Get()));
    }

    [Fact]
    public void Channel_Put_WaitsUntilGetterTakesItem()
    {
        // gevent TestChannel.test_send: a rendezvous with no buffer.
        OnThread.Run(() =>
        {
            var channel = new GreenQueue<string>(maxSize: 0);
            var log = new List<string>();
            GreenTask sender = Hub.Spawn(() =>
            {
                channel.Put("a");
                log.Add("sent a");
                channel.Put("b");
                log.Add("sent b");
            });
            Hub.Sleep(0);
            Assert.Empty(log);
            Assert.Equal(0, channel.Count);
            Assert.Equal("a", channel.Get());
            Hub.Sleep(0);
            Assert.Equal(["sent a"], log);
            Assert.Equal("b", channel.Get());
            sender.Join();
            Assert.Equal(["sent a", "sent b"], log);
        });
    }

    [Fact]
    public void Channel_TryPutWithoutGetter_ReturnsFalse()
    {
        // gevent test_zero_max_size / put_nowait raises Full with no getter.
        OnThread.Run(() =>
        {
            var channel = new GreenQueue<int>(0);
            Assert.False(channel.TryPut(1));
            GreenTask<int> getter = Hub.Spawn(() => channel.Get());
            Hub.Sleep(0);
            Assert.True(channel.TryPut(5));
            Assert.Equal(5, getter.Get());
        });
    }

    [Fact]
    public void Join_WaitsUntilEveryItemDone()
    {
        // gevent TestQueue.test_task_done.
        OnThread.Run(() =>
        {
            var q = new GreenQueue<int>();
            int processed = 0;
            Hub.Spawn(() =>
            {
                while (true)
                {
                    q.Get();
                    Hub.Sleep(0);
                    processed++;
                    q.TaskDone();
                }
            });
            for (int i = 0; i < 5; i++)
            {
                q.Put(i);
            }

            Assert.Equal(5, q.UnfinishedTasks);
            Assert.True(q.Join());
            Assert.Equal(5, processed);
        });
    }

    [Fact]
    public void TaskDone_TooManyTimes_ThrowsInvalidOperation()
    {
        OnThread.Run(() => Assert.Throws<InvalidOperationException>(() => new GreenQueue<int>().TaskDone()));
    }

    [Fact]
    public void Join_Timeout_ReturnsFalse()
    {
        OnThread.Run(() =>
        {
            var q = new GreenQueue<int>();
            q.Put(1);
            Assert.False(q.Join(TimeSpan.FromMilliseconds(5)));
        });
    }

    [Fact]
    public void Get_KilledAfterItemHandedOver_ItemIsNotLost()
    {
        OnThread.Run(() =>
        {
            var q = new GreenQueue<int>();
            GreenTask getter = Hub.Spawn(() => q.Get());
            Hub.Sleep(0);
            getter.Kill(block: false); // the kill is scheduled first, so it lands before the hand-over resumes the getter
            q.Put(9);
            getter.Join();
            Assert.IsType<GreenletExit>(getter.Value);
            Assert.Equal(9, q.Get(TimeSpan.Zero));
        });
    }

    [Fact]
    public void Constructor_NegativeSize_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GreenQueue<int>(-1));
    }

    [Fact]
    public void Get_ChannelGetterFailsAfterTheHandOver_ItemGoesToTheNextGetter()
    {
        // The wait core's give-back: a getter handed an item but hit by an exception before it could return it (here a
        // throwing tracer on the switch into it, TR4) passes the item on instead of losing it.
        OnThread.Run(() =>
        {
            var channel = new GreenQueue<int>(0);
            var boom = new InvalidOperationException("tracer");
            Hub.Current.UnhandledException += (_, _) => { };
            GreenTask<int> first = Hub.Spawn(() => channel.Get());
            GreenTask<int> second = Hub.Spawn(() => channel.Get());
            Hub.Sleep(0);
            bool thrown = false;
            Greenlet.SetTrace((_, _, target) =>
            {
                if (!thrown && target == first)
                {
                    thrown = true;
                    throw boom;
                }
            });
            try
            {
                channel.Put(7);

                // Without the give-back nothing could ever wake the second getter: HubLoopExitException.
                Assert.True(second.Join());
                Assert.True(thrown);
                Assert.Same(boom, first.Exception);
                Assert.Equal(7, second.Get());
                Assert.Equal(1, channel.UnfinishedTasks);
            }
            finally
            {
                Greenlet.SetTrace(null);
            }
        });
    }
}
