using System.Diagnostics;
using System.Runtime.CompilerServices;
using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>The G* rules: suspended greenlets that nothing references are killed; pending and dead ones are freed.</summary>
[Collection(SerialCollection.Name)]
public sealed class GreenletCollectionTests
{
    private static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference MakeSuspended(List<string> seen, string name)
    {
        var g = new Greenlet(() =>
        {
            try
            {
                Greenlet.Current.Parent!.Switch();
            }
            catch (GreenletExit e)
            {
                seen.Add("exit: " + e.Message);
                throw;
            }
            finally
            {
                seen.Add("finally " + Greenlet.Current.Name);
            }
        }) { Name = name };
        g.Switch();
        return new WeakReference(g);
    }

    [Fact]
    public void Collect_SuspendedUnreachable_KilledAtNextGreenletCall() => OnThread.Run(() =>
    {
        // G1 (deferred to the tree's next greenlet call), X4, test_dealloc
        var seen = new List<string>();
        MakeSuspended(seen, "a");
        MakeSuspended(seen, "b");
        Collect();
        _ = Greenlet.Current;
        Assert.Equal(4, seen.Count);
        Assert.Contains("exit: Killing the greenlet because all references have vanished.", seen);
        Assert.Contains("finally a", seen);
        Assert.Contains("finally b", seen);
    });

    [Fact]
    public void Collect_PendingAndDead_FreedWithNothingRun() => OnThread.Run(() =>
    {
        // G6: test_inactive_weakref, test_dead_weakref
        bool ran = false;
        WeakReference pending = MakePending(() => ran = true);
        WeakReference dead = MakeDead();
        Collect();
        _ = Greenlet.Current;
        Assert.False(pending.IsAlive);
        Assert.False(dead.IsAlive);
        Assert.False(ran);
    });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference MakePending(Action body) => new(new Greenlet(body));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference MakeDead()
    {
        var g = new Greenlet(() => { });
        g.Switch();
        return new WeakReference(g);
    }

    [Fact]
    public void Collect_DeadGreenletReturningItself_IsCollected() => OnThread.Run(() =>
    {
        // test_dead_circular_ref
        WeakReference weak = MakeSelfReturning();
        Collect();
        Assert.False(weak.IsAlive);
    });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference MakeSelfReturning()
    {
        var g = new Greenlet(_ => Greenlet.Current);
        object? result = g.Switch();
        Assert.Same(g, result);
        return new WeakReference(result);
    }

    [Fact]
    public void Collect_KilledGreenletResurrects_ParentRestored() => OnThread.Run(() =>
    {
        // G2, G5: test_parent_restored_on_kill
        var kept = new List<Greenlet>();
        var parents = new List<string>();
        var hub = new Greenlet(() => { }) { Name = "hub" };
        MakeResurrecting(hub, kept, parents);
        Collect();
        _ = Greenlet.Current;
        Assert.Equal(["main"], parents);
        Greenlet worker = Assert.Single(kept);
        Assert.Same(hub, worker.Parent);
        Assert.True(worker.IsDead);
    });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeResurrecting(Greenlet hub, List<Greenlet> kept, List<string> parents)
    {
        Greenlet main = Greenlet.Current;
        var worker = new Greenlet(() =>
        {
            try
            {
                main.Switch();
            }
            catch (GreenletExit)
            {
                parents.Add(Greenlet.Current.Parent!.Name);
                kept.Add(Greenlet.Current);
            }
        }, hub) { Name = "worker" };
        worker.Switch();
    }

    [Fact]
    public void Collect_KilledGreenletRaisesOther_ReportedOnceNotThrown() => OnThread.Run(() =>
    {
        // G4: test_dealloc_catches_GreenletExit_throws_other
        var reported = new List<Exception>();
        void Handler(object? sender, GreenletExceptionEventArgs e)
        {
            if (e.Greenlet.Name == "raiser")
            {
                reported.Add(e.Exception);
            }
        }

        Greenlet.UnobservedException += Handler;
        try
        {
            MakeRaiser();
            Collect();
            _ = Greenlet.Current;
        }
        finally
        {
            Greenlet.UnobservedException -= Handler;
        }

        Assert.IsType<SomeException>(Assert.Single(reported));
    });

