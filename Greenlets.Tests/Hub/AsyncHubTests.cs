namespace Greenlets.Tests;

/// <summary>The async hub's own members: spawn, sleep, timers, waits on tasks, joins and kills, the loop exit and the
/// error report. The primitives' shared behaviour is in HubContractTests.</summary>
public class AsyncHubTests
{
    [Fact]
    public void Current_SameFlow_ReturnsSameHubWhoseParentIsMain() => AsyncTestFlow.Run(async () =>
    {
        AsyncHub hub = AsyncHub.Current;
        Assert.Same(hub, AsyncHub.Current);
        Assert.Same(AsyncGreenlet.Current, hub.Parent);
        Assert.True(AsyncGreenlet.Current.IsMain);
        AsyncHub? inTask = null;
        await AsyncHub.Spawn(() =>
        {
            inTask = AsyncHub.Current;
            return default;
        }).JoinAsync();
        Assert.Same(hub, inTask);
    });

    [Fact]
    public void Current_OtherFlow_ReturnsOtherHub()
    {
        AsyncHub? a = null;
        AsyncHub? b = null;
        AsyncTestFlow.Run(() =>
        {
            a = AsyncHub.Current;
            return Task.CompletedTask;
        });
        AsyncTestFlow.Run(() =>
        {
            b = AsyncHub.Current;
            return Task.CompletedTask;
        });
        Assert.NotSame(a, b);
    }

    [Fact]
    public void Spawn_BeforeSpawnerWaits_NothingRuns() => AsyncTestFlow.Run(async () =>
    {
        bool ran = false;
        AsyncGreenTask task = AsyncHub.Spawn(() =>
        {
            ran = true;
            return default;
        });
        Assert.False(ran);
        Assert.False(task.IsReady);
        await AsyncHub.SleepAsync(TimeSpan.Zero);
        Assert.True(ran);
        Assert.True(task.IsReady);
        Assert.True(task.IsSuccessful);
    });

