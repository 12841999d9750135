using System.Diagnostics;
using Nito.AsyncEx;

namespace Greenlets.Tests;

public class HubTests
{
    [Fact]
    public void Current_SameTree_ReturnsSameHubWhoseParentIsMain()
    {
        OnThread.Run(() =>
        {
            Hub hub = Hub.Current;
            Assert.Same(hub, Hub.Current);
            Assert.Same(Greenlet.Current, hub.Parent);
            Assert.True(Greenlet.Current.IsMain);
            Hub? inTask = null;
            Hub.Spawn(() => inTask = Hub.Current).Join();
            Assert.Same(hub, inTask);
        });
    }

    [Fact]
    public void Current_OtherThread_ReturnsOtherHub()
    {
        Hub a = OnThread.Run(() => Hub.Current);
        Hub b = OnThread.Run(() => Hub.Current);
        Assert.NotSame(a, b);
    }

    [Fact]
    public void Spawn_BeforeSpawnerWaits_NothingRuns()
    {
        OnThread.Run(() =>
        {
            bool ran = false;
            GreenTask task = Hub.Spawn(() => ran = true);
            Assert.False(ran);
            Assert.False(task.IsReady);
            Hub.Sleep(TimeSpan.Zero);
            Assert.True(ran);
            Assert.True(task.IsReady);
        });
    }

    [Fact]
    public void Spawn_Tasks_StartInSpawnOrder()
    {
        OnThread.Run(() =>
        {
            var order = new List<int>();
            for (int i = 0; i < 10; i++)
            {
                int n = i;
                Hub.Spawn(() => order.Add(n));
            }

            Hub.WaitAll();
            Assert.Equal(Enumerable.Range(0, 10), order);
        });
    }

    [Fact]
    public void SleepZero_TwoTasks_Interleave()
    {
        // gevent test__order TestSleep0: '1A 2A 1B 2B'.
        OnThread.Run(() =>
        {
            var log = new List<string>();
            void Body(string id)
            {
                log.Add(id + "A");
                Hub.Sleep(0);
                log.Add(id + "B");
            }

            GreenTask t1 = Hub.Spawn(() => Body("1"));
            GreenTask t2 = Hub.Spawn(() => Body("2"));
            Hub.JoinAll([t1, t2]);
            Assert.Equal("1A 2A 1B 2B", string.Join(' ', log));
        });
    }

    [Fact]
    public void SleepZero_FromMain_EveryReadyTaskRunsOnceFirst()
    {
        OnThread.Run(() =>
        {
            var log = new List<string>();
            for (int i = 0; i < 3; i++)
            {
                int n = i;
                Hub.Spawn(() =>
                {
                    log.Add($"{n}a");
                    Hub.Sleep(0);
                    log.Add($"{n}b");
                });
            }

            Hub.Sleep(TimeSpan.Zero);
            log.Add("main");
            Hub.WaitAll();
            Assert.Equal("0a 1a 2a main 0b 1b 2b", string.Join(' ', log));
        });
    }

