using System.Collections.Concurrent;
using Greenlets.Internal;

// The misuse tests hold ValueTasks on purpose; a few tests block a dedicated thread on purpose, guarded by TestTimeouts.
#pragma warning disable CA2012, xUnit1031

namespace Greenlets.Tests;

/// <summary>
/// The Async layer's scheduler seam ("any await is cooperative"), driven by <see cref="RoundRobinScheduler"/>: parking on
/// foreign awaits, resumption through the scheduler, one greenlet at a time, escapes, kills while parked, misuse.
/// </summary>
public sealed class AsyncSchedulerSeamTests
{
    [Fact]
    public void ForeignAwaits_DelayAndCompletionSource_InterleaveThroughScheduler()
    {
        var log = new List<string>();
        var gate = new TaskCompletionSource();
        RoundRobinScheduler.Run(
            s =>
            {
                s.Spawn("a", async () =>
                {
                    log.Add("a1");
                    await Task.Delay(1);
                    log.Add("a2");
                    await gate.Task;
                    log.Add("a3");
                });
                s.Spawn("b", async () =>
                {
                    log.Add("b1");
                    await Task.Yield();
                    log.Add("b2");
                    gate.SetResult();
                    log.Add("b3");
                });
            },
            s =>
            {
                // b started while a awaited its delay; a's gate continuation ran only after b's step ended.
                Assert.Equal(6, log.Count);
                Assert.True(log.IndexOf("b1") < log.IndexOf("a2"), string.Join(",", log));
                Assert.True(log.IndexOf("b3") < log.IndexOf("a3"), string.Join(",", log));
                Assert.Equal(new[] { "a", "b" }, s.Received.Cast<string>().Order());
                Assert.True(s.Parks >= 2, $"parks: {s.Parks}");
                Assert.Empty(s.Errors);
            });
    }

    [Fact]
    public void ForeignAwait_WhileOneAwaits_SchedulerRunsTheOthers()
    {
        // a parks on a completion source that only b completes: the tree would hang if a kept the baton.
        var gate = new TaskCompletionSource<int>();
        var seen = new List<string>();
        AsyncGreenlet? a = null;
        RoundRobinScheduler.Run(
            s =>
            {
                a = s.Spawn("a", async () => seen.Add($"a got {await gate.Task}"));
                s.Spawn("b", () =>
                {
                    seen.Add($"b sees a {a!.State} parked={AsyncSchedulerLink.IsParked(a)}");
                    seen.Add(a.DebuggerDisplay);
                    gate.SetResult(42);
                    return ValueTask.CompletedTask;
                });
            },
            _ => Assert.Equal(["b sees a Suspended parked=True", "a Suspended (parked on a foreign await) parent=scheduler", "a got 42"], seen));
    }

    [Fact]
    public void ForeignAwaits_ManyRounds_ContinuationsNeverRunConcurrently()
    {
        const int greenlets = 8;
        const int rounds = 150;
        int running = 0;
        int overlaps = 0;
        int outsideStep = 0;
        int steps = 0;
        RoundRobinScheduler.Run(s =>
        {
            for (int i = 0; i < greenlets; i++)
            {
                s.Spawn($"g{i}", async () =>
                {
                    AsyncGreenlet self = AsyncGreenlet.Current;
                    for (int round = 0; round < rounds; round++)
                    {
                        if (Interlocked.Increment(ref running) != 1)
                        {
                            Interlocked.Increment(ref overlaps);
                        }

                        if (AsyncGreenlet.Current != self || AsyncTree.OfFlow().FrameOnThisThread() is null)
                        {
                            Interlocked.Increment(ref outsideStep);
                        }

                        steps++;
                        Interlocked.Decrement(ref running);
                        switch (round % 3)
                        {
                            case 0:
                                await Task.Yield();
                                break;
                            case 1:
                                await Task.Run(static () => { });
                                break;
                            default:
                                var source = new TaskCompletionSource();
                                ThreadPool.UnsafeQueueUserWorkItem(static t => t.SetResult(), source, preferLocal: false);
                                await source.Task;
                                break;
                        }
                    }
                });
            }
        }, s =>
        {
            Assert.Equal(0, overlaps);
            Assert.Equal(0, outsideStep);
            Assert.Equal(greenlets * rounds, steps);

            // Every posted continuation was resumed once, none as a stray (a spurious re-join of a dead greenlet would
            // be one). A Task.Run or a completion source may finish before its await looks (no post then), so the
            // count is bounded by the awaits rather than equal to them; every Task.Yield posts.
            Assert.Equal(s.Posted, s.Resumes);
            Assert.Equal(0, s.Strays);
            Assert.InRange(s.Resumes, greenlets * (rounds / 3), greenlets * rounds + greenlets);
            Assert.Empty(s.Errors);
        });
    }