    [Fact]
    public void Spawn_Tasks_StartInSpawnOrder() => AsyncTestFlow.Run(async () =>
    {
        var order = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            int n = i;
            AsyncHub.Spawn(() =>
            {
                order.Add(n);
                return default;
            });
        }

        Assert.True(await AsyncHub.WaitAllAsync());
        Assert.Equal(Enumerable.Range(0, 10), order);
    });

    [Fact]
    public void SleepZero_TwoTasks_Interleave() => AsyncTestFlow.Run(async () =>
    {
        // gevent test__order TestSleep0: '1A 2A 1B 2B'.
        var log = new List<string>();
        async ValueTask Body(string id)
        {
            log.Add(id + "A");
            await AsyncHub.SleepAsync(0);
            log.Add(id + "B");
        }

        AsyncGreenTask t1 = AsyncHub.Spawn(() => Body("1"));
        AsyncGreenTask t2 = AsyncHub.Spawn(() => Body("2"));
        Assert.True(await AsyncHub.JoinAllAsync([t1, t2]));
        Assert.Equal("1A 2A 1B 2B", string.Join(' ', log));
    });

    [Fact]
    public void SpawnT_Body_GetAsyncReturnsValue() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask<int> task = AsyncHub.Spawn(async () =>
        {
            await AsyncHub.SleepAsync(0);
            return 42;
        });
        Assert.Equal(42, await task.GetAsync());
        Assert.Equal(42, task.Value);
        Assert.Equal(42, await task.AsTask());
    });

    [Fact]
    public void SleepAsync_Timers_FireInDueOrder() => AsyncTestFlow.Run(async () =>
    {
        var log = new List<int>();
        AsyncGreenTask Sleeper(int ms) => AsyncHub.Spawn(async () =>
        {
            await AsyncHub.SleepAsync(ms);
            log.Add(ms);
        });

        AsyncGreenTask[] tasks = [Sleeper(30), Sleeper(10), Sleeper(20), Sleeper(1)];
        Assert.True(await AsyncHub.JoinAllAsync(tasks));
        Assert.Equal([1, 10, 20, 30], log);
    });

    [Fact]
    public void SpawnLater_Delay_StartsAfterTheDelayAndKillBeforeStartNeverRuns() => AsyncTestFlow.Run(async () =>
    {
        var log = new List<string>();
        AsyncGreenTask later = AsyncHub.SpawnLater(TimeSpan.FromMilliseconds(5), () =>
        {
            log.Add("later");
            return default;
        });
        AsyncGreenTask never = AsyncHub.SpawnLater(TimeSpan.FromMilliseconds(5), () =>
        {
            log.Add("never");
            return default;
        });
        AsyncHub.Spawn(() =>
        {
            log.Add("now");
            return default;
        });
        await never.KillAsync();
        Assert.True(never.IsReady);
        Assert.True(never.IsSuccessful);
        Assert.IsType<GreenletExit>(never.Value);
        Assert.True(await later.JoinAsync());
        Assert.Equal(["now", "later"], log);
    });

    [Fact]
    public void WaitAsync_Task_OthersRunMeanwhileAndResultReturns() => AsyncTestFlow.Run(async () =>
    {
        var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool otherRan = false;
        AsyncHub.Spawn(() =>
        {
            otherRan = true;
            source.SetResult(7);
            return default;
        });
        Assert.Equal(7, await AsyncHub.WaitAsync(source.Task));
        Assert.True(otherRan);
    });

    [Fact]
    public void WaitAsync_FaultedTask_RethrowsItsException() => AsyncTestFlow.Run(async () =>
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        AsyncHub.Spawn(() =>
        {
            source.SetException(new FormatException("boom"));
            return default;
        });
        FormatException e = await Assert.ThrowsAsync<FormatException>(async () => await AsyncHub.WaitAsync(source.Task));
        Assert.Equal("boom", e.Message);
    });

    [Fact]
    public void WaitAsync_TaskCompletedOnAnotherThread_ResumesInTheTree() => AsyncTestFlow.Run(async () =>
    {
        AsyncHub hub = AsyncHub.Current;
        Task<int> work = Task.Run(() => 5);
        Assert.Equal(5, await AsyncHub.WaitAsync(work));
        Assert.Same(hub, AsyncHub.Current);
        Assert.True(AsyncGreenlet.Current.IsMain);
    });

    [Fact]
    public void GetAsync_FailedTask_RethrowsAndIsNotReported() => AsyncTestFlow.Run(async () =>
    {
        var reported = new List<Exception>();
        AsyncHub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
        AsyncGreenTask task = AsyncHub.Spawn(async () =>
        {
            await AsyncHub.SleepAsync(0);
            throw new FormatException("bad");
        });
        await Assert.ThrowsAsync<FormatException>(async () => await task.GetAsync());
        Assert.False(task.IsSuccessful);
        Assert.IsType<FormatException>(task.Exception);
        Assert.Empty(reported);
    });

    [Fact]
    public void UnhandledException_FailedTaskNobodyObserves_IsReported() => AsyncTestFlow.Run(async () =>
    {
        var reported = new List<AsyncGreenletExceptionEventArgs>();
        AsyncHub.Current.UnhandledException += (_, e) => reported.Add(e);
        AsyncGreenTask task = AsyncHub.Spawn(() => throw new FormatException("lost"));
        await AsyncHub.SleepAsync(0);
        AsyncGreenletExceptionEventArgs report = Assert.Single(reported);
        Assert.Same(task, report.Greenlet);
        Assert.IsType<FormatException>(report.Exception);
    });

    [Fact]
    public void KillAsync_WaitingTask_RunsFinallyAndCountsAsSuccessful() => AsyncTestFlow.Run(async () =>
    {
        bool cleaned = false;
        AsyncGreenTask task = AsyncHub.Spawn(async () =>
        {
            try
            {
                await AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan);
            }
            finally
            {
                cleaned = true;
            }
        });
        await AsyncHub.SleepAsync(0);
        await task.KillAsync();
        Assert.True(cleaned);
        Assert.True(task.IsReady);
        Assert.True(task.IsSuccessful);
        Assert.IsType<GreenletExit>(task.Value);
    });

    [Fact]
    public void KillAsync_OtherException_IsTheTaskFailure() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask task = AsyncHub.Spawn(() => AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan));
        task.Link(_ => { });
        await AsyncHub.SleepAsync(0);
        await task.KillAsync(new FormatException("killed"));
        Assert.IsType<FormatException>(task.Exception);
    });

    [Fact]
    public void KillAllAsync_Tasks_KillsStartedAndUnstarted() => AsyncTestFlow.Run(async () =>
    {
        var log = new List<string>();
        AsyncGreenTask started = AsyncHub.Spawn(async () =>
        {
            try
            {
                await AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan);
            }
            finally
            {
                log.Add("started unwound");
            }
        });
        await AsyncHub.SleepAsync(0);
        AsyncGreenTask unstarted = AsyncHub.Spawn(() =>
        {
            log.Add("ran");
            return default;
        });
        await AsyncHub.KillAllAsync([started, unstarted]);
        Assert.True(started.IsReady && unstarted.IsReady);
        Assert.Equal(["started unwound"], log);
    });

    [Fact]
    public void JoinAllAsync_Timeout_ReturnsFalse() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask forever = AsyncHub.Spawn(() => AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan));
        Assert.False(await AsyncHub.JoinAllAsync([forever], TimeSpan.FromMilliseconds(1)));
        await forever.KillAsync();
    });

    [Fact]
    public void JoinAllAsync_ThrowOnError_RethrowsFirstFailure() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask ok = AsyncHub.Spawn(() => AsyncHub.SleepAsync(1));
        AsyncGreenTask bad = AsyncHub.Spawn(() => throw new FormatException("first"));
        await Assert.ThrowsAsync<FormatException>(async () => await AsyncHub.JoinAllAsync([ok, bad], throwOnError: true));
    });

    [Fact]
    public void Link_FinishedTask_CallbacksRunInOrderFromTheHub() => AsyncTestFlow.Run(async () =>
    {
        var log = new List<string>();
        AsyncGreenTask task = AsyncHub.Spawn(() => default);
        task.Link(_ => log.Add("any"));
        task.LinkException(_ => log.Add("exception"));
        task.LinkValue(t => log.Add("value " + t.IsSuccessful));
        Action<AsyncGreenTask> removed = _ => log.Add("removed");
        task.Link(removed);
        task.Unlink(removed);
        await task.JoinAsync();
        await AsyncHub.SleepAsync(0);
        Assert.Equal(["any", "value True"], log);
    });

    [Fact]
    public void LoopExit_MainWaitsForNothing_GetsHubLoopExitListingTheWaits() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask stuck = AsyncHub.Spawn(() => AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan));
        stuck.Name = "stuck";
        HubLoopExitException e = await Assert.ThrowsAsync<HubLoopExitException>(async () => await stuck.JoinAsync());
        Assert.Contains(e.Waiting, w => w.Contains("stuck", StringComparison.Ordinal) && w.Contains("AsyncHub.SleepAsync", StringComparison.Ordinal));
        Assert.Contains(e.Waiting, w => w.Contains("main", StringComparison.Ordinal) && w.Contains("AsyncGreenTask.JoinAsync", StringComparison.Ordinal));

        // The hub stays usable.
        await stuck.KillAsync();
        Assert.True(stuck.IsReady);
        await AsyncHub.SleepAsync(1);
    });

    [Fact]
    public void GreenTimeout_AsyncCode_RaisesAtThePendingAwait() => AsyncTestFlow.Run(async () =>
    {
        // The entry point touches the hub first, so that outside code of the flow is its main greenlet.
        _ = AsyncHub.Current;
        GreenTimeoutException? caught = null;
        using (var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1)))
        {
            try
            {
                await AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan);
            }
            catch (GreenTimeoutException e) when (e.Timeout == timeout)
            {
                caught = e;
            }

            Assert.True(timeout.HasFired);
        }

        Assert.NotNull(caught);
    });

    [Fact]
    public void GreenTimeout_InATask_KillsItsWait() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask task = AsyncHub.Spawn(async () =>
        {
            using var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(1));
            await AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan);
        });
        await task.JoinAsync();
        Assert.IsType<GreenTimeoutException>(task.Exception);
    });

    [Fact]
    public void GreenTimeout_DisposedInTime_NeverFires() => AsyncTestFlow.Run(async () =>
    {
        var timeout = new GreenTimeout(TimeSpan.FromMilliseconds(50));
        await AsyncHub.SleepAsync(0);
        timeout.Dispose();
        Assert.False(timeout.IsPending);
        await AsyncHub.SleepAsync(60);
        Assert.False(timeout.HasFired);
    });

    [Fact]
    public void SleepAsync_FromSynchronousMain_BlocksUntilDone()
    {
        // A plain thread is outside code of a fresh flow, as a synchronous Main is.
        Exception? failure = null;
        var log = new List<string>();
        var thread = new Thread(() =>
        {
            try
            {
                AsyncHub.Spawn(() =>
                {
                    log.Add("task");
                    return default;
                });
                AsyncHub.SleepAsync(5).AsTask().GetAwaiter().GetResult();
                log.Add("main");
                AsyncHub.SleepAsync(TimeSpan.Zero).AsTask().GetAwaiter().GetResult();
                log.Add("again");
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        using (ExecutionContext.SuppressFlow())
        {
            thread.Start();
        }

        Assert.True(thread.Join(TestTimeouts.Unexpected));
        Assert.Null(failure);
        Assert.Equal(["task", "main", "again"], log);
    }

    [Fact]
    public void SleepAsync_NegativeDelay_ThrowsBeforeAnythingChanges() => AsyncTestFlow.Run(() =>
    {
        // Thrown by the call itself, before a task exists.
        Assert.Throws<ArgumentOutOfRangeException>(() => Discard(AsyncHub.SleepAsync(TimeSpan.FromMilliseconds(-2))));
        Assert.Throws<ArgumentOutOfRangeException>(() => Discard(AsyncHub.SleepAsync(-2)));
        Assert.Throws<ArgumentNullException>(() => AsyncHub.Spawn(null!));
        Assert.Throws<ArgumentNullException>(() => AsyncHub.Spawn<int>(null!));
        Assert.Equal(0, AsyncHub.Current.WaitingCount);
        return Task.CompletedTask;
    });

    [Fact]
    public void ToString_Hub_DescribesItsQueues() => AsyncTestFlow.Run(async () =>
    {
        AsyncHub.Spawn(() => default);
        Assert.Equal("<AsyncHub ready=1 timers=0 waiting=0>", AsyncHub.Current.ToString());
        await AsyncHub.WaitAllAsync();
        Assert.Equal("<AsyncHub ready=0 timers=0 waiting=0>", AsyncHub.Current.ToString());
    });

    private static void Discard(ValueTask task) => Assert.Fail($"expected a synchronous throw, got {task}");
}

/// <summary>Misuse of the async hub gets the documented exception before anything changes, and leaves it usable.</summary>
public class AsyncHubMisuseTests
{
    [Fact]
    public void SyncWait_InAsyncGreenletCode_ThrowsAndBindsNothing() => AsyncTestFlow.Run(async () =>
    {
        var ev = new GreenEvent();
        var q = new GreenQueue<int>();
        AsyncGreenTask task = AsyncHub.Spawn(() =>
        {
            Assert.Throws<InvalidOperationException>(() => ev.Wait());
            Assert.Throws<InvalidOperationException>(() => q.Get());
            Assert.Throws<InvalidOperationException>(() => Hub.Sleep(0));
            return default;
        });
        await task.GetAsync();

        // Still unbound: the async members bind them to this hub and work.
        ev.Set();
        Assert.True(await ev.WaitAsync());
        await q.PutAsync(1);
        Assert.Equal(1, await q.GetAsync());
    });

    [Fact]
    public void JoinAsync_FromAnotherFlow_ThrowsGreenletError()
    {
        AsyncGreenTask? task = null;
        AsyncTestFlow.Run(() =>
        {
            task = AsyncHub.Spawn(() => default);
            return Task.CompletedTask;
        });
        AsyncTestFlow.Run(async () =>
        {
            _ = AsyncHub.Current;
            await Assert.ThrowsAsync<GreenletError>(async () => await task!.JoinAsync());
            Assert.Throws<GreenletError>(() => Discard(AsyncHub.JoinAllAsync([task!])));
        });
    }

    [Fact]
    public void AsyncMember_OnAThreadHubObject_FromAnAsyncHub_ThrowsGreenletError()
    {
        var ev = new GreenEvent();
        OnThread.Run(() => Assert.False(ev.Wait(TimeSpan.Zero)));
        AsyncTestFlow.Run(async () =>
        {
            _ = AsyncHub.Current;
            await Assert.ThrowsAsync<GreenletError>(async () => await ev.WaitAsync());
        });
    }

    [Fact]
    public void KillAsync_NotBlockingFromAnotherThread_IsPostedIntoTheHub() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask task = AsyncHub.Spawn(() => AsyncHub.SleepAsync(Timeout.InfiniteTimeSpan));
        await AsyncHub.SleepAsync(0);
        Task killer;
        using (ExecutionContext.SuppressFlow())
        {
            killer = Task.Run(async () => await task.KillAsync(block: false));
        }

        await AsyncHub.WaitAsync(killer);
        Assert.True(await task.JoinAsync());
        Assert.IsType<GreenletExit>(task.Value);
    });

    [Fact]
    public void KillAsync_ItsOwnTask_RaisesTheExceptionAtOnce() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask? self = null;
        self = AsyncHub.Spawn(async () =>
        {
            await self!.KillAsync(new FormatException("self"));
        });
        await self.JoinAsync();
        Assert.IsType<FormatException>(self.Exception);
    });

    [Fact]
    public void JoinAsync_OnItself_Throws() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask? self = null;
        self = AsyncHub.Spawn(async () => await self!.JoinAsync());
        await self.JoinAsync();
        Assert.IsType<InvalidOperationException>(self.Exception);
    });

    [Fact]
    public void Members_InvalidArguments_ThrowBeforeAnythingChanges() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenTask task = AsyncHub.Spawn(() => default);
        Assert.Throws<ArgumentOutOfRangeException>(() => Discard(task.JoinAsync(TimeSpan.FromSeconds(-2))));
        Assert.Throws<ArgumentOutOfRangeException>(() => Discard(task.GetAsync(TimeSpan.FromSeconds(-2))));
        Assert.Throws<ArgumentOutOfRangeException>(() => Discard(task.KillAsync(timeout: TimeSpan.FromSeconds(-2))));
        Assert.Throws<ArgumentNullException>(() => task.Link(null!));
        Assert.Throws<ArgumentNullException>(() => Discard(AsyncHub.JoinAllAsync(null!)));
        Assert.Throws<ArgumentNullException>(() => Discard(AsyncHub.KillAllAsync([null!])));
        Assert.Throws<ArgumentOutOfRangeException>(() => AsyncHub.SpawnLater(TimeSpan.FromSeconds(-2), () => default));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await AsyncHub.WaitAsync((Task)null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => Discard(new GreenEvent().WaitAsync(TimeSpan.FromSeconds(-2))));
        Assert.Throws<ArgumentOutOfRangeException>(() => Discard(new GreenQueue<int>().GetAsync(TimeSpan.FromSeconds(-2))));
        Assert.False(task.IsReady);
        Assert.True(await task.JoinAsync());
    });

    private static void Discard(ValueTask task) => Assert.Fail($"expected a synchronous throw, got {task}");

    private static void Discard<T>(ValueTask<T> task) => Assert.Fail($"expected a synchronous throw, got {task}");
}
