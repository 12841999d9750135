using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>The thread fibers under <see cref="Greenlet"/>: handoffs (hot pairs, rings), pooling and the options.</summary>
/// <remarks>These tests read and change process-wide pool state and options, so they run alone with the other tests
/// that do. Round counts are bounded work: on a busy machine a cold handoff costs a scheduler slice (~1.5 ms), so a few
/// thousand rounds stay far inside the hang guard.</remarks>
[Collection(SerialCollection.Name)]
public sealed class FiberTests
{
    [Fact]
    public void Switch_HotPingPong_DeliversEveryValue() => OnThread.Run(() =>
    {
        // Far more round trips than the few it takes to become a hot (spinning) pair.
        const int rounds = 250 * HandoffGate.HotStreak;
        Greenlet main = Greenlet.Current;
        var echo = new Greenlet(x =>
        {
            while (true)
            {
                x = main.Switch((int)x! + 1);
            }
        });
        for (int i = 0; i < rounds; i++)
        {
            Assert.Equal(i + 1, echo.Switch(i));
        }

        echo.Throw();
        Assert.True(echo.IsDead);
    });

    [Fact]
    public void Switch_HotPairOfFibers_DeliversEveryValue() => OnThread.Run(() =>
    {
        const int rounds = 250 * HandoffGate.HotStreak;
        Greenlet main = Greenlet.Current;
        Greenlet? pong = null;
        var ping = new Greenlet(() =>
        {
            int sum = 0;
            for (int i = 0; i < rounds; i++)
            {
                sum += (int)pong!.Switch(i)!;
            }

            main.Switch(sum);
        });
        pong = new Greenlet(x =>
        {
            while (true)
            {
                x = ping.Switch((int)x! * 2);
            }
        });
        long expected = (long)rounds * (rounds - 1);
        Assert.Equal((int)expected, (int)ping.Switch()!);
        pong.Throw();
        ping.Throw();
    });

    [Fact]
    public void Switch_Ring_PassesBatonInOrder() => OnThread.Run(() =>
    {
        const int size = 50;
        const int laps = 20;
        Greenlet main = Greenlet.Current;
        var members = new Greenlet[size];
        var seen = new List<int>();
        for (int i = 0; i < size; i++)
        {
            int me = i;
            members[i] = new Greenlet(() =>
            {
                main.Switch();
                while (true)
                {
                    seen.Add(me);
                    if (seen.Count == size * laps)
                    {
                        main.Switch();
                    }
                    else
                    {
                        members[(me + 1) % size].Switch();
                    }
                }
            });
            members[i].Switch();
        }

        members[0].Switch();
        Assert.Equal(Enumerable.Range(0, size * laps).Select(i => i % size), seen);
        foreach (Greenlet g in members)
        {
            g.Throw();
        }
    });

    [Fact]
    public void Switch_SpinningAndPinningOff_StillHandsOff() => OnThread.Run(() =>
    {
        TimeSpan spin = GreenletOptions.HandoffSpinLimit;
        bool pin = GreenletOptions.PinFiberThreads;
        GreenletOptions.HandoffSpinLimit = TimeSpan.Zero;
        GreenletOptions.PinFiberThreads = false;
        try
        {
            Greenlet main = Greenlet.Current;
            var echo = new Greenlet(x =>
            {
                while (true)
                {
                    x = main.Switch(x);
                }
            });
            for (int i = 0; i < 2_000; i++)
            {
                Assert.Equal(i, echo.Switch(i));
            }

            echo.Throw();
        }
        finally
        {
            GreenletOptions.HandoffSpinLimit = spin;
            GreenletOptions.PinFiberThreads = pin;
        }
    });

    [Fact]
    public void Create_AfterAnotherFinished_ReusesItsThread()
    {
        // In a child process: the pool is process-wide, and a test running in parallel here may rent the fiber this
        // one just gave back, between two of its greenlets (that made this test fail on a loaded machine).
        var (code, output, _) = ProcessExitTests.RunChild("fiber-reuse");
        Assert.True(code == 0, output);
        Assert.Contains("threads used: 1, threads added: 0", output);
    }

    /// <summary>The child process of <see cref="Create_AfterAnotherFinished_ReusesItsThread"/>: a hundred greenlets made
    /// one after the other, each after the last finished.</summary>
    internal static int RunReuseChild()
    {
        int used = 0;
        int added = 0;
        var thread = new Thread(() =>
        {
            new Greenlet(() => { }).Switch();
            int threadsBefore = FiberPool.Shared.TotalThreads;
            var threads = new HashSet<int>();
            for (int i = 0; i < 100; i++)
            {
                new Greenlet(() => threads.Add(Environment.CurrentManagedThreadId)).Switch();
            }

            // The finished greenlet's fiber is back in the pool before its parent resumes, so each new one takes it.
            used = threads.Count;
            added = Math.Max(0, FiberPool.Shared.TotalThreads - threadsBefore);
        });
        thread.Start();
        thread.Join();
        Console.WriteLine($"threads used: {used}, threads added: {added}");
        return 0;
    }

    [Fact]
    public void Finish_WithPoolFull_ThreadExits() => OnThread.Run(() =>
    {
        int maxIdle = GreenletOptions.MaxIdleThreads;
        GreenletOptions.MaxIdleThreads = 0;
        try
        {
            Thread? fiber = null;
            new Greenlet(() => fiber = Thread.CurrentThread).Switch();
            Assert.True(fiber!.Join(TestTimeouts.Unexpected));
        }
        finally
        {
            GreenletOptions.MaxIdleThreads = maxIdle;
        }
    });

    [Fact]
    public void IdleThread_AfterIdleTimeout_Exits() => OnThread.Run(() =>
    {
        TimeSpan idle = GreenletOptions.IdleThreadTimeout;
        GreenletOptions.IdleThreadTimeout = TimeSpan.FromMilliseconds(50);
        try
        {
            // A fresh thread: the pooled ones are parked with the old timeout.
            Greenlet main = Greenlet.Current;
            var holders = Enumerable.Range(0, FiberPool.Shared.IdleThreads + 1).Select(_ => new Greenlet(() => main.Switch())).ToArray();
            Thread? fiber = null;
            foreach (Greenlet g in holders)
            {
                g.Switch();
            }

            new Greenlet(() => fiber = Thread.CurrentThread).Switch();
            foreach (Greenlet g in holders)
            {
                g.Switch();
            }

            Assert.True(fiber!.Join(TestTimeouts.Unexpected));
        }
        finally
        {
            GreenletOptions.IdleThreadTimeout = idle;
        }
    });

    [Fact]
    public void HandoffSpinLimit_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.HandoffSpinLimit = TimeSpan.FromTicks(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GreenletOptions.HandoffSpinLimit = TimeSpan.FromSeconds(2));
    }
}