    [Fact]
    public void BodyFinishedOutside_AsItsStepEnds_DiesOnceAndNoRejoinIsLeftStray()
    {
        // Regression (issue 12): the step end and the completion watcher decided separately who takes the death of a
        // body that finishes on another thread right as the step ends. The hook completes it exactly in that window
        // (after the step is marked ended, before it looks at the body): the step took the death and the watcher
        // still posted a re-join, an extra continuation resumed as a stray of a dead greenlet (the 1,201st resume).
        var gate = new TaskCompletionSource<string>();
        AsyncGreenlet? escaping = null;
        int armed = 0;
        int fired = 0;
        AsyncGreenlet.StepLeftHook = greenlet =>
        {
            if (greenlet == escaping && Volatile.Read(ref armed) == 1 && Interlocked.Exchange(ref fired, 1) == 0)
            {
                // SetResult runs the escaped code, and the body's end, inline on that thread.
                Assert.True(Task.Run(() => gate.SetResult("done")).Wait(TestTimeouts.Unexpected));
            }
        };
        try
        {
            RoundRobinScheduler.Run(
                s => escaping = s.Add(new AsyncGreenlet(
                    async _ =>
                    {
                        await Task.Yield();
                        Volatile.Write(ref armed, 1);
                        return await gate.Task.ConfigureAwait(false);
                    },
                    s.Greenlet) { Name = "escaping" }),
                s =>
                {
                    Assert.Equal(1, fired);
                    Assert.Equal(["done"], s.Received);
                    Assert.Equal(0, s.Strays);
                    Assert.Empty(s.Errors);
                });
        }
        finally
        {
            AsyncGreenlet.StepLeftHook = null;
        }
    }

    [Fact]
    public void ForeignAwait_CompletedFromAnotherThread_ResumesInSchedulerStep()
    {
        var gate = new TaskCompletionSource();
        int completer = 0;
        int resumedOn = 0;
        bool inStep = false;
        bool ownContext = false;
        bool isCurrent = false;
        RoundRobinScheduler.Run(
            s =>
            {
                s.Spawn("waiter", async () =>
                {
                    AsyncGreenlet self = AsyncGreenlet.Current;
                    await gate.Task;
                    resumedOn = Environment.CurrentManagedThreadId;
                    inStep = AsyncTree.OfFlow().FrameOnThisThread() is not null;
                    ownContext = SynchronizationContext.Current is AsyncTreeSynchronizationContext c && c.Greenlet == self;
                    isCurrent = AsyncGreenlet.Current == self;
                });
                s.Spawn("starter", () =>
                {
                    var thread = new Thread(() =>
                    {
                        completer = Environment.CurrentManagedThreadId;
                        gate.SetResult();
                    });
                    thread.Start();
                    return ValueTask.CompletedTask;
                });
            },
            s =>
            {
                Assert.True(inStep);
                Assert.True(ownContext);
                Assert.True(isCurrent);
                Assert.NotEqual(completer, resumedOn);
                Assert.Equal(1, s.Resumes);
            });
    }

