namespace Greenlets.Tests;

/// <summary>gevent's pool.map / imap / imap_unordered, wait(objects, timeout, count) / iwait and with_timeout
/// (behaviour checked against gevent 22.10).</summary>
public class GeventHelpersTests
{
    [Fact]
    public void Map_ResultsFinishOutOfOrder_ReturnedInItemOrderWithBoundedConcurrency()
    {
        OnThread.Run(() =>
        {
            var pool = new GreenPool(2);
            int inside = 0;
            int most = 0;
            IReadOnlyList<int> results = pool.Map(Enumerable.Range(0, 6), x =>
            {
                most = Math.Max(most, ++inside);

                // Later items finish first within each pair of running tasks.
                for (int i = 0; i < 6 - x; i++)
                {
                    Hub.Sleep(0);
                }

                inside--;
                return x * 10;
            });
            Assert.Equal([0, 10, 20, 30, 40, 50], results);
            Assert.Equal(2, most);
            Assert.Equal(0, pool.Count);
        });
    }

    [Fact]
    public void Map_OneItemFails_RethrowsThatFailureAndKillsTheRest()
    {
        OnThread.Run(() =>
        {
            var pool = new GreenPool(3);
            var started = new List<int>();
            var e = Assert.Throws<SomeException>(() => pool.Map(Enumerable.Range(0, 10), x =>
            {
                started.Add(x);
                switch (x)
                {
                    case 0:
                        // gevent 22.10: the failure of item 1 is raised at its turn, once item 0 is done.
                        Hub.Sleep(0);
                        Hub.Sleep(0);
                        return x;
                    case 1:
                        throw new SomeException();
                    default:
                        Hub.Sleep(Timeout.InfiniteTimeSpan);
                        return x;
                }
            }));
            Assert.NotNull(e);

            // Killed, not left running: once their links ran, nothing of the map is left in the pool.
            Hub.Sleep(0);
            Assert.Equal(0, pool.Count);
            Assert.True(started.Count < 10, "the items after the failure were never started");
        });
    }

    [Fact]
    public void ImapUnordered_TasksFinishInReverse_YieldsInFinishOrder()
    {
        OnThread.Run(() =>
        {
            var pool = new GreenPool(4);
            GreenEvent[] release = [.. Enumerable.Range(0, 4).Select(_ => new GreenEvent())];
            var order = new List<int>();
            GreenTask releaser = Hub.Spawn(() =>
            {
                for (int i = 3; i >= 0; i--)
                {
                    release[i].Set();
                    Hub.Sleep(0);
                    Hub.Sleep(0);
                }
            });
            foreach (int x in pool.ImapUnordered(Enumerable.Range(0, 4), x =>
            {
                release[x].Wait();
                return x;
            }))
            {
                order.Add(x);
            }

            Assert.Equal([3, 2, 1, 0], order);
            releaser.Join();
        });
    }

    [Fact]
    public void ImapUnordered_Failure_RethrownWhenItsTaskFinishes()
    {
        OnThread.Run(() =>
        {
            var group = new GreenGroup();
            var seen = new List<int>();
            Assert.Throws<SomeException>(() =>
            {
                foreach (int x in group.ImapUnordered(Enumerable.Range(0, 3), x => x == 0 ? throw new SomeException() : x))
                {
                    seen.Add(x);
                }
            });
            Assert.Empty(seen);
        });
    }

    [Fact]
    public void Imap_BreakEarly_KillsFeederAndRunningTasks()
    {
        OnThread.Run(() =>
        {
            var pool = new GreenPool(2);
            int finished = 0;
            foreach (int x in pool.Imap(Enumerable.Range(0, 100), x =>
            {
                if (x > 0)
                {
                    Hub.Sleep(Timeout.InfiniteTimeSpan);
                }

                finished++;
                return x;
            }))
            {
                Assert.Equal(0, x);
                break;
            }

            Assert.Equal(1, finished);
            Hub.Sleep(0);
            Assert.Equal(0, pool.Count);
        });
    }

    [Fact]
    public void Map_SourceThrows_RethrowsTheSourceFailure()
    {
        OnThread.Run(() =>
        {
            static IEnumerable<int> Broken()
            {
                yield return 1;
                throw new SomeException();
            }

            Assert.Throws<SomeException>(() => new GreenGroup().Map(Broken(), x => x));
            Assert.Empty(new GreenPool(1).Map(Array.Empty<int>(), x => x));
            Assert.Throws<ArgumentNullException>(() => new GreenGroup().Map<int, int>(null!, x => x));
            Assert.Throws<ArgumentNullException>(() => new GreenGroup().ImapUnordered<int, int>([1], null!));
        });
    }