    [Fact]
    public void Collect_UnobservedHandlerThrows_OtherHandlersRunAndNothingPropagates() => OnThread.Run(() =>
    {
        // A logging bug in one subscriber must neither hide the report from the others nor escape into unrelated code
        // (here the next call into the library, which runs the pending kill).
        var reported = new List<Exception>();
        static void Throwing(object? sender, GreenletExceptionEventArgs e) => throw new InvalidOperationException("handler bug");
        void Recording(object? sender, GreenletExceptionEventArgs e)
        {
            if (e.Greenlet.Name == "raiser")
            {
                reported.Add(e.Exception);
            }
        }

        Greenlet.UnobservedException += Throwing;
        Greenlet.UnobservedException += Recording;
        try
        {
            MakeRaiser();
            Collect();
            Exception? escaped = Record.Exception(() => _ = Greenlet.Current);
            Assert.Null(escaped);
        }
        finally
        {
            Greenlet.UnobservedException -= Throwing;
            Greenlet.UnobservedException -= Recording;
        }

        Assert.IsType<SomeException>(Assert.Single(reported));
    });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeRaiser()
    {
        var g = new Greenlet(() =>
        {
            try
            {
                Greenlet.Current.Parent!.Switch();
            }
            catch (GreenletExit)
            {
                throw new SomeException();
            }
        }) { Name = "raiser" };
        g.Switch();
    }

    [Fact]
    public void Collect_DroppedFromAnotherThread_KilledOnlyWhenOwnerCallsIn() => OnThread.Run(() =>
    {
        // G7: test_dealloc_other_thread
        var seen = new List<string>();
        using var created = new ManualResetEventSlim();
        using var collected = new ManualResetEventSlim();
        int countBeforeOwnerCall = -1;
        var owner = new Thread(() =>
        {
            MakeSuspended(seen, "other");
            created.Set();
            collected.Wait(TestTimeouts.Unexpected);
            lock (seen)
            {
                countBeforeOwnerCall = seen.Count;
            }

            _ = new Greenlet(() => { });
        });
        owner.Start();
        Assert.True(created.Wait(TestTimeouts.Unexpected));
        Collect();
        collected.Set();
        Assert.True(owner.Join(TestTimeouts.Unexpected));
        Assert.Equal(0, countBeforeOwnerCall);
        Assert.Contains("finally other", seen);
    });

    [Fact]
    public void ThreadExit_SuspendedGreenlets_UnwoundAndFinallyRuns() => OnThread.Run(() =>
    {
        // G9 as the design maps it (also G8): a thread exits holding suspended greenlets; they are unwound.
        const int count = 20;
        using var finallies = new CountdownEvent(count);
        var t = new Thread(() => Abandonment.LeaveSuspended(count, () => finallies.Signal()));
        t.Start();
        Assert.True(t.Join(TestTimeouts.Unexpected));
        Assert.True(finallies.Wait(TestTimeouts.Unexpected), $"{finallies.CurrentCount} greenlets were not unwound");
    });

    [Fact]
    public void Collect_TenThousandAbandoned_ThreadsReturnAndEverySuspendedRanFinally() => OnThread.Run(() =>
    {
        // test_leaks: 10,000 greenlets left pending, suspended or dead, dropped; threads return near the start.
        using var process = Process.GetCurrentProcess();
        Collect();
        _ = Greenlet.Current;
        process.Refresh();
        int threadsBefore = process.Threads.Count;
        int finallies = 0;
        var (suspended, dead) = Abandonment.Abandon(10_000, () => Interlocked.Increment(ref finallies));
        Collect();
        _ = Greenlet.Current;
        Assert.Equal(suspended + dead, Volatile.Read(ref finallies));
        int bound = threadsBefore + GreenletOptions.MaxIdleThreads + 16;
        Abandonment.AssertThreadsReturnTo(process, bound);
        Assert.Equal(0, CurrentTreeLiveCount());
    });

    private static int CurrentTreeLiveCount() => GreenletCore.OnThisThread!.Tree!.LiveCount;
}
