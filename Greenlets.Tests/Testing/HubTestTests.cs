using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>HubTest.Run: virtual time, the strategies, recorded schedules and their replay, failures and misuse.</summary>
public sealed class HubTestTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void Run_GreenletsSleepAnHour_VirtualElapsedIsExactlyOneHour()
    {
        HubTestRun run = OnThread.Run(() => HubTest.Run(() =>
        {
            GreenTask[] sleepers = [.. Enumerable.Range(0, 10).Select(_ => Hub.Spawn(() => Hub.Sleep(Hour)))];
            Hub.JoinAll(sleepers);
        }));

        Assert.Equal(Hour, run.VirtualElapsed);
    }

    [Fact]
    public void Run_SleepsInSequence_ClockAddsThemUp()
    {
        var wokeAt = new List<TimeSpan>();
        HubTestRun run = OnThread.Run(() => HubTest.Run(() =>
        {
            for (int i = 1; i <= 3; i++)
            {
                Hub.Sleep(TimeSpan.FromMinutes(i));
                wokeAt.Add(Hub.Current.Time.GetUtcNow() - new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
            }
        }));

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(6)], wokeAt);
        Assert.Equal(TimeSpan.FromMinutes(6), run.VirtualElapsed);
    }

    [Fact]
    public void Run_TimeoutsOnVirtualTime_FireAtTheirVirtualDueTime()
    {
        var seen = new List<string>();
        HubTestRun run = OnThread.Run(() => HubTest.Run(() =>
        {
            TimeProvider clock = Hub.Current.Time;
            long start = clock.GetTimestamp();
            string At() => $"{clock.GetElapsedTime(start).TotalSeconds}s";

            using (var timeout = new GreenTimeout(TimeSpan.FromSeconds(10)))
            {
                var e = Assert.Throws<GreenTimeoutException>(() => Hub.Sleep(Hour));
                Assert.Same(timeout, e.Timeout);
                seen.Add("timeout " + At());
            }

            GreenTask sleeper = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromMinutes(1)));
            seen.Add($"join {sleeper.Join(TimeSpan.FromSeconds(20))} {At()}");
            var queue = new GreenQueue<int>();
            Assert.Throws<GreenTimeoutException>(() => queue.Get(TimeSpan.FromSeconds(5)));
            seen.Add("queue " + At());
            seen.Add($"join {sleeper.Join()} {At()}");
        }));

        Assert.Equal(["timeout 10s", "join False 30s", "queue 35s", "join True 70s"], seen);
        Assert.Equal(TimeSpan.FromSeconds(70), run.VirtualElapsed);
    }

    [Fact]
    public void Run_WaitOnARealTask_ClockDoesNotJumpPastIt()
    {
        // With nothing real pending the clock would jump straight to the hour's timeout; a real wait lets real time
        // pass instead, so the task (a millisecond of real time) completes first.
        HubTestRun run = OnThread.Run(() => HubTest.Run(() =>
        {
            using var timeout = new GreenTimeout(Hour);
            Hub.Wait(Task.Delay(1));
        }));

        Assert.True(run.VirtualElapsed < Hour);
    }

    [Fact]
    public void Run_VirtualTimeOff_UsesTheSystemClock()
    {
        HubTestRun run = OnThread.Run(() => HubTest.Run(
            () => Assert.Same(TimeProvider.System, Hub.Current.Time),
            new HubTestOptions { VirtualTime = false }));

        Assert.True(run.VirtualElapsed > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(HubSchedule.Random)]
    [InlineData(HubSchedule.Pct)]
    public void Run_SameSeedHundredTimes_IdenticalEventsAndSchedule(HubSchedule strategy)
    {
        var options = new HubTestOptions { Schedule = strategy, Seed = 42 };
        HubTestRun[] runs = OnThread.Run(() => Enumerable.Range(0, 100).Select(_ => HubTest.Run(() => TestBodies.Mixed(_ => { }), options)).ToArray());

        Assert.All(runs, r => HubTestAssert.SameRun(runs[0], r));
        Assert.Contains(runs[0].Schedule, c => c != '0');

        HubTestRun replayed = OnThread.Run(() => HubTest.Run(() => TestBodies.Mixed(_ => { }), new HubTestOptions { Replay = runs[0].Schedule }));
        HubTestAssert.SameRun(runs[0], replayed);
    }

    [Fact]
    public void Run_DifferentSeeds_FindDifferentSchedules()
    {
        string[] schedules = OnThread.Run(() => Enumerable.Range(0, 20)
            .Select(seed => HubTest.Run(() => TestBodies.Mixed(_ => { }), new HubTestOptions { Schedule = HubSchedule.Random, Seed = seed }).Schedule)
            .ToArray());

        Assert.True(schedules.Distinct().Count() > 1);
    }

    [Fact]
    public void Run_Fifo_EqualsAPlainHubsOrder()
    {
        var plainLog = new List<string>();
        IReadOnlyList<string> plainEvents = OnThread.Run(() =>
        {
            _ = Hub.Current;
            using var recorder = new SwitchRecorder();
            TestBodies.Mixed(plainLog.Add);
            Hub.WaitAll();
            return recorder.Events;
        });

        var testLog = new List<string>();
        HubTestRun run = OnThread.Run(() => HubTest.Run(() => TestBodies.Mixed(testLog.Add)));

        Assert.Equal(plainLog, testLog);
        Assert.Equal(plainEvents, run.Events);
        Assert.All(HubScheduleText.Parse(run.Schedule), c => Assert.Equal(0, c));
    }

    [Fact]
    public void Run_DefaultNames_NumberedPerRunInSpawnOrder()
    {
        static void Body() => Hub.JoinAll([Hub.Spawn(() => Hub.Sleep(TimeSpan.Zero)), Hub.Spawn(() => { })]);

        HubTestRun first = OnThread.Run(() => HubTest.Run(Body));
        HubTestRun second = OnThread.Run(() => HubTest.Run(Body));

        Assert.Equal(first.Events, second.Events);
        Assert.Equal(["main -> hub", "hub -> greenlet-1", "greenlet-1 -> hub", "hub -> greenlet-2"], first.Events.Take(4));
    }

    [Fact]
    public void Run_Random_ChoosesAGreenletThatJustYielded()
    {
        // One greenlet yields in a loop beside another: FIFO alternates them, but under Random the yielder is a
        // candidate at once, so some seed runs it twice in a row.
        static string Body()
        {
            var log = new List<char>();
            Hub.JoinAll([
                Hub.Spawn(() =>
                {
                    for (int i = 0; i < 4; i++)
                    {
                        log.Add('a');
                        Hub.Sleep(TimeSpan.Zero);
                    }
                }),
                Hub.Spawn(() =>
                {
                    for (int i = 0; i < 4; i++)
                    {
                        log.Add('b');
                        Hub.Sleep(TimeSpan.Zero);
                    }
                })]);
            return new string([.. log]);
        }

        string fifo = "";
        OnThread.Run(() => HubTest.Run(() => fifo = Body()));
        var orders = new HashSet<string>();
        OnThread.Run(() =>
        {
            for (int seed = 0; seed < 20; seed++)
            {
                HubTest.Run(() => orders.Add(Body()), new HubTestOptions { Schedule = HubSchedule.Random, Seed = seed });
            }
        });

        Assert.Equal("abababab", fifo);
        Assert.Contains(orders, o => o.Contains("aa", StringComparison.Ordinal) || o.Contains("bb", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_BodyFails_ThrowsHubScheduleExceptionWithTheFailureAndHowToReplay()
    {
        var e = Assert.Throws<HubScheduleException>(() => OnThread.Run(() => HubTest.Run(
            FailAfterAYield,
            new HubTestOptions { Schedule = HubSchedule.Random, Seed = 7 })));

        HubTestAssert.BodyFailure<SomeException>(e, nameof(FailAfterAYield), 7, $"new HubTestOptions {{ Replay = \"{e.Schedule}\" }}");

        var again = Assert.Throws<HubScheduleException>(() => OnThread.Run(() => HubTest.Run(FailAfterAYield, new HubTestOptions { Replay = e.Schedule })));
        HubTestAssert.SameFailure(e, again);
    }

    [Fact]
    public void Run_Deadlock_ReportsTheLoopExitWithTheSchedule()
    {
        var e = Assert.Throws<HubScheduleException>(() => OnThread.Run(() => HubTest.Run(() =>
        {
            var never = new GreenEvent();
            Hub.Spawn(() => never.Wait());
            never.Wait();
        })));

        var exit = Assert.IsType<HubLoopExitException>(e.InnerException);
        Assert.Equal(2, exit.Waiting.Count);
    }

    [Fact]
    public void Run_UnobservedTaskFailure_FailsTheRun()
    {
        var e = Assert.Throws<HubScheduleException>(() => OnThread.Run(() => HubTest.Run(() =>
        {
            Hub.Spawn(() => throw new SomeException("nobody joins me"));
        })));

        Assert.IsType<SomeException>(e.InnerException);
    }

    [Fact]
    public void Run_TasksLeftBlocked_AreKilledAndTheirFinallyBlocksRun()
    {
        bool cleanedUp = false;
        OnThread.Run(() => HubTest.Run(() =>
        {
            Hub.Spawn(() =>
            {
                try
                {
                    new GreenEvent().Wait();
                }
                finally
                {
                    cleanedUp = true;
                }
            });
        }));

        Assert.True(cleanedUp);
    }

    [Fact]
    public void Run_CallersThread_KeepsNoHub() => OnThread.Run(() =>
    {
        HubTest.Run(() => Hub.Sleep(Hour));

        // CreateForThisTree refuses a tree that already has a live hub.
        Assert.Same(TimeProvider.System, Hub.CreateForThisTree(TimeProvider.System).Time);
    });

    [Fact]
    public void Run_TimersDueAtOnce_EveryOrderIsReachable() =>
        // 3! start orders times 3! wake orders of the timers due at the same instant, which give the 3! wake orders.
        HubTestAssert.ExploresAll(TestBodies.TimersDueAtOnce, schedules: 36, outcomes: 6);

    [Fact]
    public void Run_ReplayOfAnotherBody_ThrowsInvalidOperationException()
    {
        var e = Assert.Throws<InvalidOperationException>(() => OnThread.Run(() => HubTest.Run(
            () => Hub.JoinAll([Hub.Spawn(() => { }), Hub.Spawn(() => { })]),
            new HubTestOptions { Replay = "5" })));

        Assert.Contains("does not fit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NullBody_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => HubTest.Run(null!));

    [Theory]
    [InlineData("0!")]
    [InlineData("(12")]
    [InlineData("0{0}")]
    [InlineData("0{-1}")]
    public void Run_ReplayNotASchedule_ThrowsArgumentException(string replay) =>
        Assert.Throws<ArgumentException>(() => HubTest.Run(() => Assert.Fail("must not run"), new HubTestOptions { Replay = replay }));

    [Fact]
    public void Run_UnknownStrategy_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => HubTest.Run(() => Assert.Fail("must not run"), new HubTestOptions { Schedule = (HubSchedule)9 }));

    [Theory]
    [InlineData(HubSchedule.Random)]
    [InlineData(HubSchedule.Pct)]
    public void Run_ManySchedules_PrimitivesKeepTheirRules(HubSchedule strategy) => OnThread.Run(() =>
    {
        // Reordering greenlets must never break a primitive: every item arrives once and in order, the lock excludes,
        // the semaphore never admits more than its count, and every timeout and join keeps its word.
        for (int seed = 0; seed < 50; seed++)
        {
            HubTest.Run(PrimitivesBody, new HubTestOptions { Schedule = strategy, Seed = seed });
        }
    });

    [Fact]
    public void Explore_KillsTimeoutsAndPools_NoScheduleBreaksThem() => OnThread.Run(() =>
    {
        // Kills landing mid-wait, timeouts racing wakes and a pool's slot hand-over, under a few hundred schedules.
        HubExploreResult result = HubTest.Explore(KillsBody, new HubExploreOptions { MaxSchedules = 300, Seed = 13 });

        Assert.Null(result.Failure);
    });

    private static void KillsBody()
    {
        var never = new GreenEvent();
        var soon = new GreenEvent();
        var finallies = 0;
        GreenTask waiter = Hub.Spawn(() =>
        {
            try
            {
                never.Wait();
            }
            finally
            {
                finallies++;
            }
        });
        GreenTask timed = Hub.Spawn(() =>
        {
            using var timeout = new GreenTimeout(TimeSpan.FromSeconds(1));
            try
            {
                soon.Wait();
            }
            catch (GreenTimeoutException e) when (e.Timeout == timeout)
            {
                Assert.Fail("the event was set before the timeout");
            }
        });
        GreenTask setter = Hub.Spawn(() =>
        {
            Hub.Sleep(TimeSpan.Zero);
            soon.Set();
        });
        var pool = new GreenPool(2);
        int running = 0;
        GreenTask[] pooled = [.. Enumerable.Range(0, 5).Select(_ => pool.Spawn(() =>
        {
            Assert.True(++running <= 2);
            Hub.Sleep(TimeSpan.FromMilliseconds(5));
            running--;
        }))];
        Hub.Sleep(TimeSpan.Zero);
        Hub.KillAll([waiter]);
        Assert.True(waiter.IsReady);
        Assert.Equal(1, finallies);
        Assert.True(pool.Join(TimeSpan.FromSeconds(10)));
        Assert.True(Hub.JoinAll([timed, setter, .. pooled], throwOnError: true));
    }

    private static void FailAfterAYield()
    {
        Hub.JoinAll([Hub.Spawn(() => Hub.Sleep(TimeSpan.Zero)), Hub.Spawn(() => Hub.Sleep(TimeSpan.Zero))]);
        throw new SomeException("the body's own failure");
    }

    private static void PrimitivesBody()
    {
        var queue = new GreenQueue<int>(2);
        var gate = new GreenLock();
        var slots = new GreenSemaphore(2);
        var received = new List<int>();
        int inside = 0;
        int admitted = 0;
        GreenTask[] producers = [.. Enumerable.Range(0, 2).Select(p => Hub.Spawn(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                queue.Put((p * 100) + i);
                Hub.Sleep(TimeSpan.Zero);
            }
        }))];
        GreenTask consumer = Hub.Spawn(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                received.Add(queue.Get());
            }
        });
        GreenTask[] lockers = [.. Enumerable.Range(0, 3).Select(_ => Hub.Spawn(() =>
        {
            for (int i = 0; i < 2; i++)
            {
                gate.Acquire();
                Assert.Equal(1, ++inside);
                Hub.Sleep(TimeSpan.Zero);
                inside--;
                gate.Release();

                slots.Acquire();
                Assert.True(++admitted <= 2);
                Hub.Sleep(TimeSpan.FromMilliseconds(10));
                admitted--;
                slots.Release();
            }
        }))];
        GreenTask slow = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(1)));
        Assert.False(slow.Join(TimeSpan.FromMilliseconds(500)));
        Hub.JoinAll([.. producers, consumer, .. lockers, slow], throwOnError: true);
        Assert.Equal(10, received.Count);
        Assert.Equal(Enumerable.Range(0, 5), received.Where(x => x < 100));
        Assert.Equal(Enumerable.Range(100, 5), received.Where(x => x >= 100));
        Assert.True(slow.IsReady);
    }
}
