using Nito.AsyncEx;

namespace Greenlets.Tests;

public class GreenTaskTests
{
    [Fact]
    public void Get_ReturnsValue()
    {
        OnThread.Run(() =>
        {
            GreenTask<int> task = Hub.Spawn(() => 5);
            Assert.Equal(5, task.Get());
            Assert.True(task.IsReady);
            Assert.True(task.IsSuccessful);
            Assert.Equal(5, task.Value);
            Assert.Null(task.Exception);
            Assert.True(task.IsDead);
        });
    }

    [Fact]
    public void Get_Failure_RethrowsWithOriginalStackTrace()
    {
        OnThread.Run(() =>
        {
            static int Fail() => throw new FormatException("myattr");
            GreenTask<int> task = Hub.Spawn(Fail);
            FormatException e = Assert.Throws<FormatException>(() => task.Get());
            Assert.Contains(nameof(Fail), e.StackTrace, StringComparison.Ordinal);
            Assert.False(task.IsSuccessful);
            Assert.Same(e, task.Exception);
            Assert.Equal(0, task.Value);
        });
    }

    [Fact]
    public void Parent_IsHub_SoFinishingReturnsToHubNotSpawner()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => { });
            Assert.Same(Hub.Current, task.Parent);
            Assert.False(task.IsStarted);
            task.Join();
            Assert.True(task.IsDead);
        });
    }

    [Fact]
    public void Join_Timeout_ReturnsFalse()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Assert.False(task.Join(TimeSpan.FromMilliseconds(5)));
            task.Kill();
            Assert.True(task.Join());
        });
    }

    [Fact]
    public void Join_Failure_ReturnsTrueWithoutThrowing()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => throw new FormatException());
            Assert.True(task.Join());
            Assert.IsType<FormatException>(task.Exception);
        });
    }

    [Fact]
    public void Get_Timeout_ThrowsGreenTimeoutException()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Assert.Throws<GreenTimeoutException>(() => task.Get(TimeSpan.FromMilliseconds(5)));
            task.Kill();
        });
    }

    [Fact]
    public void Join_Self_ThrowsInvalidOperation()
    {
        OnThread.Run(() =>
        {
            GreenTask? self = null;
            self = Hub.Spawn(() => self!.Join());
            Assert.IsType<InvalidOperationException>(Assert.Throws<InvalidOperationException>(() => self.Get()));
        });
    }

    [Fact]
    public void Kill_BeforeStart_NeverRunsAndLinksFire()
    {
        // gevent TestKill / issue 330: killing before the first run means it never runs.
        OnThread.Run(() =>
        {
            bool ran = false;
            GreenTask task = Hub.Spawn(() => ran = true);
            GreenTask? linked = null;
            task.Link(t => linked = t);
            task.Kill();
            Assert.True(task.IsReady);
            Assert.True(task.IsDead);
            Assert.True(task.IsSuccessful);
            Assert.IsType<GreenletExit>(task.Value);
            Hub.WaitAll();
            Assert.False(ran);
            Assert.Same(task, linked);
        });
    }

    [Fact]
    public void Kill_Suspended_RunsFinallyAndCountsAsSuccess()
    {
        OnThread.Run(() =>
        {
            bool cleaned = false;
            GreenTask task = Hub.Spawn(() =>
            {
                try
                {
                    Hub.Sleep(TimeSpan.FromSeconds(30));
                }
                finally
                {
                    cleaned = true;
                }
            });
            Hub.Sleep(0);
            task.Kill();
            Assert.True(cleaned);
            Assert.True(task.IsSuccessful);
            Assert.IsType<GreenletExit>(task.Value);
            Assert.Null(task.Exception);
        });
    }

    [Fact]
    public void Kill_WithException_TaskFails()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Hub.Sleep(0);
            task.Kill(new FormatException("killed"));
            Assert.False(task.IsSuccessful);
            Assert.IsType<FormatException>(task.Exception);
        });
    }

    [Fact]
    public void Kill_NonBlocking_ReturnsBeforeTaskDies()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Hub.Sleep(0);
            task.Kill(block: false);
            Assert.False(task.IsReady);
            task.Join();
            Assert.True(task.IsSuccessful);
        });
    }

    [Fact]
    public void Kill_Ready_DoesNothingAndNeverThrows()
    {
        OnThread.Run(() =>
        {
            GreenTask<int> task = Hub.Spawn(() => 1);
            task.Join();
            task.Kill();
            task.Kill(new FormatException());
            Assert.Equal(1, task.Get());
        });
    }

    [Fact]
    public void Kill_TaskCatchingExitAndWaitingAgain_BlockTimesOut()
    {
        OnThread.Run(() =>
        {
            var stop = new GreenEvent();
            GreenTask task = Hub.Spawn(() =>
            {
                try
                {
                    Hub.Sleep(TimeSpan.FromSeconds(30));
                }
                catch (GreenletExit)
                {
                    stop.Wait();
                }
            });
            Hub.Sleep(0);
            task.Kill(timeout: TimeSpan.FromMilliseconds(5));
            Assert.False(task.IsReady);
            stop.Set();
            Assert.True(task.Join());
        });
    }

    [Fact]
    public void Link_CallbacksRunInOrderInOwnGreenletsFromHub()
    {
        OnThread.Run(() =>
        {
            var log = new List<string>();
            GreenTask<int> task = Hub.Spawn(() => 1);
            Greenlet? where = null;
            task.Link(_ => { log.Add("a"); where = Greenlet.Current; });
            task.Link(_ => log.Add("b"));
            task.LinkException(_ => log.Add("exception"));
            task.LinkValue(_ => log.Add("value"));
            task.Join();
            Hub.Sleep(0);
            Assert.Equal(["a", "b", "value"], log);
            Assert.NotSame(Hub.Current, where);
            Assert.Same(Hub.Current, where!.Parent);
        });
    }

    [Fact]
    public void LinkException_Failure_Fires()
    {
        OnThread.Run(() =>
        {
            var log = new List<string>();
            GreenTask task = Hub.Spawn(() => throw new FormatException());
            task.LinkValue(_ => log.Add("value"));
            task.LinkException(t => log.Add(t.Exception!.GetType().Name));
            Hub.WaitAll();
            Assert.Equal(["FormatException"], log);
        });
    }

    [Fact]
    public void Link_AfterReady_StillFires()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => { });
            task.Join();
            bool fired = false;
            task.Link(_ => fired = true);
            Hub.Sleep(0);
            Assert.True(fired);
        });
    }

    [Fact]
    public void Unlink_BeforeFinish_DoesNotFire()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => { });
            bool fired = false;
            Action<GreenTask> callback = _ => fired = true;
            task.Link(callback);
            task.Unlink(callback);
            Hub.WaitAll();
            Assert.False(fired);
        });
    }

    [Fact]
    public void Link_CallbackMayWait()
    {
        OnThread.Run(() =>
        {
            bool done = false;
            GreenTask task = Hub.Spawn(() => { });
            task.Link(_ =>
            {
                Hub.Sleep(1);
                done = true;
            });
            Hub.WaitAll();
            Assert.True(done);
        });
    }

    [Fact]
    public void Link_CallbackThrows_ReportedAndOthersStillRun()
    {
        OnThread.Run(() =>
        {
            var reported = new List<Exception>();
            Hub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
            bool second = false;
            GreenTask task = Hub.Spawn(() => { });
            task.Link(_ => throw new FormatException());
            task.Link(_ => second = true);
            Hub.WaitAll();
            Assert.True(second);
            Assert.IsType<FormatException>(Assert.Single(reported));
        });
    }

    [Fact]
    public void AsTask_AwaitedFromAsyncContext_GetsResult()
    {
        // Nito.AsyncEx's AsyncContext: await the greenlet task from single-threaded async code on another thread.
        Task<int> pending = OnThread.Run(() =>
        {
            GreenTask<int> task = Hub.Spawn(() =>
            {
                Hub.Sleep(1);
                return 42;
            });
            Task<int> awaited = task.AsTask();
            Assert.False(awaited.IsCompleted);
            task.Join();
            return awaited;
        });
        Assert.Equal(42, AsyncContext.Run(async () => await pending));
    }

    [Fact]
    public void AsTask_Failure_AwaitRethrows()
    {
        Task awaited = OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => throw new FormatException());
            Task t = task.AsTask();
            task.Join();
            return t;
        });
        Assert.Throws<FormatException>(() => AsyncContext.Run(async () => await awaited));
    }

    [Fact]
    public void AsTask_Killed_CompletesSuccessfully()
    {
        Task awaited = OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => Hub.Sleep(TimeSpan.FromSeconds(30)));
            Task t = task.AsTask();
            Hub.Sleep(0);
            task.Kill();
            return t;
        });
        Assert.True(awaited.IsCompletedSuccessfully);
    }

    [Fact]
    public void Start_Twice_SchedulesOnce()
    {
        OnThread.Run(() =>
        {
            int runs = 0;
            var task = new GreenTask(() => runs++);
            task.Start();
            task.Start();
            Hub.WaitAll();
            Assert.Equal(1, runs);
            Assert.True(task.IsReady);
        });
    }

    [Fact]
    public void IsActive_ScheduledButNotRun_IsFalseUntilItRuns()
    {
        OnThread.Run(() =>
        {
            var gate = new GreenEvent();
            GreenTask task = Hub.Spawn(() => gate.Wait());
            Assert.False(task.IsActive);
            Hub.Sleep(0);
            Assert.True(task.IsActive);
            gate.Set();
            task.Join();
            Assert.False(task.IsActive);
        });
    }

    [Fact]
    public void ToString_ShowsOutcome()
    {
        OnThread.Run(() =>
        {
            GreenTask task = Hub.Spawn(() => { });
            task.Name = "t1";
            task.Join();
            Assert.Equal("<GreenTask \"t1\" successful>", task.ToString());
        });
    }

    [Fact]
    public void Kill_Self_RaisesAtOnceAndCountsAsSuccess()
    {
        OnThread.Run(() =>
        {
            bool after = false;
            GreenTask? self = null;
            self = Hub.Spawn(() =>
            {
                self!.Kill();
                after = true;
            });
            self.Join();
            Assert.False(after);
            Assert.True(self.IsSuccessful);
            Assert.IsType<GreenletExit>(self.Value);
        });
    }

    [Fact]
    public void Kill_FinallyThrowsWhileUnwinding_FailureIsReportedToTheHub()
    {
        // Issue 10 item 2: gevent sends a failure raised during a kill to the hub's error handler; nothing hides it.
        OnThread.Run(() =>
        {
            var reported = new List<Exception>();
            Hub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
            GreenTask task = Hub.Spawn(() =>
            {
                try
                {
                    Hub.Sleep(Timeout.InfiniteTimeSpan);
                }
                finally
                {
#pragma warning disable CA2219 // the scenario under test: cleanup that fails while the kill unwinds
                    throw new SomeException();
#pragma warning restore CA2219
                }
            });
            Hub.Sleep(TimeSpan.Zero);
            task.Kill();
            Assert.True(task.IsReady);
            Assert.False(task.IsSuccessful);
            Assert.IsType<SomeException>(task.Exception);
            Hub.Sleep(TimeSpan.Zero);
            Assert.IsType<SomeException>(Assert.Single(reported));
        });
    }
}
