using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>HubTest.RunAsync and ExploreAsync: the async hub under the same strategies, replay, virtual time,
/// exploration and failures as HubTest.Run/Explore.</summary>
public sealed class HubTestAsyncTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task RunAsync_GreenletsSleepAnHour_VirtualElapsedIsExactlyOneHour()
    {
        HubTestRun run = await Guard(HubTest.RunAsync(async () =>
        {
            AsyncGreenTask[] sleepers = [.. Enumerable.Range(0, 10).Select(_ => AsyncHub.Spawn(() => AsyncHub.SleepAsync(Hour)))];
            await AsyncHub.JoinAllAsync(sleepers);
        }));

        Assert.Equal(Hour, run.VirtualElapsed);
    }

    [Fact]
    public async Task RunAsync_SleepsInSequence_ClockAddsThemUp()
    {
        var wokeAt = new List<TimeSpan>();
        HubTestRun run = await Guard(HubTest.RunAsync(async () =>
        {
            TimeProvider clock = AsyncHub.Current.Time;
            long start = clock.GetTimestamp();
            for (int i = 1; i <= 3; i++)
            {
                await AsyncHub.SleepAsync(TimeSpan.FromMinutes(i));
                wokeAt.Add(clock.GetElapsedTime(start));
            }
        }));

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(6)], wokeAt);
        Assert.Equal(TimeSpan.FromMinutes(6), run.VirtualElapsed);
    }

    [Fact]
    public async Task RunAsync_WaitOnARealTask_ClockDoesNotJumpPastIt()
    {
        // With nothing real pending the clock would jump straight to the hour's timeout; a real wait lets real time pass.
        HubTestRun run = await Guard(HubTest.RunAsync(async () =>
        {
            using var timeout = new GreenTimeout(Hour);
            await AsyncHub.WaitAsync(Task.Delay(1));
        }));

        Assert.True(run.VirtualElapsed < Hour);
    }

    [Fact]
    public async Task RunAsync_TimeoutsOnVirtualTime_FireAtTheirVirtualDueTime()
    {
        var seen = new List<string>();
        HubTestRun run = await Guard(HubTest.RunAsync(async () =>
        {
            TimeProvider clock = AsyncHub.Current.Time;
            long start = clock.GetTimestamp();
            string At() => $"{clock.GetElapsedTime(start).TotalSeconds}s";

            using (var timeout = new GreenTimeout(TimeSpan.FromSeconds(10)))
            {
                var e = await Assert.ThrowsAsync<GreenTimeoutException>(async () => await AsyncHub.SleepAsync(Hour));
                Assert.Same(timeout, e.Timeout);
                seen.Add("timeout " + At());
            }

            AsyncGreenTask sleeper = AsyncHub.Spawn(() => AsyncHub.SleepAsync(TimeSpan.FromMinutes(1)));
            seen.Add($"join {await sleeper.JoinAsync(TimeSpan.FromSeconds(20))} {At()}");
            var queue = new GreenQueue<int>();
            await Assert.ThrowsAsync<GreenTimeoutException>(async () => await queue.GetAsync(TimeSpan.FromSeconds(5)));
            seen.Add("queue " + At());
            seen.Add($"join {await sleeper.JoinAsync()} {At()}");
        }));

        Assert.Equal(["timeout 10s", "join False 30s", "queue 35s", "join True 70s"], seen);
        Assert.Equal(TimeSpan.FromSeconds(70), run.VirtualElapsed);
    }

    [Fact]
    public async Task RunAsync_VirtualTimeOff_UsesTheSystemClock()
    {
        HubTestRun run = await Guard(HubTest.RunAsync(
            () =>
            {
                Assert.Same(TimeProvider.System, AsyncHub.Current.Time);
                return AsyncHub.SleepAsync(TimeSpan.FromMilliseconds(1));
            },
            new HubTestOptions { VirtualTime = false }));

        Assert.True(run.VirtualElapsed > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(HubSchedule.Random)]
    [InlineData(HubSchedule.Pct)]
    public async Task RunAsync_SameSeedHundredTimes_IdenticalEventsAndSchedule(HubSchedule strategy)
    {
        var options = new HubTestOptions { Schedule = strategy, Seed = 42 };
        var runs = new List<HubTestRun>();
        for (int i = 0; i < 100; i++)
        {
            runs.Add(await Guard(HubTest.RunAsync(() => AsyncTestBodies.Mixed(_ => { }), options)));
        }

        Assert.All(runs, r => HubTestAssert.SameRun(runs[0], r));
        Assert.Contains(runs[0].Schedule, c => c != '0');

        HubTestRun replayed = await Guard(HubTest.RunAsync(() => AsyncTestBodies.Mixed(_ => { }), new HubTestOptions { Replay = runs[0].Schedule }));
        HubTestAssert.SameRun(runs[0], replayed);
    }

    [Fact]
    public async Task RunAsync_DifferentSeeds_FindDifferentSchedules()
    {
        var schedules = new HashSet<string>();
        for (int seed = 0; seed < 20; seed++)
        {
            schedules.Add((await Guard(HubTest.RunAsync(() => AsyncTestBodies.Mixed(_ => { }), new HubTestOptions { Schedule = HubSchedule.Random, Seed = seed }))).Schedule);
        }

        Assert.True(schedules.Count > 1);
    }

    [Fact]
    public async Task RunAsync_Fifo_EqualsAPlainAsyncHubsOrder()
    {
        var plainLog = new List<string>();
        IReadOnlyList<string> plainEvents = [];
        AsyncTestFlow.Run(async () =>
        {
            _ = AsyncHub.Current;
            using var recorder = new SwitchRecorder();
            await AsyncTestBodies.Mixed(plainLog.Add);
            await AsyncHub.WaitAllAsync();
            plainEvents = recorder.Events;
        });

        var testLog = new List<string>();
        HubTestRun run = await Guard(HubTest.RunAsync(() => AsyncTestBodies.Mixed(testLog.Add)));

        Assert.Equal(plainLog, testLog);
        Assert.Equal(plainEvents, run.Events);
        Assert.All(HubScheduleText.Parse(run.Schedule), c => Assert.Equal(0, c));
    }

    [Fact]
    public async Task RunAsync_FifoWithoutCounting_RecordsTheSameChoicesAsAReplayThatCountsThem()
    {
        // A FIFO run looks at two candidates only (enough to tell a choice); a replay looks at all of them. Both must
        // record a choice at exactly the same moments, on either hub.
        HubTestRun fifo = await Guard(HubTest.RunAsync(() => AsyncTestBodies.Mixed(_ => { })));
        HubTestRun replayed = await Guard(HubTest.RunAsync(() => AsyncTestBodies.Mixed(_ => { }), new HubTestOptions { Replay = fifo.Schedule }));
        HubTestRun onThreads = OnThread.Run(() => HubTest.Run(() => TestBodies.Mixed(_ => { })));
        HubTestRun onThreadsReplayed = OnThread.Run(() => HubTest.Run(() => TestBodies.Mixed(_ => { }), new HubTestOptions { Replay = onThreads.Schedule }));

        Assert.NotEmpty(fifo.Schedule);
        HubTestAssert.SameRun(fifo, replayed);
        HubTestAssert.SameRun(onThreads, onThreadsReplayed);
    }

    [Fact]
    public async Task RunAsync_DefaultNames_NumberedPerRunInCreationOrder()
    {
        static async ValueTask Body() => await AsyncHub.JoinAllAsync([AsyncHub.Spawn(() => AsyncHub.SleepAsync(TimeSpan.Zero)), AsyncHub.Spawn(() => default)]);

        HubTestRun first = await Guard(HubTest.RunAsync(Body));
        HubTestRun second = await Guard(HubTest.RunAsync(Body));

        Assert.Equal(first.Events, second.Events);
        Assert.Equal(["main -> hub", "hub -> async-greenlet-1", "async-greenlet-1 -> hub", "hub -> async-greenlet-2"], first.Events.Take(4));
    }

    [Fact]
    public async Task RunAsync_BodyFails_ThrowsHubScheduleExceptionWithTheFailureAndHowToReplay()
    {
        var e = await Assert.ThrowsAsync<HubScheduleException>(() => Guard(HubTest.RunAsync(
            FailAfterAYield,
            new HubTestOptions { Schedule = HubSchedule.Random, Seed = 7 })));

        HubTestAssert.BodyFailure<SomeException>(e, nameof(FailAfterAYield), 7, $"HubTest.RunAsync(body, new HubTestOptions {{ Replay = \"{e.Schedule}\" }})");

        var again = await Assert.ThrowsAsync<HubScheduleException>(() => Guard(HubTest.RunAsync(FailAfterAYield, new HubTestOptions { Replay = e.Schedule })));
        HubTestAssert.SameFailure(e, again);
    }

    [Fact]
    public async Task RunAsync_BodyThrowsBeforeItsFirstAwait_FailsTheRun()
    {
        var e = await Assert.ThrowsAsync<HubScheduleException>(() => Guard(HubTest.RunAsync(() => throw new SomeException("at once"))));

        Assert.IsType<SomeException>(e.InnerException);
    }

    [Fact]
    public async Task RunAsync_Deadlock_ReportsTheLoopExitWithTheSchedule()
    {
        var e = await Assert.ThrowsAsync<HubScheduleException>(() => Guard(HubTest.RunAsync(async () =>
        {
            var never = new GreenEvent();
            AsyncHub.Spawn(async () => await never.WaitAsync());
            await never.WaitAsync();
        })));

        var exit = Assert.IsType<HubLoopExitException>(e.InnerException);
        Assert.Equal(2, exit.Waiting.Count);
    }

    [Fact]
    public async Task RunAsync_UnobservedTaskFailure_FailsTheRun()
    {
        var e = await Assert.ThrowsAsync<HubScheduleException>(() => Guard(HubTest.RunAsync(() =>
        {
            AsyncHub.Spawn(() => throw new SomeException("nobody joins me"));
            return default;
        })));

        Assert.IsType<SomeException>(e.InnerException);
    }

    [Fact]
    public async Task RunAsync_TasksLeftBlocked_AreKilledAndTheirFinallyBlocksRun()
    {
        bool cleanedUp = false;
        await Guard(HubTest.RunAsync(() =>
        {
            AsyncHub.Spawn(async () =>
            {
                try
                {
                    await new GreenEvent().WaitAsync();
                }
                finally
                {
                    cleanedUp = true;
                }
            });
            return default;
        }));

        Assert.True(cleanedUp);
    }

    [Fact]
    public async Task RunAsync_TaskSurvivesTheFirstKill_IsKilledAgainAndItsFinallyRuns()
    {
        int kills = 0;
        bool cleanedUp = false;
        await Guard(HubTest.RunAsync(() =>
        {
            AsyncHub.Spawn(async () =>
            {
                try
                {
                    try
                    {
                        await new GreenEvent().WaitAsync();
                    }
                    catch (GreenletExit)
                    {
                        // Swallows the first kill and blocks again: the clean-up's next round must kill it again.
                        kills++;
                    }

                    await new GreenEvent().WaitAsync();
                }
                catch (GreenletExit)
                {
                    kills++;
                    throw;
                }
                finally
                {
                    cleanedUp = true;
                }
            });
            return default;
        }));

        Assert.Equal(2, kills);
        Assert.True(cleanedUp);
    }

    [Fact]
    public void Chooser_SetFromOutsideTheHubsTree_ThrowsGreenletError()
    {
        AsyncHub? hub = null;
        AsyncTestFlow.Run(async () =>
        {
            hub = AsyncHub.Current;
            await AsyncHub.SleepAsync(TimeSpan.Zero);
        });

        Assert.Throws<GreenletError>(() => hub!.Chooser = new HubScheduleChooser(HubSchedule.Fifo, 0, replay: null));
        Assert.Null(hub!.Chooser);
    }

    [Fact]
    public async Task RunAsync_InsideAnotherRunAsyncsBody_RunsIsolated()
    {
        HubTestRun? inner = null;
        HubTestRun outer = await Guard(HubTest.RunAsync(async () =>
        {
            AsyncHub outerHub = AsyncHub.Current;
            inner = await HubTest.RunAsync(async () =>
            {
                Assert.NotSame(outerHub, AsyncHub.Current);
                await AsyncHub.SleepAsync(TimeSpan.FromMinutes(2));
            });
            await AsyncHub.SleepAsync(TimeSpan.FromMinutes(1));
        }));

        Assert.Equal(TimeSpan.FromMinutes(2), inner!.VirtualElapsed);
        Assert.Equal(TimeSpan.FromMinutes(1), outer.VirtualElapsed);
    }

    [Fact]
    public void RunAsync_CallerHasAnAsyncHub_ItIsNotTouched() => AsyncTestFlow.Run(async () =>
    {
        AsyncHub mine = AsyncHub.Current;
        AsyncGreenTask sleeper = AsyncHub.Spawn(() => AsyncHub.SleepAsync(TimeSpan.Zero));
        AsyncHub? theirs = null;
        bool sawMyValue = true;
        var local = new AsyncLocal<string> { Value = "caller" };

        await HubTest.RunAsync(async () =>
        {
            theirs = AsyncHub.Current;
            sawMyValue = local.Value == "caller";
            await AsyncHub.SleepAsync(Hour);
        }).WaitAsync(TestTimeouts.Unexpected);

        Assert.NotNull(theirs);
        Assert.NotSame(mine, theirs);
        Assert.False(sawMyValue);
        Assert.Same(mine, AsyncHub.Current);
        Assert.False(sleeper.IsReady);
        Assert.Equal(mine.Time, TimeProvider.System);
        Assert.True(await AsyncHub.WaitAllAsync());
        Assert.True(sleeper.IsSuccessful);
    });

    [Fact]
    public async Task RunAsync_HubOfTheRun_EndsWithTheRun()
    {
        AsyncHub? hub = null;
        await Guard(HubTest.RunAsync(() =>
        {
            hub = AsyncHub.Current;
            return AsyncHub.SleepAsync(TimeSpan.Zero);
        }));

        Assert.True(hub!.IsDead);
    }

    [Fact]
    public Task RunAsync_TimersDueAtOnce_EveryOrderIsReachable() =>
        // 3! start orders times 3! wake orders of the timers due at the same instant, which give the 3! wake orders.
        HubTestAssert.ExploresAllAsync(AsyncTestBodies.TimersDueAtOnce, schedules: 36, outcomes: 6);

    [Fact]
    public async Task RunAsync_ReplayOfAnotherBody_ThrowsInvalidOperationException()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Guard(HubTest.RunAsync(
            async () => await AsyncHub.JoinAllAsync([AsyncHub.Spawn(() => default), AsyncHub.Spawn(() => default)]),
            new HubTestOptions { Replay = "5" })));

        Assert.Contains("does not fit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunAsync_NullBody_ThrowsArgumentNullExceptionAtOnce() =>
        Assert.Throws<ArgumentNullException>(() => { _ = HubTest.RunAsync(null!); });

    [Theory]
    [InlineData("0!")]
    [InlineData("(12")]
    public void RunAsync_ReplayNotASchedule_ThrowsArgumentExceptionAtOnce(string replay) =>
        Assert.Throws<ArgumentException>(() => { _ = HubTest.RunAsync(() => throw new InvalidOperationException("must not run"), new HubTestOptions { Replay = replay }); });

    [Fact]
    public void RunAsync_UnknownStrategy_ThrowsArgumentExceptionAtOnce() =>
        Assert.Throws<ArgumentException>(() => { _ = HubTest.RunAsync(() => throw new InvalidOperationException("must not run"), new HubTestOptions { Schedule = (HubSchedule)9 }); });

    [Fact]
    public void ExploreAsync_NullBodyOrNoSchedules_ThrowsAtOnce()
    {
        Assert.Throws<ArgumentNullException>(() => { _ = HubTest.ExploreAsync(null!); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = HubTest.ExploreAsync(() => default, new HubExploreOptions { MaxSchedules = 0 }); });
    }

    [Fact]
    public Task ExploreAsync_ThreeAsyncGreenletsOfTwoSteps_RunsEachOf90InterleavingsOnce() =>
        // 6! / (2! 2! 2!) = 90 ways to interleave three greenlets of two steps, each step order kept.
        HubTestAssert.ExploresAllAsync(AsyncTestBodies.ThreeByTwo, schedules: 90, outcomes: 90);

    [Fact]
    public async Task RunAsync_LostUpdateUnderFifo_Passes()
    {
        HubTestRun run = await Guard(HubTest.RunAsync(AsyncTestBodies.LostUpdate));

        Assert.All(HubScheduleText.Parse(run.Schedule), c => Assert.Equal(0, c));
    }

    [Fact]
    public async Task ExploreAsync_LostUpdateExhaustive_FindsItAndItsScheduleReplays()
    {
        HubExploreResult result = await Guard(HubTest.ExploreAsync(AsyncTestBodies.LostUpdate, new HubExploreOptions { Exhaustive = true }));

        HubScheduleException failure = Assert.IsType<HubScheduleException>(result.Failure);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.False(result.Exhausted);
        Assert.Contains("HubTest.RunAsync(", failure.Message, StringComparison.Ordinal);
        await AssertReplays(failure);
    }

    [Fact]
    public async Task ExploreAsync_LostUpdateRandom_FindsItAndItsScheduleReplays()
    {
        HubExploreResult result = await Guard(HubTest.ExploreAsync(AsyncTestBodies.LostUpdate, new HubExploreOptions { Seed = 1 }));

        HubScheduleException failure = Assert.IsType<HubScheduleException>(result.Failure);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.InRange(result.SchedulesRun, 1, 1000);
        await AssertReplays(failure);
    }

    [Fact]
    public async Task ExploreAsync_SameBodyOnBothHubs_SameSchedulesRun()
    {
        // One driver for both hubs: the same program explored exhaustively on either hub takes the same number of runs.
        HubExploreResult onThreads = OnThread.Run(() => HubTest.Explore(() => TestBodies.ThreeByTwo(), new HubExploreOptions { Exhaustive = true }));
        HubExploreResult onAsync = await Guard(HubTest.ExploreAsync(async () => await AsyncTestBodies.ThreeByTwo(), new HubExploreOptions { Exhaustive = true }));

        Assert.Equal(onThreads.SchedulesRun, onAsync.SchedulesRun);
        Assert.Equal(onThreads.Exhausted, onAsync.Exhausted);
    }

    private static async Task AssertReplays(HubScheduleException failure)
    {
        var replayed = await Assert.ThrowsAsync<HubScheduleException>(() => Guard(HubTest.RunAsync(AsyncTestBodies.LostUpdate, new HubTestOptions { Replay = failure.Schedule })));
        HubTestAssert.SameFailure(failure, replayed);
    }

    [Fact]
    public void ExploreAsync_CallerContextNeverRunsPosts_StillCompletes() => OnThread.Run(() =>
    {
        // The driver between runs must not need the caller's context (a UI thread, a blocked test thread).
        SynchronizationContext.SetSynchronizationContext(new NeverRunsContext());
        Task<HubExploreResult> explore = HubTest.ExploreAsync(
            async () => await AsyncHub.JoinAllAsync([AsyncHub.Spawn(() => AsyncHub.SleepAsync(TimeSpan.Zero)), AsyncHub.Spawn(() => AsyncHub.SleepAsync(TimeSpan.Zero))]),
            new HubExploreOptions { Exhaustive = true, MaxSchedules = 50 });

        Assert.True(explore.Wait(TestTimeouts.Unexpected), "the exploration waited for the caller's context");
        Assert.True(explore.Result.Exhausted);
        Assert.True(explore.Result.SchedulesRun > 1);
    });

    private static async ValueTask FailAfterAYield()
    {
        await AsyncHub.JoinAllAsync([AsyncHub.Spawn(() => AsyncHub.SleepAsync(TimeSpan.Zero)), AsyncHub.Spawn(() => AsyncHub.SleepAsync(TimeSpan.Zero))]);
        throw new SomeException("the body's own failure");
    }

    private static Task<T> Guard<T>(Task<T> run) => run.WaitAsync(TestTimeouts.Unexpected);

    /// <summary>A context that takes posted work and never runs it.</summary>
    private sealed class NeverRunsContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();
    }
}
