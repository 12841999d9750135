namespace Greenlets.Tests;

/// <summary>The TH* rules: one tree per OS thread, and no switching across trees.</summary>
public sealed class GreenletThreadTests
{
    [Fact]
    public void Switch_ToGreenletCreatedInAnotherThread_ThrowsGreenletError() => OnThread.Run(() =>
    {
        // TH2, S4: test_switch_to_another_thread
        using var release = new ManualResetEventSlim();
        using var ready = new ManualResetEventSlim();
        Greenlet? foreign = null;
        var other = new Thread(() =>
        {
            foreign = new Greenlet(() => { });
            ready.Set();
            release.Wait(TestTimeouts.Unexpected);
        });
        other.Start();
        Assert.True(ready.Wait(TestTimeouts.Unexpected));
        try
        {
            var e = Assert.Throws<GreenletError>(() => foreign!.Switch());
            Assert.Contains("cannot switch to a different thread", e.Message, StringComparison.Ordinal);
            Assert.Throws<GreenletError>(() => foreign!.Throw(new SomeException()));
            Assert.Equal(GreenletState.Pending, foreign!.State);
        }
        finally
        {
            release.Set();
            other.Join();
        }
    });

    [Fact]
    public void Switch_IntoTreeOfExitedThread_ThrowsGreenletErrorSayingExited() => OnThread.Run(() =>
    {
        // TH3: test_throw_to_dead_thread_doesnt_crash
        Greenlet? suspended = null;
        Greenlet? pending = null;
        Greenlet? foreignMain = null;
        var other = new Thread(() =>
        {
            foreignMain = Greenlet.Current;
            suspended = new Greenlet(() => Greenlet.Current.Parent!.Switch());
            suspended.Switch();
            pending = new Greenlet(() => { });
        });
        other.Start();
        Assert.True(other.Join(TestTimeouts.Unexpected));
        foreach (Greenlet g in new[] { suspended!, pending!, foreignMain! })
        {
            var e = Assert.Throws<GreenletError>(() => g.Throw(new SomeException()));
            Assert.Contains("which happens to have exited", e.Message, StringComparison.Ordinal);
        }

        Assert.True(foreignMain!.IsDead);
        Assert.EndsWith("(thread exited) dead>", foreignMain.ToString(), StringComparison.Ordinal);
        Assert.True(suspended!.IsDead);
    });

    [Fact]
    public void Current_OtherThread_HasItsOwnMain() => OnThread.Run(() =>
    {
        // TH1, Repr::test_main_from_other_thread
        Greenlet main = Greenlet.Current;
        string? mainSeenFromOther = null;
        Greenlet? otherMain = null;
        var other = new Thread(() =>
        {
            otherMain = Greenlet.Current;
            mainSeenFromOther = main.ToString();
            Assert.EndsWith(" current active started main>", otherMain.ToString(), StringComparison.Ordinal);
        });
        other.Start();
        Assert.True(other.Join(TestTimeouts.Unexpected));
        Assert.NotSame(main, otherMain);
        Assert.EndsWith(" current active started main>", mainSeenFromOther, StringComparison.Ordinal);
        Assert.True(otherMain!.IsDead);
        for (int i = 0; i < 3; i++)
        {
            Assert.EndsWith(" (thread exited) dead>", otherMain.ToString(), StringComparison.Ordinal);
        }
    });

    [Fact]
    public void GetTrace_NewThread_IsNull() => OnThread.Run(() =>
    {
        // TH6
        Greenlet.SetTrace((_, _, _) => { });
        GreenletTracer? inOther = (_, _, _) => { };
        var t = new Thread(() => inOther = Greenlet.GetTrace());
        t.Start();
        Assert.True(t.Join(TestTimeouts.Unexpected));
        Assert.Null(inOther);
        Assert.NotNull(Greenlet.GetTrace());
    });