    [Fact]
    public void Iwait_Tasks_YieldedInFinishOrderAndFailuresYieldedToo()
    {
        OnThread.Run(() =>
        {
            var gates = Enumerable.Range(0, 3).Select(_ => new GreenEvent()).ToArray();
            GreenTask[] tasks =
            [
                Hub.Spawn(() => gates[0].Wait()),
                Hub.Spawn(() =>
                {
                    gates[1].Wait();
                    throw new SomeException();
                }),
                Hub.Spawn(() => gates[2].Wait()),
            ];
            Hub.Spawn(() =>
            {
                gates[2].Set();
                Hub.Sleep(0);
                gates[1].Set();
                Hub.Sleep(0);
                gates[0].Set();
            });
            List<GreenTask> order = [.. Hub.Iwait(tasks)];
            Assert.Equal([tasks[2], tasks[1], tasks[0]], order);
            Assert.IsType<SomeException>(tasks[1].Exception);

            // Finished already: yielded in the order given (gevent).
            Assert.Equal(tasks, Hub.Iwait(tasks));
        });
    }

    [Fact]
    public void Wait_CountAndTimeout_BehaveAsGevent()
    {
        OnThread.Run(() =>
        {
            GreenTask quick = Hub.Spawn(() => { });
            GreenTask never = Hub.Spawn(() => Hub.Sleep(Timeout.InfiniteTimeSpan));
            Assert.Equal([quick], Hub.Wait([quick, never], count: 1));
            Assert.Equal([quick], Hub.Wait([quick, never], count: 10, timeout: TimeSpan.FromMilliseconds(5)));
            Assert.Equal([quick], Hub.Wait([quick], count: 10));
            Assert.Empty(Hub.Wait([never], timeout: TimeSpan.FromMilliseconds(1)));
            Assert.Empty(Hub.Wait([never], count: 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => Hub.Wait([never], count: -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Hub.Wait([never], timeout: TimeSpan.FromSeconds(-2)));
            never.Kill();
        });
    }

    [Fact]
    public void Iwait_MixedObjects_YieldsEventsResultsAndTasksAsTheyTurnReady()
    {
        OnThread.Run(() =>
        {
            var flag = new GreenEvent();
            var result = new GreenResult<int>();
            var source = new TaskCompletionSource();
            object[] objects = [flag, result, source.Task];
            Hub.Spawn(() =>
            {
                result.Set(1);
                Hub.Sleep(0);
                flag.Set();
                Hub.Sleep(0);
                source.SetResult();
            });
            Assert.Equal([result, flag, source.Task], Hub.Iwait(objects));
            Assert.Throws<ArgumentException>(() => Hub.Iwait(["not waitable"]));
            Assert.Throws<ArgumentNullException>(() => Hub.Iwait(new object[] { null! }));
        });
    }

    [Fact]
    public void Iwait_StopEarly_UnlinksSoLaterFinishesReachNothing()
    {
        OnThread.Run(() =>
        {
            var flag = new GreenEvent();
            GreenTask first = Hub.Spawn(() => { });
            GreenTask second = Hub.Spawn(() => flag.Wait());
            object[] objects = [first, second, flag];
            Assert.Same(first, Hub.Iwait(objects).First());
            flag.Set();
            second.Join();

            // The helper greenlet that waited on the event was killed; only the set's own wake-ups ran.
            Hub.Sleep(0);
            Assert.Contains("waiters=0", flag.DebuggerDisplay, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void WithTimeout_LimitPasses_ReturnsDefaultOrThrows()
    {
        OnThread.Run(() =>
        {
            Assert.Equal("dflt", Hub.WithTimeout(TimeSpan.FromMilliseconds(1), () =>
            {
                Hub.Sleep(Timeout.InfiniteTimeSpan);
                return "done";
            }, "dflt"));
            Assert.Equal("done", Hub.WithTimeout(TimeSpan.FromSeconds(30), () => "done", "dflt"));
            Assert.Throws<GreenTimeoutException>(() => Hub.WithTimeout(TimeSpan.FromMilliseconds(1), () =>
            {
                Hub.Sleep(Timeout.InfiniteTimeSpan);
                return 1;
            }));
            Assert.Throws<ArgumentNullException>(() => Hub.WithTimeout<int>(TimeSpan.Zero, null!, 0));
        });
    }

    [Fact]
    public void WithTimeout_InnerTimeoutEscapes_IsNotTurnedIntoTheDefault()
    {
        OnThread.Run(() =>
        {
            Assert.Throws<GreenTimeoutException>(() => Hub.WithTimeout(TimeSpan.FromSeconds(30), () => new GreenQueue<int>().Get(TimeSpan.FromMilliseconds(1)), -1));
        });
    }

    [Fact]
    public void Iwait_EventOfAnotherThread_ThrowsGreenletErrorAtFirstStep()
    {
        var flag = new GreenEvent();
        OnThread.Run(() => flag.Wait(TimeSpan.Zero));
        OnThread.Run(() =>
        {
            IEnumerable<GreenEvent> waiting = Hub.Iwait([flag]);
            Assert.Throws<GreenletError>(() => waiting.First());
        });
    }

    [Fact]
    public void Imap_GroupOfAnotherThread_ThrowsGreenletErrorAndSpawnsNothing()
    {
        var group = new GreenGroup();
        OnThread.Run(() => group.Join());
        OnThread.Run(() =>
        {
            bool ran = false;
            Assert.Throws<GreenletError>(() => group.Map([1], x => ran = true));
            Hub.Sleep(0);
            Assert.False(ran);
        });
    }
}