    [Fact]
    public void ForeignAwait_ConfigureAwaitFalseThenSwitch_ThrowsGreenletErrorAndBodyRejoins()
    {
        string? message = null;
        AsyncGreenlet? escaper = null;
        RoundRobinScheduler.Run(
            s => escaper = s.Spawn("escaper", async () =>
            {
                await Task.Delay(1).ConfigureAwait(false);
                try
                {
                    await s.Greenlet.SwitchAsync();
                }
                catch (GreenletError e)
                {
                    message = e.Message;
                }
            }),
            s =>
            {
                Assert.Contains("ConfigureAwait(false)", message, StringComparison.Ordinal);

                // The body finished out there; its death still happened in a step and reached its parent.
                Assert.True(escaper!.IsDead);
                Assert.Equal(["escaper"], s.Received);
                Assert.Empty(s.Errors);
            });
    }

    [Fact]
    public void ThrowIfEscaped_InStepAndAfterConfigureAwaitFalse_PassesThenThrows()
    {
        Exception? inStep = null;
        Exception? escaped = null;
        RoundRobinScheduler.Run(
            s => s.Spawn("g", async () =>
            {
                inStep = Record.Exception(AsyncSchedulerLink.ThrowIfEscaped);
                await Task.Yield();
                await Task.Delay(1).ConfigureAwait(false);
                escaped = Record.Exception(AsyncSchedulerLink.ThrowIfEscaped);
            }),
            _ =>
            {
                Assert.Null(inStep);
                Assert.Contains("ConfigureAwait(false)", Assert.IsType<GreenletError>(escaped).Message, StringComparison.Ordinal);
            });
    }

    [Fact]
    public void ForeignAwait_GreenletStartedByMain_ParksToPendingSchedulerAndResultReachesMain() => AsyncTestFlow.Run(async () =>
    {
        // The scheduler has not started when the first greenlet parks: the park starts it.
        var scheduler = new RoundRobinScheduler();
        var g = new AsyncGreenlet(async x =>
        {
            await Task.Yield();
            return $"{x} after a park";
        });
        Assert.Equal("g after a park", await g.SwitchAsync("g"));
        Assert.True(g.IsDead);
        Assert.Equal(1, scheduler.Resumes);
        Assert.Equal(GreenletState.Suspended, scheduler.Greenlet.State);
    });

    [Fact]
    public void ForeignAwait_SwitchFromTaskRun_ThrowsGreenletError()
    {
        Exception? error = null;
        RoundRobinScheduler.Run(
            s => s.Spawn("g", async () =>
            {
                AsyncGreenlet other = new(_ => new ValueTask<object?>("never"), s.Greenlet);
                error = await Record.ExceptionAsync(() => Task.Run(async () => await other.SwitchAsync()));
                Assert.Equal(GreenletState.Pending, other.State);
            }),
            s =>
            {
                Assert.IsType<GreenletError>(error);
                Assert.Contains("Task.Run", error.Message, StringComparison.Ordinal);
                Assert.Empty(s.Errors);
            });
    }

    [Fact]
    public void ThrowAsync_IntoParkedGreenlet_DiesAtOnceAndUnwindsWhenContinuationComes()
    {
        var log = new List<string>();
        var gate = new TaskCompletionSource();
        RoundRobinScheduler.Run(
            s =>
            {
                AsyncGreenlet victim = s.Spawn("victim", async () =>
                {
                    try
                    {
                        log.Add("waiting");
                        await gate.Task;
                        log.Add("after await");
                        await s.Greenlet.SwitchAsync();
                        log.Add("not reached");
                    }
                    catch (GreenletExit)
                    {
                        log.Add("exit raised at its switch");
                        throw;
                    }
                    finally
                    {
                        log.Add("finally");
                    }
                });
                s.Spawn("killer", () =>
                {
                    AsyncSchedulerLink.ForeignCancellation(victim).Register(() => log.Add("cancelled"));
                    s.InScheduler(async () =>
                    {
                        object? value = await victim.ThrowAsync();
                        log.Add($"killed: {value?.GetType().Name} dead={victim.IsDead}");
                        gate.SetResult();
                    });
                    return ValueTask.CompletedTask;
                });
            },
            s =>
            {
                Assert.Equal(
                    ["waiting", "cancelled", "killed: GreenletExit dead=True", "after await", "exit raised at its switch", "finally"],
                    log);
                Assert.Equal(["killer"], s.Received);
                Assert.Empty(s.Errors);
            });
    }

