using System.Diagnostics;
using System.Runtime.CompilerServices;

// Misuse tests hold ValueTasks on purpose; the synchronous-main tests block on purpose, guarded by TestTimeouts.
#pragma warning disable CA2012, xUnit1031

namespace Greenlets.Tests;

/// <summary>What is particular to <see cref="AsyncGreenlet"/>: the trampoline, trees as flows, foreign awaits, misuse, collection.</summary>
public sealed class AsyncGreenletTests
{
    [Fact]
    public void SwitchAsync_LongRing_StackStaysFlatAndThreadStaysSame() => AsyncTestFlow.Run(async () =>
    {
        const int count = 100;
        const int laps = 1000;
        var ring = new AsyncGreenlet[count];
        int mainThread = Environment.CurrentManagedThreadId;
        int minDepth = int.MaxValue;
        int maxDepth = 0;
        bool sameThread = true;
        for (int i = 0; i < count; i++)
        {
            int index = i;
            ring[i] = new AsyncGreenlet(async x =>
            {
                for (int lap = 0; lap < laps; lap++)
                {
                    int depth = new StackTrace().FrameCount;
                    minDepth = Math.Min(minDepth, depth);
                    maxDepth = Math.Max(maxDepth, depth);
                    sameThread &= Environment.CurrentManagedThreadId == mainThread;
                    x = await ring[(index + 1) % count].SwitchAsync(x);
                }

                return x;
            });
        }

        await ring[0].SwitchAsync(0);
        Assert.True(sameThread);
        Assert.InRange(maxDepth - minDepth, 0, 8);
    });