    [Fact]
    public void Sleep_Delay_DoesNotReturnEarly()
    {
        OnThread.Run(() =>
        {
            var watch = Stopwatch.StartNew();
            Hub.Sleep(30);
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(30), $"woke after {watch.Elapsed}");
        });
    }

    [Fact]
    public void SpawnLater_Timers_FireInDueOrder()
    {
        // Each timer's due time is known only within the clock reads taken just before and after SpawnLater (the hub
        // reads the clock itself, and a descheduled test thread can spend any time between the reads), so the check
        // is that no timer fired before one that was certainly due earlier; timers created out of order.
        OnThread.Run(() =>
        {
            var fired = new List<int>();
            var earliest = new Dictionary<int, long>();
            var latest = new Dictionary<int, long>();
            foreach (int ms in new[] { 30, 10, 20, 0 })
            {
                long delay = ms * Stopwatch.Frequency / 1000;
                earliest[ms] = Stopwatch.GetTimestamp() + delay;
                Hub.SpawnLater(TimeSpan.FromMilliseconds(ms), () => fired.Add(ms));
                latest[ms] = Stopwatch.GetTimestamp() + delay;
            }

            Assert.True(Hub.WaitAll());
            Assert.Equal(4, fired.Count);
            for (int i = 0; i < fired.Count; i++)
            {
                for (int j = i + 1; j < fired.Count; j++)
                {
                    Assert.False(
                        latest[fired[j]] < earliest[fired[i]],
                        $"timer {fired[j]} ms was due before timer {fired[i]} ms but fired after it: [{string.Join(", ", fired)}]");
                }
            }
        });
    }

    [Fact]
    public void SleepZero_LoopUnderTimeout_DoesNotStarveTimers()
    {
        // gevent test__sleep0: a `while True: sleep(0)` loop under a timeout must end.
        OnThread.Run(() =>
        {
            int loops = 0;
            void Spin()
            {
                using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(10));
                while (true)
                {
                    Hub.Sleep(0);
                    loops++;
                }
            }

            Assert.Throws<GreenTimeoutException>(Spin);
            Assert.True(loops > 0);
        });
    }

    [Fact]
    public void Sleep_FromHubCallback_ThrowsInvalidOperation()
    {
        OnThread.Run(() =>
        {
            Exception? error = null;
            Hub.Current.Schedule(() => error = Record.Exception(() => Hub.Sleep(0)));
            Hub.Sleep(0);
            Assert.IsType<InvalidOperationException>(error);
        });
    }

    [Fact]
    public void Wait_TaskCompletedByOtherThread_ResumesWaiterOnItsGreenlet()
    {
        OnThread.Run(() =>
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            Greenlet main = Greenlet.Current;
            int observed = 0;
            GreenTask ticker = Hub.Spawn(() =>
            {
                // Runs while main waits on the task: the hub keeps scheduling others.
                observed++;
                ThreadPool.QueueUserWorkItem(_ => source.SetResult(42));
            });
            int result = Hub.Wait(source.Task);
            Assert.Equal(42, result);
            Assert.Same(main, Greenlet.Current);
            Assert.Equal(1, observed);
            Assert.True(ticker.IsReady);
        });
    }

    [Fact]
    public void Wait_FaultedTask_RethrowsOriginalExceptionWithStackTrace()
    {
        OnThread.Run(() =>
        {
            static async Task FailAsync()
            {
                await Task.Yield();
                throw new FormatException("boom");
            }

            FormatException e = Assert.Throws<FormatException>(() => Hub.Wait(FailAsync()));
            Assert.Equal("boom", e.Message);
            Assert.Contains(nameof(FailAsync), e.StackTrace, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Wait_CancelledTask_ThrowsOperationCanceled()
    {
        OnThread.Run(() =>
        {
            using var cts = new CancellationTokenSource();
            Task delay = Task.Delay(Timeout.Infinite, cts.Token);
            Hub.Spawn(cts.Cancel);
            Assert.ThrowsAny<OperationCanceledException>(() => Hub.Wait(delay));
        });
    }

    [Fact]
    public void Wait_CompletedTask_ReturnsWithoutSwitching()
    {
        OnThread.Run(() =>
        {
            bool ran = false;
            Hub.Spawn(() => ran = true);
            Assert.Equal(5, Hub.Wait(Task.FromResult(5)));
            Assert.False(ran);
        });
    }

    [Fact]
    public void Wait_InterruptedByTimeout_LateCompletionIsIgnored()
    {
        OnThread.Run(() =>
        {
            var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Assert.Throws<GreenTimeoutException>(() =>
            {
                using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(5));
                Hub.Wait(source.Task);
            });
            source.SetException(new InvalidCastException());
            Hub.Sleep(5);
            Hub.Sleep(0);
        });
    }

    [Fact]
    public void LoopExit_MainWaitsOnEventNobodySets_ThrowsAndHubStaysUsable()
    {
        // gevent probe gv3: LoopExit in main, and everything works again afterwards.
        OnThread.Run(() =>
        {
            var e = new GreenEvent();
            HubLoopExitException error = Assert.Throws<HubLoopExitException>(() => e.Wait());
            Assert.Contains("block forever", error.Message, StringComparison.Ordinal);
            Assert.Contains(error.Waiting, w => w.Contains("GreenEvent.Wait", StringComparison.Ordinal));

            Hub.Spawn(e.Set);
            Assert.True(e.Wait());
            Assert.Throws<HubLoopExitException>(() => new GreenQueue<int>().Get());
            Hub.Sleep(1);
        });
    }

    [Fact]
    public void LoopExit_DeadlockedTasks_ListsThemAndJoinThrows()
    {
        OnThread.Run(() =>
        {
            var never = new GreenEvent();
            GreenTask stuck = Hub.Spawn(() => never.Wait());
            stuck.Name = "stuck";
            HubLoopExitException error = Assert.Throws<HubLoopExitException>(() => stuck.Join());
            Assert.Contains(error.Waiting, w => w.Contains("stuck", StringComparison.Ordinal));
            Assert.Contains(error.Waiting, w => w.Contains("GreenTask.Join", StringComparison.Ordinal));
            never.Set();
            Assert.True(stuck.Join());
        });
    }

    [Fact]
    public void WaitAll_NothingLeft_ReturnsTrue()
    {
        OnThread.Run(() =>
        {
            int done = 0;
            Hub.Spawn(() => done++);
            Hub.SpawnLater(TimeSpan.FromMilliseconds(5), () => done++);
            Assert.True(Hub.WaitAll());
            Assert.Equal(2, done);
            Assert.True(Hub.WaitAll());
        });
    }

    [Fact]
    public void WaitAll_TimeoutBeforeWorkEnds_ReturnsFalse()
    {
        OnThread.Run(() =>
        {
            GreenTask slow = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Assert.False(Hub.WaitAll(TimeSpan.FromMilliseconds(5)));
            slow.Kill();
            Assert.True(Hub.WaitAll());
        });
    }

    [Fact]
    public void WaitAll_TasksBlockedForever_ReturnsTrue()
    {
        OnThread.Run(() =>
        {
            var never = new GreenEvent();
            Hub.Spawn(() => never.Wait());
            Assert.True(Hub.WaitAll());
        });
    }

    [Fact]
    public void SpawnLater_StartsAfterDelayNotBefore()
    {
        OnThread.Run(() =>
        {
            var watch = Stopwatch.StartNew();
            TimeSpan started = TimeSpan.Zero;
            GreenTask task = Hub.SpawnLater(TimeSpan.FromMilliseconds(20), () => started = watch.Elapsed);
            Assert.False(task.IsStarted);
            task.Join();
            Assert.True(started >= TimeSpan.FromMilliseconds(20), $"started after {started}");
        });
    }

    [Fact]
    public void SpawnLater_KilledBeforeDelay_NeverRuns()
    {
        OnThread.Run(() =>
        {
            bool ran = false;
            GreenTask task = Hub.SpawnLater(TimeSpan.FromMilliseconds(5), () => ran = true);
            task.Kill();
            Assert.True(Hub.WaitAll());
            Assert.False(ran);
            Assert.True(task.IsReady);
            Assert.True(task.IsSuccessful);
        });
    }

    [Fact]
    public void JoinAll_Timeout_ReturnsFalseWithoutThrowing()
    {
        OnThread.Run(() =>
        {
            GreenTask fast = Hub.Spawn(() => { });
            GreenTask slow = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Assert.False(Hub.JoinAll([fast, slow], TimeSpan.FromMilliseconds(5)));
            Assert.True(fast.IsReady);
            Hub.KillAll([slow]);
            Assert.True(Hub.JoinAll([fast, slow]));
        });
    }

    [Fact]
    public void JoinAll_ThrowOnError_RaisesFirstFailureInTime()
    {
        // gevent test_joinall_exception_order: the first error to occur, not the first in the list.
        OnThread.Run(() =>
        {
            Hub.Current.UnhandledException += (_, _) => { };
            GreenTask late = Hub.Spawn(() =>
            {
                Hub.Sleep(10);
                throw new FormatException("late");
            });
            GreenTask early = Hub.Spawn(() => throw new InvalidCastException("early"));
            Assert.Throws<InvalidCastException>(() => Hub.JoinAll([late, early], throwOnError: true));
            Assert.False(Hub.JoinAll([late, early]) && late.IsSuccessful);
        });
    }

    [Fact]
    public void KillAll_UnstartedTasks_NeverRun()
    {
        OnThread.Run(() =>
        {
            int ran = 0;
            GreenTask[] tasks = [.. Enumerable.Range(0, 3).Select(_ => Hub.Spawn(() => ran++))];
            Hub.KillAll(tasks);
            Hub.Sleep(0);
            Assert.Equal(0, ran);
            Assert.All(tasks, t => Assert.True(t.IsReady && t.IsSuccessful && t.Value is GreenletExit));
        });
    }

    [Fact]
    public void KillAll_RunningTasks_RunFinallyBlocks()
    {
        OnThread.Run(() =>
        {
            int cleaned = 0;
            GreenTask[] tasks = [.. Enumerable.Range(0, 3).Select(_ => Hub.Spawn(() =>
            {
                try
                {
                    Hub.Sleep(TimeSpan.FromSeconds(30));
                }
                finally
                {
                    cleaned++;
                }
            }))];
            Hub.Sleep(0);
            Hub.KillAll(tasks);
            Assert.Equal(3, cleaned);
        });
    }

    [Fact]
    public void StraySwitch_IntoWaitingTask_RaisesInvalidOperationInIt()
    {
        // gevent test_sleep_invalid_switch: only the hub may resume a waiting greenlet.
        OnThread.Run(() =>
        {
            Hub.Current.UnhandledException += (_, _) => { };
            GreenTask sleeper = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Hub.Sleep(0);
            Hub.Current.Schedule(() => sleeper.Switch("stray"));
            Assert.Throws<InvalidOperationException>(() => sleeper.Get());
        });
    }

    [Fact]
    public void UnhandledException_UnobservedFailure_IsReported()
    {
        OnThread.Run(() =>
        {
            var reported = new List<Exception>();
            Hub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
            GreenTask task = Hub.Spawn(() => throw new FormatException("lost?"));
            Hub.WaitAll();
            Assert.IsType<FormatException>(Assert.Single(reported));
            Assert.IsType<FormatException>(task.Exception);
        });
    }

    [Fact]
    public void UnhandledException_JoinedFailure_IsNotReported()
    {
        OnThread.Run(() =>
        {
            var reported = new List<Exception>();
            Hub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
            GreenTask task = Hub.Spawn(() => throw new FormatException());
            Assert.Throws<FormatException>(() => task.Get());
            Assert.Empty(reported);
        });
    }

    [Fact]
    public void UnhandledException_RawGreenletWithHubParentFails_IsReported()
    {
        OnThread.Run(() =>
        {
            var reported = new List<Exception>();
            Hub hub = Hub.Current;
            hub.UnhandledException += (_, e) => reported.Add(e.Exception);
            var raw = new Greenlet(() => throw new FormatException(), hub);
            hub.Schedule(() => raw.Switch());
            Hub.Sleep(0);
            Assert.IsType<FormatException>(Assert.Single(reported));
        });
    }

    [Fact]
    public void Tasks_ManyAtOnce_AllFinish()
    {
        OnThread.Run(() =>
        {
            int sum = 0;
            GreenTask[] tasks = [.. Enumerable.Range(1, 300).Select(i => Hub.Spawn(() =>
            {
                Hub.Sleep(0);
                sum += i;
            }))];
            Assert.True(Hub.JoinAll(tasks));
            Assert.Equal(300 * 301 / 2, sum);
        });
    }

    [Fact]
    public void DebuggerDisplay_Hub_Evaluates()
    {
        OnThread.Run(() =>
        {
            Hub hub = Hub.Current;
            Assert.Equal(0, hub.ReadyCount);
            Assert.StartsWith("<Hub", hub.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Spawn_NullBody_ThrowsArgumentNull()
    {
        OnThread.Run(() =>
        {
            Assert.Throws<ArgumentNullException>(() => Hub.Spawn(null!));
            Assert.Throws<ArgumentNullException>(() => Hub.Spawn<int>(null!));
            Assert.Throws<ArgumentNullException>(() => Hub.SpawnLater(TimeSpan.Zero, null!));
        });
    }

    [Fact]
    public void ThreadExit_TasksStillWaiting_AreUnwoundWithFinallyBlocks()
    {
        // Main exits without joining: pending tasks never run (gevent), waiting ones are unwound by the reaper.
        using var unwound = new CountdownEvent(3);
        bool pendingRan = false;
        OnThread.Run(() =>
        {
            var never = new GreenEvent();
            for (int i = 0; i < 3; i++)
            {
                Hub.Spawn(() =>
                {
                    try
                    {
                        never.Wait();
                    }
                    finally
                    {
                        unwound.Signal();
                    }
                });
            }

            Hub.Sleep(0);
            Hub.Spawn(() => pendingRan = true);
        });
        Assert.True(unwound.Wait(TestTimeouts.Unexpected));
        Assert.False(pendingRan);
    }

    [Fact]
    public void Wait_AsyncPrimitiveSetFromOtherThread_ResumesWaiter()
    {
        // Any async primitive works: here Nito.AsyncEx's AsyncManualResetEvent, set by a plain thread.
        OnThread.Run(() =>
        {
            var signal = new AsyncManualResetEvent();
            int ticks = 0;
            GreenTask ticker = Hub.Spawn(() =>
            {
                while (!signal.IsSet)
                {
                    ticks++;
                    Hub.Sleep(1);
                }
            });
            var setter = new Thread(signal.Set);
            Hub.Spawn(setter.Start);
            Hub.Wait(signal.WaitAsync());
            setter.Join();
            ticker.Join();
            Assert.True(ticks >= 1);
        });
    }

    [Fact]
    public void Current_TracerThrowsOnFirstSwitchIntoHub_HubSurvivesAndReportsIt()
    {
        // Issue 10 item 4: a fresh hub is started untraced, so a tracer's exception (TR4) reaches a running hub, which
        // reports it and goes on; it never dies with tasks queued, and no second hub appears.
        OnThread.Run(() =>
        {
            var boom = new InvalidOperationException("tracer");
            bool thrown = false;
            Greenlet.SetTrace((_, _, target) =>
            {
                if (!thrown && target is Hub)
                {
                    thrown = true;
                    throw boom;
                }
            });
            try
            {
                Hub hub = Hub.Current;
                var reported = new List<Exception>();
                hub.UnhandledException += (_, e) => reported.Add(e.Exception);
                GreenTask task = Hub.Spawn(() => { });
                Assert.True(task.Join(TestTimeouts.Unexpected));
                Assert.True(thrown);
                Assert.Same(hub, Hub.Current);
                Assert.Equal([boom], reported);
            }
            finally
            {
                Greenlet.SetTrace(null);
            }
        });
    }

    [Fact]
    public void AsTask_AwaitedByAsyncCodeOnMainWithNothingRunningTheHub_ThrowsInsteadOfHanging()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => { });
            async Task AwaitIt() => await task.AsTask();
            var e = Assert.Throws<InvalidOperationException>(() => AwaitIt().GetAwaiter().GetResult());
            Assert.Contains("HubThread", e.Message, StringComparison.Ordinal);

            // A synchronous caller may still wait for it cooperatively.
            Hub.Wait(task.AsTask());
            Assert.True(task.IsReady);
        });
    }

    [Fact]
    public void Wait_ValueTask_WaitsCooperativelyAndRethrows()
    {
        OnThread.Run(() =>
        {
            var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            GreenTask setter = Hub.Spawn(() => source.SetResult(7));
            Assert.Equal(7, Hub.Wait(new ValueTask<int>(source.Task)));
            Assert.True(setter.IsReady);
            Assert.Equal(3, Hub.Wait(new ValueTask<int>(3)));
            Hub.Wait(ValueTask.CompletedTask);
            Assert.Throws<SomeException>(() => Hub.Wait(ValueTask.FromException(new SomeException())));
        });
    }
}