    [Fact]
    public void ThrowAsync_IntoGreenletParkedOnCancellableDelay_KillCancelsTheDelay()
    {
        var log = new List<string>();
        RoundRobinScheduler.Run(
            s =>
            {
                AsyncGreenlet victim = null!;
                victim = s.Spawn("victim", async () =>
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, AsyncSchedulerLink.ForeignCancellation(victim));
                    }
                    finally
                    {
                        log.Add("finally");
                    }
                });
                s.Spawn("killer", () =>
                {
                    s.InScheduler(async () =>
                    {
                        await victim.ThrowAsync();
                        log.Add("killed");
                    });
                    return ValueTask.CompletedTask;
                });
            },
            s =>
            {
                Assert.Equal(["killed", "finally"], log);

                // The delay's OperationCanceledException is the kill's own doing: nothing is reported.
                Assert.Empty(s.Errors);
            });
    }

    [Fact]
    public void ThrowAsync_IntoParkedGreenletWithError_ErrorGoesToParentAndLateFailureIsReported()
    {
        var gate = new TaskCompletionSource();
        Exception? atKill = null;
        RoundRobinScheduler.Run(
            s =>
            {
                AsyncGreenlet victim = s.Spawn("victim", async () =>
                {
                    await gate.Task;
                    throw new SomeException("while unwinding");
                });
                s.Spawn("killer", () =>
                {
                    s.InScheduler(async () =>
                    {
                        atKill = await Record.ExceptionAsync(async () => await victim.ThrowAsync(new InvalidOperationException("kill")));
                        gate.SetResult();
                    });
                    return ValueTask.CompletedTask;
                });
            },
            s =>
            {
                Assert.Equal("kill", Assert.IsType<InvalidOperationException>(atKill).Message);
                Assert.Equal("while unwinding", Assert.IsType<SomeException>(Assert.Single(s.Errors)).Message);
            });
    }

    [Fact]
    public void SwitchAsync_IntoParkedGreenlet_KillsItWithGreenletErrorForItsParent()
    {
        var gate = new TaskCompletionSource();
        Exception? error = null;
        AsyncGreenlet? victim = null;
        RoundRobinScheduler.Run(
            s =>
            {
                victim = s.Spawn("victim", async () => await gate.Task);
                s.Spawn("intruder", () =>
                {
                    s.InScheduler(async () =>
                    {
                        error = await Record.ExceptionAsync(async () => await victim.SwitchAsync("misdirected"));
                        gate.SetResult();
                    });
                    return ValueTask.CompletedTask;
                });
            },
            s =>
            {
                Assert.IsType<GreenletError>(error);
                Assert.Contains("awaits a foreign task", error.Message, StringComparison.Ordinal);
                Assert.True(victim!.IsDead);
                Assert.Empty(s.Errors);
            });
    }

    [Fact]
    public void Post_CallbackThrows_ReportedToScheduler()
    {
        RoundRobinScheduler.Run(
            s => s.Spawn("g", async () =>
            {
                SynchronizationContext.Current!.Post(static _ => throw new SomeException("posted"), null);
                await Task.Yield();
            }),
            s => Assert.Equal("posted", Assert.IsType<SomeException>(Assert.Single(s.Errors)).Message));
    }

    [Fact]
    public void Send_FromOwnStep_RunsInline()
    {
        int thread = 0;
        int ranOn = -1;
        RoundRobinScheduler.Run(s => s.Spawn("g", () =>
        {
            thread = Environment.CurrentManagedThreadId;
            SynchronizationContext.Current!.Send(_ => ranOn = Environment.CurrentManagedThreadId, null);
            Assert.Equal(thread, ranOn);
            return ValueTask.CompletedTask;
        }));
        Assert.Equal(thread, ranOn);
    }

    [Fact]
    public void Send_FromAnotherThread_RunsAsTheGreenletInAStep()
    {
        var done = new TaskCompletionSource();
        bool inStep = false;
        bool asGreenlet = false;
        RoundRobinScheduler.Run(s => s.Spawn("g", async () =>
        {
            AsyncGreenlet self = AsyncGreenlet.Current;
            SynchronizationContext context = SynchronizationContext.Current!;
            var thread = new Thread(() =>
            {
                context.Send(_ =>
                {
                    inStep = AsyncTree.OfFlow().FrameOnThisThread() is not null;
                    asGreenlet = AsyncGreenlet.Current == self;
                }, null);
                done.SetResult();
            });
            thread.Start();
            await done.Task;
        }));
        Assert.True(inStep);
        Assert.True(asGreenlet);
    }

    [Fact]
    public void Send_FromAnotherGreenletsStep_ThrowsGreenletError()
    {
        SynchronizationContext? first = null;
        Exception? error = null;
        var gate = new TaskCompletionSource();
        RoundRobinScheduler.Run(s =>
        {
            s.Spawn("first", async () =>
            {
                first = SynchronizationContext.Current;
                await gate.Task;
            });
            s.Spawn("second", () =>
            {
                error = Record.Exception(() => first!.Send(_ => { }, null));
                gate.SetResult();
                return ValueTask.CompletedTask;
            });
        });
        Assert.IsType<GreenletError>(error);
    }

    [Fact]
    public void Attach_Misuse_ThrowsBeforeAnythingChanges() => AsyncTestFlow.Run(() =>
    {
        Assert.Throws<ArgumentNullException>(() => AsyncSchedulerLink.Attach(null!));
        Assert.Throws<ArgumentException>(() => AsyncSchedulerLink.Attach(new FixedScheduler(AsyncGreenlet.Current)));
        Assert.Null(AsyncTree.OfFlow().Scheduler);
        var scheduler = new RoundRobinScheduler();
        Assert.Same(scheduler.Link, AsyncTree.OfFlow().Scheduler);
        var second = new FixedScheduler(new AsyncGreenlet(_ => default));
        Assert.Throws<InvalidOperationException>(() => AsyncSchedulerLink.Attach(second));
        return Task.CompletedTask;
    });

    [Fact]
    public void Attach_FromAnotherFlow_ThrowsGreenletError() => AsyncTestFlow.Run(async () =>
    {
        var greenlet = new AsyncGreenlet(_ => default);
        Task other;
        using (ExecutionContext.SuppressFlow())
        {
            other = Task.Run(() => AsyncSchedulerLink.Attach(new FixedScheduler(greenlet)));
        }

        await Assert.ThrowsAsync<GreenletError>(() => other);
    });

    [Fact]
    public void ResumeAsync_FromOutsideAStep_ThrowsGreenletErrorAndStaysResumable() => AsyncTestFlow.Run(async () =>
    {
        var scheduler = new RoundRobinScheduler();
        bool ran = false;
        AsyncGreenlet g = scheduler.Spawn("g", () => ValueTask.CompletedTask);
        var continuation = new AsyncForeignContinuation(g, _ => ran = true, null);
        Assert.Throws<GreenletError>(() => continuation.ResumeAsync());

        // Still resumable once, from the scheduler's step (g is not parked: the callback runs inline there).
        scheduler.InScheduler(async () =>
        {
            await continuation.ResumeAsync();
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await continuation.ResumeAsync());
        });
        await scheduler.Greenlet.SwitchAsync();
        Assert.True(ran);
        Assert.Empty(scheduler.Errors);
    });

    [Fact]
    public void StrayContinuation_OfGreenletInASwitch_RunsInlineAndCannotSwitch()
    {
        Exception? error = null;
        var gate = new TaskCompletionSource();
        RoundRobinScheduler.Run(s =>
        {
            s.IsDone = () => gate.Task.IsCompleted;
            s.Spawn("g", async () =>
            {
            // A task of g that g does not await: its continuation comes back while g is not parked.
            _ = Stray();
            await s.Greenlet.SwitchAsync("suspended in a switch");
            await gate.Task;

            async Task Stray()
            {
                await Task.Yield();
                error = await Record.ExceptionAsync(async () => await s.Greenlet.SwitchAsync());
                gate.SetResult();
            }
            });
        });
        Assert.IsType<GreenletError>(error);
        Assert.Contains("stray", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WaitForWorkAsync_FromAnotherGreenlet_ThrowsGreenletError()
    {
        Exception? error = null;
        RoundRobinScheduler.Run(s => s.Spawn("g", () =>
        {
            error = Record.Exception(() => s.Link.WaitForWorkAsync());
            return ValueTask.CompletedTask;
        }));
        Assert.IsType<GreenletError>(error);
    }

    [Fact]
    public void Wake_FromAnotherThreadWithNothingPosted_SchedulerContinuesInAStep()
    {
        // The scheduler has nothing to do until a thread that posts nothing wakes it (a timer would do the same).
        bool wakeSent = false;
        bool woke = false;
        bool inStep = false;
        RoundRobinScheduler.Run(s =>
        {
            s.IsDone = () =>
            {
                if (!Volatile.Read(ref wakeSent))
                {
                    return false;
                }

                woke = true;
                inStep = AsyncTree.OfFlow().FrameOnThisThread() is not null;
                return true;
            };
            s.InScheduler(() =>
            {
                var thread = new Thread(() =>
                {
                    Volatile.Write(ref wakeSent, true);
                    s.Link.Wake();
                });
                thread.Start();
                return ValueTask.CompletedTask;
            });
        });
        Assert.True(woke);
        Assert.True(inStep);
    }

    [Fact]
    public void SetTrace_ParkAndResume_TracedAsSwitchesThroughTheScheduler()
    {
        var events = new List<string>();
        RoundRobinScheduler.Run(
            s =>
            {
                AsyncGreenlet.SetTrace((e, origin, target) => events.Add($"{origin.Name} {(e == GreenletTraceEvent.Throw ? "!>" : "->")} {target.Name}"));
                s.Spawn("a", async () => await Task.Yield());
            },
            _ => Assert.Equal(
                ["main -> scheduler", "scheduler -> a", "a -> scheduler", "scheduler -> a", "a -> scheduler", "scheduler -> main"],
                events));
    }

    [Fact]
    public void PlainTree_ForeignAwait_NoSchedulerContextAndBatonKept() => AsyncTestFlow.Run(async () =>
    {
        SynchronizationContext? seen = null;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var g = new AsyncGreenlet(async _ =>
        {
            seen = SynchronizationContext.Current;
            await gate.Task;
            return "done";
        });
        ValueTask<object?> pending = g.SwitchAsync();
        Assert.IsNotType<AsyncTreeSynchronizationContext>(seen);
        Assert.Equal(GreenletState.Running, g.State);
        Assert.Null(AsyncTree.OfFlow().Scheduler);
        gate.SetResult();
        Assert.Equal("done", await pending);
    });

    /// <summary>A scheduler that is never run: for the attach checks.</summary>
    private sealed class FixedScheduler(AsyncGreenlet greenlet) : IAsyncTreeScheduler
    {
        public AsyncGreenlet Greenlet { get; } = greenlet;

        public void Enqueue(AsyncForeignContinuation continuation) => throw new InvalidOperationException("never posted to");

        public void ReportError(AsyncGreenlet greenlet, Exception error) => throw new InvalidOperationException("never reported to");
    }
}