    [Fact]
    public void SwitchAsync_SteadyState_AllocatesNothing() => AsyncTestFlow.Run(async () =>
    {
        const int switches = 100_000;
        long allocated = -1;
        AsyncGreenlet? pong = null;
        var ping = new AsyncGreenlet(async _ =>
        {
            for (int i = 0; i < 1000; i++)
            {
                await pong!.SwitchAsync();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < switches; i++)
            {
                await pong!.SwitchAsync();
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            return null;
        });
        pong = new AsyncGreenlet(async _ =>
        {
            while (true)
            {
                await ping.SwitchAsync();
            }
        });
        await ping.SwitchAsync();
        Assert.Equal(0, allocated);
    });

    [Fact]
    public void SwitchAsync_FromSynchronousMain_ReturnsWhenControlComesBack()
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TestTimeouts.Unexpected));
        Assert.Null(failure);

        static void Body()
        {
            AsyncGreenlet main = AsyncGreenlet.Current;
            var g = new AsyncGreenlet(async x =>
            {
                object? y = await main.SwitchAsync((int)x! + 1);
                return (int)y! * 10;
            });
            Assert.Equal(2, g.SwitchAsync(1).AsTask().GetAwaiter().GetResult());
            Assert.Equal(50, g.SwitchAsync(5).AsTask().GetAwaiter().GetResult());
            Assert.True(g.IsDead);

            // The greenlet waits on a timer: the blocked main returns when the greenlet, resumed on the timer's
            // thread, switches back.
            var waiter = new AsyncGreenlet(async x =>
            {
                await Task.Delay(1);
                object? again = await main.SwitchAsync($"{x} after delay");
                await Task.Delay(1);
                return again;
            });
            Assert.Equal("w after delay", waiter.SwitchAsync("w").AsTask().GetAwaiter().GetResult());
            Assert.Equal("end", waiter.SwitchAsync("end").AsTask().GetAwaiter().GetResult());
            Assert.True(waiter.IsDead);
        }
    }

    [Fact]
    public void SwitchAsync_GreenletAwaitsForeignTask_TreeWaitsThenContinues()
    {
        // Synchronous main blocks until the greenlet, resumed on another thread, switches back.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<object?> result;
        AsyncGreenlet g;
        using (ExecutionContext.SuppressFlow())
        {
            (g, result) = Task.Run(() =>
            {
                AsyncGreenlet main = AsyncGreenlet.Current;
                var g = new AsyncGreenlet(async _ =>
                {
                    started.SetResult();
                    await gate.Task;
                    return await main.SwitchAsync("after foreign await");
                });
                return (g, g.SwitchAsync().AsTask());
            }).GetAwaiter().GetResult();
        }

        Assert.True(started.Task.Wait(TestTimeouts.Unexpected));
        Assert.False(result.IsCompleted);
        Assert.Equal(GreenletState.Running, g.State);
        gate.SetResult();
        Assert.True(result.Wait(TestTimeouts.Unexpected));
        Assert.Equal("after foreign await", result.Result);
        Assert.Equal(GreenletState.Suspended, g.State);
    }

    [Fact]
    public void SwitchAsync_GreenletFinishesAfterForeignAwait_ParentGetsResult() => AsyncTestFlow.Run(async () =>
    {
        var g = new AsyncGreenlet(async x =>
        {
            await Task.Yield();
            await Task.Delay(1);
            return $"{x} later";
        });
        Assert.Equal("done later", await g.SwitchAsync("done"));
        Assert.True(g.IsDead);
    });

    [Fact]
    public void SwitchAsync_ForeignAwaitThenSwitchChain_RunsTrampolineThere() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        AsyncGreenlet? b = null;
        var a = new AsyncGreenlet(async _ =>
        {
            await Task.Delay(1).ConfigureAwait(false);
            int sum = 0;
            for (int i = 0; i < 100; i++)
            {
                sum += (int)(await b!.SwitchAsync(i))!;
            }

            return sum;
        });
        b = new AsyncGreenlet(async x =>
        {
            while (true)
            {
                x = await a.SwitchAsync((int)x! * 2);
            }
        });
        Assert.Equal(9900, await a.SwitchAsync());
        Assert.Same(main, AsyncGreenlet.Current);
    });

    [Fact]
    public void SwitchAsync_RingWithForeignAwaitsBetweenSwitches_OneGreenletRunsAtATime() => AsyncTestFlow.Run(async () =>
    {
        // Every switch is preceded by a hop to the thread pool, so switches come from pool threads, outside any
        // trampoline, racing the previous loop's bookkeeping: the baton must still pass one greenlet at a time.
        const int count = 20;
        const int laps = 50;
        var ring = new AsyncGreenlet[count];
        int running = 0;
        int overlaps = 0;
        int steps = 0;
        for (int i = 0; i < count; i++)
        {
            int index = i;
            ring[i] = new AsyncGreenlet(async _ =>
            {
                for (int lap = 0; lap < laps; lap++)
                {
                    if (Interlocked.Increment(ref running) != 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    await Task.Yield();
                    steps++;
                    Interlocked.Decrement(ref running);
                    await ring[(index + 1) % count].SwitchAsync();
                }

                return index;
            });
        }

        object? first = await ring[0].SwitchAsync();
        Assert.Equal(0, first);
        Assert.Equal(0, overlaps);
        Assert.Equal(count * laps, steps);
    });

    [Fact]
    public void SwitchAsync_FromAnotherFlowWhileGreenletRuns_ThrowsGreenletError() => AsyncTestFlow.Run(async () =>
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = new AsyncGreenlet(_ => new ValueTask<object?>("other"));
        var g = new AsyncGreenlet(async _ =>
        {
            await gate.Task;
            return "g";
        });
        ValueTask<object?> pending = g.SwitchAsync();
        Assert.False(pending.IsCompleted);

        // The main greenlet has not got the baton back: a second switch, from this flow or a child flow, is refused.
        Assert.Throws<GreenletError>(() => other.SwitchAsync());
        GreenletError fromChild = await Assert.ThrowsAsync<GreenletError>(() => Task.Run(async () => await other.SwitchAsync()));
        Assert.Contains("busy", fromChild.Message, StringComparison.Ordinal);
        Assert.Equal(GreenletState.Pending, other.State);

        gate.SetResult();
        Assert.Equal("g", await pending);
        Assert.Equal("other", await other.SwitchAsync());
    });

    [Fact]
    public void SwitchAsync_TwoThreadsOfOneFlowAtOnce_EachGetsItsOwnOutcomeOrGreenletError() => AsyncTestFlow.Run(() =>
    {
        // Two threads that share a flow both act as the tree's main greenlet. At most one may hold the baton: the
        // other must be refused with GreenletError, never resume someone else's switch, hang or corrupt the tree.
        const int rounds = 4000;
        var targets = new AsyncGreenlet[rounds];
        for (int i = 0; i < rounds; i++)
        {
            targets[i] = new AsyncGreenlet(x => new ValueTask<object?>((int)x! + 1));
        }

        ExecutionContext flow = ExecutionContext.Capture()!;
        using var barrier = new Barrier(2);
        var outcomes = new string[2, rounds];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = new Thread[2];
        for (int t = 0; t < 2; t++)
        {
            int me = t;
            threads[t] = new Thread(() => ExecutionContext.Run(flow, _ =>
            {
                try
                {
                    for (int i = 0; i < rounds; i++)
                    {
                        if (!barrier.SignalAndWait(TestTimeouts.Unexpected))
                        {
                            throw new TimeoutException("the other thread never reached the barrier");
                        }

                        int sent = (i * 2) + me;
                        try
                        {
                            ValueTask<object?> pending = targets[i].SwitchAsync(sent);
                            if (!pending.IsCompleted)
                            {
                                outcomes[me, i] = "pending";
                                continue;
                            }

                            int got = (int)pending.Result!;
                            outcomes[me, i] = got == sent + 1 ? "ran" : got == sent ? "self" : $"foreign {got}";
                        }
                        catch (GreenletError)
                        {
                            outcomes[me, i] = "refused";
                        }
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                    barrier.RemoveParticipant();
                }
            }, null));
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TestTimeouts.Unexpected), "a switching thread hung");
        }

        Assert.Empty(failures);
        for (int i = 0; i < rounds; i++)
        {
            string a = outcomes[0, i];
            string b = outcomes[1, i];

            // Exactly one thread started the body; the other was refused or, coming after it, switched to a dead
            // greenlet (which goes to the caller itself).
            Assert.True(
                (a == "ran" && b is "refused" or "self") || (b == "ran" && a is "refused" or "self"),
                $"round {i}: {a} / {b}");
            Assert.Equal(GreenletState.Dead, targets[i].State);
        }

        return Task.CompletedTask;
    });

    [Fact]
    public void SwitchAsync_IntoAnotherFlowsTree_ThrowsGreenletError() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenlet mine = AsyncGreenlet.Current;
        Task<AsyncGreenlet> elsewhere;
        using (ExecutionContext.SuppressFlow())
        {
            elsewhere = Task.Run(() =>
            {
                _ = AsyncGreenlet.Current;
                return new AsyncGreenlet(_ => new ValueTask<object?>((object?)null));
            });
        }

        AsyncGreenlet foreign = await elsewhere;

        Assert.NotSame(mine, foreign.Parent);
        Assert.Throws<GreenletError>(() => foreign.SwitchAsync());

        // Greenlet code may not switch into another tree either.
        var inside = new AsyncGreenlet(async _ => await foreign.SwitchAsync());
        await Assert.ThrowsAsync<GreenletError>(async () => await inside.SwitchAsync());
    });

    [Fact]
    public void SwitchAsync_IntoAnotherFlowsTree_MessageNamesTheFlow() => AsyncTestFlow.Run(async () =>
    {
        _ = AsyncGreenlet.Current;
        AsyncGreenlet foreign = await InAnotherFlow(() => new AsyncGreenlet(_ => new ValueTask<object?>((object?)null)));

        // The same rule and words as a thread greenlet's "cannot switch to a different thread".
        GreenletError outside = Assert.Throws<GreenletError>(() => foreign.SwitchAsync());
        Assert.Contains("cannot switch to a different flow", outside.Message, StringComparison.Ordinal);

        var inside = new AsyncGreenlet(async _ => await foreign.SwitchAsync());
        GreenletError fromGreenlet = await Assert.ThrowsAsync<GreenletError>(async () => await inside.SwitchAsync());
        Assert.Contains("cannot switch to a different flow", fromGreenlet.Message, StringComparison.Ordinal);
    });

    [Fact]
    public void Parent_StartedGreenletToAnotherFlowsTree_MessageNamesTheFlow() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        AsyncGreenlet foreign = await InAnotherFlow(() => AsyncGreenlet.Current);
        var g = new AsyncGreenlet(async _ => await main.SwitchAsync());
        await g.SwitchAsync();

        // P6, in the words of a thread greenlet's "parent cannot be on a different thread".
        ArgumentException e = Assert.Throws<ArgumentException>(() => g.Parent = foreign);
        Assert.Contains("parent cannot be on a different flow", e.Message, StringComparison.Ordinal);
        Assert.Same(main, g.Parent);
        await g.SwitchAsync();
    });

    [Fact]
    public void SwitchAsync_IntoTreeWhoseLoopRunsBelowOnThisThread_ThrowsGreenletError() => AsyncTestFlow.Run(async () =>
    {
        // Tree B (this flow) runs a step of y; y's code runs tree A's trampoline inline on the same thread, as A's
        // outside code; A's greenlet x then switches into B, whose loop is below it on this very thread. x is not B's
        // running greenlet, so that is a switch into another tree, and must not hand B's baton on for y.
        AsyncGreenlet mainB = AsyncGreenlet.Current;
        var idle = new AsyncGreenlet(async _ => await mainB.SwitchAsync("idle"));
        Assert.Equal("idle", await idle.SwitchAsync());

        (ExecutionContext outsideA, AsyncGreenlet x) = await InAnotherFlow(() =>
        {
            _ = AsyncGreenlet.Current;
            var x = new AsyncGreenlet(async _ =>
            {
                try
                {
                    return await idle.SwitchAsync("from x");
                }
                catch (GreenletError e)
                {
                    return e;
                }
            });
            return (ExecutionContext.Capture()!, x);
        });

        var y = new AsyncGreenlet(_ =>
        {
            object? result = "x's switch did not complete";
            ExecutionContext.Run(outsideA, _ =>
            {
                ValueTask<object?> switched = x.SwitchAsync();
                if (switched.IsCompleted)
                {
                    result = switched.Result;
                }
            }, null);
            return new ValueTask<object?>(result);
        });

        object? outcome = await y.SwitchAsync();
        GreenletError error = Assert.IsType<GreenletError>(outcome);
        Assert.Contains("cannot switch to a different flow", error.Message, StringComparison.Ordinal);
        Assert.Equal(GreenletState.Suspended, idle.State);
        Assert.Equal(GreenletState.Dead, y.State);
        Assert.Same(mainB, AsyncGreenlet.Current);
        Assert.Null(await idle.SwitchAsync());
    });

    /// <summary>Runs <paramref name="make"/> in a fresh flow (so a fresh tree) on the thread pool.</summary>
    private static Task<T> InAnotherFlow<T>(Func<T> make)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(make);
        }
    }

    [Fact]
    public void SwitchAsync_FlowWithoutTree_AdoptsTheTargetsTree()
    {
        AsyncGreenlet g = null!;
        AsyncTestFlow.Run(async () =>
        {
            await Task.Yield();
            g = await MakeInHelperAsync();
        });

        // The helper's flow created the tree; this new flow has none and acts as that tree's main.
        AsyncTestFlow.Run(async () =>
        {
            Assert.Equal("adopted", await g.SwitchAsync("adopted"));
            Assert.Same(g.Parent, AsyncGreenlet.Current);
        });

        static async Task<AsyncGreenlet> MakeInHelperAsync()
        {
            await Task.Yield();
            return new AsyncGreenlet(x => new ValueTask<object?>(x));
        }
    }

    [Fact]
    public void SwitchAsync_SecondSwitchBeforeAwaitingFirst_ThrowsInvalidOperation() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        Exception? error = null;
        var g = new AsyncGreenlet(async _ =>
        {
            ValueTask<object?> first = main.SwitchAsync("first");
            try
            {
                _ = main.SwitchAsync("second");
            }
            catch (InvalidOperationException e)
            {
                error = e;
            }

            return await first;
        });
        Assert.Equal("first", await g.SwitchAsync());
        Assert.NotNull(error);
        Assert.Equal("end", await g.SwitchAsync("end"));
    });

    [Fact]
    public void SwitchAsync_AwaitedTwice_ThrowsInvalidOperation() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        var g = new AsyncGreenlet(async _ =>
        {
            ValueTask<object?> back = main.SwitchAsync("parked");
            object? value = await back;
            try
            {
                await back;
                return "awaited twice";
            }
            catch (InvalidOperationException)
            {
                return $"refused, had {value}";
            }
        });
        Assert.Equal("parked", await g.SwitchAsync());
        Assert.Equal("refused, had 1", await g.SwitchAsync(1));
    });

    [Fact]
    public void AsyncLocal_SetInsideGreenlet_StaysInThatGreenlet() => AsyncTestFlow.Run(async () =>
    {
        var local = new AsyncLocal<string>();
        local.Value = "main";
        AsyncGreenlet main = AsyncGreenlet.Current;
        var g = new AsyncGreenlet(async _ =>
        {
            string inherited = local.Value!;
            local.Value = "g";
            await main.SwitchAsync(inherited);
            return local.Value;
        });
        Assert.Equal("main", await g.SwitchAsync());
        Assert.Equal("main", local.Value);
        Assert.Equal("g", await g.SwitchAsync());
        Assert.Equal("main", local.Value);
    });

    [Fact]
    public void Collection_UnreachableSuspendedGreenlet_IsCollectedWithoutRunningFinally() => AsyncTestFlow.Run(async () =>
    {
        var finallyRan = new StrongBox<bool>();
        WeakReference weak = await ParkAsync(finallyRan);
        for (int i = 0; i < 3 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.IsAlive);
        Assert.False(finallyRan.Value);
    });

    [Fact]
    public void ThrowAsync_SuspendedGreenlet_RunsFinally() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        bool finallyRan = false;
        var g = new AsyncGreenlet(async _ =>
        {
            try
            {
                await main.SwitchAsync();
            }
            finally
            {
                finallyRan = true;
            }

            return null;
        });
        await g.SwitchAsync();
        Assert.IsType<GreenletExit>(await g.ThrowAsync());
        Assert.True(finallyRan);
    });

    [Fact]
    public void SwitchAsync_HundredThousandSuspended_AllResumeAndFinish() => AsyncTestFlow.Run(async () =>
    {
        const int count = 100_000;
        AsyncGreenlet main = AsyncGreenlet.Current;
        var all = new AsyncGreenlet[count];
        for (int i = 0; i < count; i++)
        {
            all[i] = new AsyncGreenlet(async x => (int)(await main.SwitchAsync(x))! + 1);
            await all[i].SwitchAsync(i);
        }

        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += (int)(await all[i].SwitchAsync(i))!;
        }

        Assert.Equal((long)count * (count + 1) / 2, sum);
        Assert.All(all, g => Assert.True(g.IsDead));
    });

    [Fact]
    public void SetTrace_PerTree_NewFlowStartsWithout() => AsyncTestFlow.Run(async () =>
    {
        // TH6's analogue: a tracer belongs to its flow's tree.
        AsyncGreenlet.SetTrace((_, _, _) => { });
        Assert.NotNull(AsyncGreenlet.GetTrace());
        Task<bool> otherHasTracer;
        using (ExecutionContext.SuppressFlow())
        {
            otherHasTracer = Task.Run(() => AsyncGreenlet.GetTrace() is not null);
        }

        Assert.False(await otherHasTracer);
        Assert.NotNull(AsyncGreenlet.SetTrace(null));
    });

    [Fact]
    public void ToString_States_DescribeLikeRepr() => AsyncTestFlow.Run(async () =>
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        var g = new AsyncGreenlet(async _ => await main.SwitchAsync()) { Name = "gr1" };
        Assert.Equal("<AsyncGreenlet \"gr1\" pending>", g.ToString());
        await g.SwitchAsync();
        Assert.Equal("<AsyncGreenlet \"gr1\" suspended active started>", g.ToString());
        Assert.Equal("<AsyncGreenlet \"main\" current active started main>", main.ToString());
        await g.SwitchAsync();
        Assert.Equal("<AsyncGreenlet \"gr1\" dead>", g.ToString());
    });

    [Fact]
    public void DebuggerDisplay_States_ShowNameStateAndParent() => AsyncTestFlow.Run(async () =>
    {
        var attribute = (DebuggerDisplayAttribute)Attribute.GetCustomAttribute(typeof(AsyncGreenlet), typeof(DebuggerDisplayAttribute))!;
        Assert.Equal("{DebuggerDisplay,nq}", attribute.Value);
        var g = new AsyncGreenlet(x => new ValueTask<object?>(x)) { Name = "gr1" };
        Assert.Equal("gr1 Pending parent=main", g.DebuggerDisplay);
        Assert.Equal("main Running parent=(none)", AsyncGreenlet.Current.DebuggerDisplay);
        await g.SwitchAsync();
        Assert.Equal("gr1 Dead parent=main", g.DebuggerDisplay);
    });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> ParkAsync(StrongBox<bool> finallyRan)
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        var g = new AsyncGreenlet(async _ =>
        {
            try
            {
                await main.SwitchAsync();
            }
            finally
            {
                finallyRan.Value = true;
            }

            return null;
        });
        await g.SwitchAsync();
        Assert.Equal(GreenletState.Suspended, g.State);
        return new WeakReference(g);
    }
}
