namespace Greenlets.Tests;

/// <summary>
/// The hub's scheduling order agrees with gevent 22.10: one test per case of the differential-testing report
/// (cases A..K); each expected log is what the twin Python program printed under gevent.
/// </summary>
public sealed class HubOrderingTests
{
    private static List<string> Log(Action<Action<string>> body)
    {
        var log = new List<string>();
        OnThread.Run(() => body(log.Add));
        return log;
    }

    [Fact]
    public void JoinAll_FinishedAndWaitingTask_WaitsForBoth()
    {
        // A: joinall returns once both are done; killall of a finished and a waiting greenlet kills the waiter.
        var log = Log(p =>
        {
            var e = new GreenEvent();
            var a = Hub.Spawn(() => { });
            var b = Hub.Spawn(() => { e.Wait(); });
            Hub.Sleep(TimeSpan.Zero);
            Hub.Spawn(e.Set);
            p($"{Hub.JoinAll([a, b])} {b.IsReady}");
            var c = Hub.Spawn(() => { new GreenEvent().Wait(); });
            Hub.Sleep(TimeSpan.Zero);
            Hub.KillAll([a, c]);
            p($"killed {c.IsReady}");
        });
        Assert.Equal(["True True", "killed True"], log);
    }

    [Fact]
    public void JoinAll_AllFinished_StillLetsReadyGreenletsRun()
    {
        // B: joinall of an already finished greenlet waits once, so a greenlet spawned before it runs first.
        var log = Log(p =>
        {
            var a = Hub.Spawn(() => { });
            Hub.Sleep(TimeSpan.Zero);
            Hub.Spawn(() => p("b runs"));
            Hub.JoinAll([a]);
            p("after JoinAll");
        });
        Assert.Equal(["b runs", "after JoinAll"], log);
    }

    [Fact]
    public void Link_CallbackAndJoiner_CallbackRunsBeforeJoinerResumes()
    {
        // C1: links run from one notifier at death, in registration order; a joiner is itself a link.
        var log = Log(p =>
        {
            var g = Hub.Spawn(() => Hub.Sleep(TimeSpan.Zero));
            g.Link(_ => p("link callback"));
            var j = Hub.Spawn(() => { g.Join(); p("joiner resumed"); });
            Hub.JoinAll([g, j]);
        });
        Assert.Equal(["link callback", "joiner resumed"], log);
    }

    [Fact]
    public void PoolKill_BeforeMemberRan_SlotFreesWhenHubRunsLinks()
    {
        // C2: the slot is freed by the dead member's link, which runs in the hub.
        var log = Log(p =>
        {
            var pool = new GreenPool(1);
            var g = pool.Spawn(() => { });
            g.Kill();
            p($"{pool.Count} {pool.FreeCount}");
            Hub.Sleep(TimeSpan.Zero);
            p($"{pool.Count} {pool.FreeCount}");
        });
        Assert.Equal(["1 0", "0 1"], log);
    }

    [Fact]
    public void Kill_ByAnotherGreenlet_KillerResumesBeforeMainsNextStep()
    {
        // D.
        var log = Log(p =>
        {
            var e = new GreenEvent();
            var t = Hub.Spawn(() => { e.Wait(); });
            Hub.Spawn(() => { t.Kill(); p("killer resumed"); });
            Hub.Sleep(TimeSpan.Zero);
            p("main 1");
            Hub.Sleep(TimeSpan.Zero);
            p("main 2");
            Hub.Sleep(TimeSpan.Zero);
        });
        Assert.Equal(["main 1", "killer resumed", "main 2"], log);
    }

    [Fact]
    public void Put_BoundedQueueWithWaitingGetter_ItemCountsUntilGetterRuns()
    {
        // E: the item is queued and the getter is only scheduled, so the queue is full meanwhile.
        var log = Log(p =>
        {
            var q = new GreenQueue<int>(1);
            Hub.Spawn(() => p($"got {q.Get()}"));
            Hub.Sleep(TimeSpan.Zero);
            q.Put(1);
            p($"{q.Count} {q.TryPut(2)}");
            Hub.Sleep(TimeSpan.Zero);
        });
        Assert.Equal(["1 False", "got 1"], log);
    }

    [Fact]
    public void Put_ChannelWithWaitingGetter_GetterRunsBeforePutReturns()
    {
        // F.
        var log = Log(p =>
        {
            var ch = new GreenQueue<int>(0);
            Hub.Spawn(() => p($"got {ch.Get()}"));
            Hub.Sleep(TimeSpan.Zero);
            ch.Put(1);
            p("put returned");
            Hub.Sleep(TimeSpan.Zero);
        });
        Assert.Equal(["got 1", "put returned"], log);
    }