    [Fact]
    public void Switch_ManyThreadsHammeringForeignTrees_EachAttemptFailsCleanly() => OnThread.Run(() =>
    {
        // TH7: test_switching_many_threads (16 owners, 16 attackers, 20 rounds)
        const int owners = 16;
        const int rounds = 20;
        var greenlets = new Greenlet[owners];
        using var created = new CountdownEvent(owners);
        using var stop = new ManualResetEventSlim();
        int foreignErrors = 0;
        int otherErrors = 0;
        int ownerRounds = 0;
        var ownerThreads = Enumerable.Range(0, owners).Select(i => new Thread(() =>
        {
            var g = new Greenlet(x =>
            {
                while (true)
                {
                    x = Greenlet.Current.Parent!.Switch(x);
                }
            });
            g.Switch(0);
            greenlets[i] = g;
            created.Signal();
            for (int r = 0; r < rounds * 50; r++)
            {
                if (!Equals(g.Switch(r), r))
                {
                    Interlocked.Increment(ref otherErrors);
                }

                Interlocked.Increment(ref ownerRounds);
            }

            stop.Wait(TestTimeouts.Unexpected);
            g.Throw();
        })).ToList();
        ownerThreads.ForEach(t => t.Start());
        Assert.True(created.Wait(TestTimeouts.Unexpected));
        var attackers = Enumerable.Range(0, owners).Select(i => new Thread(() =>
        {
            for (int r = 0; r < rounds; r++)
            {
                try
                {
                    greenlets[(i + 1) % owners].Switch(r);
                    Interlocked.Increment(ref otherErrors);
                }
                catch (GreenletError)
                {
                    Interlocked.Increment(ref foreignErrors);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref otherErrors);
                }
            }
        })).ToList();
        attackers.ForEach(t => t.Start());
        attackers.ForEach(t => Assert.True(t.Join(TestTimeouts.Unexpected)));
        stop.Set();
        ownerThreads.ForEach(t => Assert.True(t.Join(TestTimeouts.Unexpected)));
        Assert.Equal(owners * rounds, foreignErrors);
        Assert.Equal(0, otherErrors);
        Assert.Equal(owners * rounds * 50, ownerRounds);
        Assert.All(greenlets, g => Assert.True(g.IsDead));
    });

    [Fact]
    public void Parent_SetFromAnotherThreadWhileOwnerStartsIt_StartsInOneTreeOrIsRefused() => OnThread.Run(() =>
    {
        // A pending greenlet belongs to no tree until it starts. Another thread may re-parent it into its own tree,
        // racing the owner's first switch: either the re-parent comes first (the owner's switch is refused) or the
        // start does (the re-parent is refused). It must never start in the owner's tree with a foreign parent.
        const int rounds = 3000;
        // Not disposed: after a failure a thread may still hang in it.
        var barrier = new Barrier(2);
        Greenlet? foreignParent = null;
        var candidates = new Greenlet?[rounds];
        var ownerOutcomes = new string[rounds];
        var setterOutcomes = new string[rounds];
        using var foreignReady = new ManualResetEventSlim();
        Exception? setterFailure = null;
        var setter = new Thread(() =>
        {
            try
            {
                foreignParent = Greenlet.Current;
                foreignReady.Set();
                for (int i = 0; i < rounds; i++)
                {
                    Assert.True(barrier.SignalAndWait(TestTimeouts.Unexpected), "the owner never reached the barrier");
                    try
                    {
                        candidates[i]!.Parent = foreignParent;
                        setterOutcomes[i] = "set";
                    }
                    catch (ArgumentException)
                    {
                        setterOutcomes[i] = "refused";
                    }
                }
            }
            catch (Exception e)
            {
                setterFailure = e;
                barrier.RemoveParticipant();
            }
        })
        { IsBackground = true };
        setter.Start();
        Assert.True(foreignReady.Wait(TestTimeouts.Unexpected));

        var owner = new Thread(() =>
        {
            Greenlet main = Greenlet.Current;
            for (int i = 0; i < rounds; i++)
            {
                candidates[i] = new Greenlet(() => "ran");
                Assert.True(barrier.SignalAndWait(TestTimeouts.Unexpected), "the setter never reached the barrier");
                try
                {
                    object? got = candidates[i]!.Switch();
                    ownerOutcomes[i] = got as string == "ran" ? "ran" : $"got {got}";
                }
                catch (GreenletError)
                {
                    ownerOutcomes[i] = "refused";
                }
            }
        })
        { IsBackground = true };
        owner.Start();
        Assert.True(owner.Join(TestTimeouts.Unexpected), "the owner's switch never returned: a greenlet started with a foreign parent");
        Assert.True(setter.Join(TestTimeouts.Unexpected));
        Assert.Null(setterFailure);
        for (int i = 0; i < rounds; i++)
        {
            bool ranHere = ownerOutcomes[i] == "ran" && setterOutcomes[i] == "refused";
            bool movedFirst = ownerOutcomes[i] == "refused" && setterOutcomes[i] == "set" && candidates[i]!.State == GreenletState.Pending;
            Assert.True(ranHere || movedFirst, $"round {i}: owner {ownerOutcomes[i]}, setter {setterOutcomes[i]}, state {candidates[i]!.State}");
        }
    });

    [Fact]
    public void Switch_ThreadBlockingInsideGreenlets_NoCrash() => OnThread.Run(() =>
    {
        // test_thread_bug: two threads each start a greenlet that blocks the thread for a while.
        using var gate = new Barrier(2);
        var threads = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            var g = new Greenlet(() => gate.SignalAndWait(TestTimeouts.Unexpected));
            g.Switch();
            Assert.True(g.IsDead);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TestTimeouts.Unexpected)));
    });
}
