namespace Greenlets.Tests;

/// <summary>
/// The thread rule of hub objects (issue 10 items 7 and 15): fire members work from any thread and wake the hub at
/// once; members that block or report what they found throw <see cref="GreenletError"/> naming themselves, before
/// anything changes.
/// </summary>
public sealed class HubBindingTests
{
    [Fact]
    public void Put_FromFourPoolThreads_EveryItemArrivesExactlyOnce()
    {
        const int PerThread = 2_000;
        OnThread.Run(() =>
        {
            var queue = new GreenQueue<int>();
            Assert.Equal(0, queue.Count);
            var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
            {
                for (int i = 0; i < PerThread; i++)
                {
                    queue.Put((p * PerThread) + i);
                }
            })).ToArray();
            var seen = new HashSet<int>();
            GreenTask consumer = Hub.Spawn(() =>
            {
                for (int i = 0; i < 4 * PerThread; i++)
                {
                    Assert.True(seen.Add(queue.Get()));
                }
            });

            // A foreign thread does not keep the hub alive by itself (as in gevent), so wait on the producers; their
            // posts are what wakes the hub for the consumer, with no timer running.
            Hub.Wait(Task.WhenAll(producers));
            Assert.True(consumer.Join(TestTimeouts.Unexpected));
            Assert.True(consumer.IsSuccessful);
            Assert.Equal(4 * PerThread, seen.Count);
            Assert.Equal(0, queue.Count);
        });
    }

    [Fact]
    public void Set_FromAnotherThreadWhileHubIdle_WakesTheWaiter()
    {
        OnThread.Run(() =>
        {
            var e = new GreenEvent();
            var started = new GreenEvent();
            GreenTask waiter = Hub.Spawn(() =>
            {
                started.Set();
                Assert.True(e.Wait());
            });
            started.Wait();

            // The hub would otherwise wait forever (no timer, no task): a foreign Set must wake it.
            var setter = Task.Run(e.Set);
            Hub.Wait(setter);
            Assert.True(waiter.Join(TestTimeouts.Unexpected));
            Assert.True(waiter.IsSuccessful);
        });
    }

    [Fact]
    public void JoinAndBlockingKill_FromAnotherThread_ThrowGreenletErrorNamingTheMember()
    {
        GreenTask? task = null;
        var hubReady = new ManualResetEventSlim();
        var done = new ManualResetEventSlim();
        var owner = new Thread(() =>
        {
            task = Hub.Spawn(() => Hub.Sleep(Timeout.InfiniteTimeSpan));
            Hub.Sleep(TimeSpan.Zero);
            hubReady.Set();
            done.Wait(TestTimeouts.Unexpected);
            task.Kill();
        });
        owner.Start();
        Assert.True(hubReady.Wait(TestTimeouts.Unexpected));
        try
        {
            var join = Assert.Throws<GreenletError>(() => task!.Join());
            Assert.Contains("GreenTask.Join", join.Message, StringComparison.Ordinal);
            var kill = Assert.Throws<GreenletError>(() => task!.Kill());
            Assert.Contains("GreenTask.Kill", kill.Message, StringComparison.Ordinal);
            var get = Assert.Throws<GreenletError>(() => task!.Get());
            Assert.Contains("GreenTask.Get", get.Message, StringComparison.Ordinal);
            Assert.False(task!.IsReady);
        }
        finally
        {
            done.Set();
            Assert.True(owner.Join(TestTimeouts.Unexpected));
        }

        Assert.True(task!.IsSuccessful);
    }
}