    [Fact]
    public void Wait_SetEventWithPendingWakeUp_WokenWaiterRunsFirst()
    {
        // G1: a wait on a set event whose notifier is still scheduled waits for that notifier.
        var log = Log(p =>
        {
            var e = new GreenEvent();
            Hub.Spawn(() => { e.Wait(); p("waiter woken"); });
            Hub.Sleep(TimeSpan.Zero);
            e.Set();
            e.Wait();
            p("main passes");
        });
        Assert.Equal(["waiter woken", "main passes"], log);
    }

    [Fact]
    public void Wait_SetThenClearedBeforeNotifierRuns_LaterWaiterIsWoken()
    {
        // G2: the notifier wakes every greenlet waiting when it runs, even after a clear.
        var log = Log(p =>
        {
            var e = new GreenEvent();
            Hub.Spawn(() => { e.Wait(); p("a woken"); });
            Hub.Spawn(() => { e.Set(); e.Clear(); });
            var c = Hub.Spawn(() => { p($"c {e.Wait()}"); });
            c.Join();
            p("c finished");
        });
        Assert.Equal(["a woken", "c True", "c finished"], log);
    }

    [Fact]
    public void Release_WithWaiter_ReleaserCanReacquireAtOnce()
    {
        // H: a release schedules a notifier instead of handing the permit (or the lock) to the first waiter.
        var log = Log(p =>
        {
            var s = new GreenSemaphore(1);
            Hub.Spawn(() => { s.Acquire(); Hub.Sleep(TimeSpan.Zero); s.Release(); p($"semaphore {s.Acquire(TimeSpan.Zero)}"); });
            Hub.Spawn(() => { s.Acquire(); p("semaphore waiter"); });
            var l = new GreenLock();
            Hub.Spawn(() => { l.Acquire(); Hub.Sleep(TimeSpan.Zero); l.Release(); p($"lock {l.Acquire(TimeSpan.Zero)}"); });
            Hub.Spawn(() => { l.Acquire(); p("lock waiter"); });
            Hub.Sleep(TimeSpan.Zero);
            Hub.Sleep(TimeSpan.Zero);
            Hub.Sleep(TimeSpan.Zero);
        });
        Assert.Equal(["semaphore True", "lock True"], log);
    }

    [Fact]
    public void GroupJoin_MemberAddedAfterGroupEmptied_JoinReturnsWithIt()
    {
        // I: the group's empty event wakes the joiner through a notifier; a member added before it runs is
        // still in the group when Join returns, as under gevent.
        var log = Log(p =>
        {
            var grp = new GreenGroup();
            var a = grp.Spawn(() => Hub.Sleep(TimeSpan.Zero));
            var late = new GreenEvent();
            Hub.Spawn(() => { a.Join(); grp.Spawn(() => late.Wait()); Hub.Spawn(late.Set); });
            p($"{grp.Join()} {grp.Count}");
        });
        Assert.Equal(["True 1"], log);
    }

    [Fact]
    public void GroupKill_MemberSurvivesKillPastTimeout_ReturnsAfterTimeout()
    {
        // J: Kill(timeout) returns when the timeout passes; it does not throw.
        var log = Log(p =>
        {
            var grp = new GreenGroup();
            var release = new GreenEvent();
            var member = grp.Spawn(() =>
            {
                try
                {
                    new GreenEvent().Wait();
                }
                catch (GreenletExit)
                {
                    release.Wait();
                }
            });
            Hub.Sleep(TimeSpan.Zero);
            grp.Kill(timeout: TimeSpan.FromMilliseconds(20));
            p($"returned {grp.Count}");
            release.Set();
            member.Join();
            p($"finished {grp.Count}");
        });
        Assert.Equal(["returned 1", "finished 0"], log);
    }

    [Fact]
    public void SetException_AfterSet_FirstOutcomeKept()
    {
        // K: AsyncResult keeps the first outcome.
        var log = Log(p =>
        {
            var r = new GreenResult<string>();
            Hub.Spawn(() => p($"get {r.Get()}"));
            Hub.Sleep(TimeSpan.Zero);
            r.Set("v");
            r.SetException(new ArgumentException("e"));
            Hub.Sleep(TimeSpan.Zero);
            p($"later {r.Get()}");
        });
        Assert.Equal(["get v", "later v"], log);
    }
}
