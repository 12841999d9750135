using System.Runtime.CompilerServices;

namespace Greenlets.Tests;

/// <summary>
/// The greenlet rules (reference spec section 1), written once against <see cref="IGreenletHandle"/> and run against
/// every backend: <see cref="ThreadGreenletContractTests"/> and <see cref="AsyncGreenletContractTests"/>.
/// </summary>
public abstract class GreenletContractTests(IGreenletBackend backend)
{
    protected IGreenletHandle Current => backend.Current;

    protected bool IsTracing => backend.IsTracing;

    /// <summary>Runs <paramref name="body"/> as the main greenlet of a fresh tree, guarded by <see cref="TestTimeouts.Unexpected"/>.</summary>
    protected void RunMain(Func<Task> body) => backend.RunMain(body);

    protected IGreenletHandle Create(Func<object?, Task<object?>> run, IGreenletHandle? parent = null) => backend.Create(run, parent);

    /// <summary>Creates a greenlet without a body (R3), or returns null where the backend cannot have one.</summary>
    protected IGreenletHandle? CreateWithoutRun(IGreenletHandle? parent = null) => backend.CreateWithoutRun(parent);

    protected void SetTrace(Action<GreenletTraceEvent, IGreenletHandle, IGreenletHandle>? tracer) => backend.SetTrace(tracer);

    [Fact]
    public void Current_OutsideGreenlets_IsRunningMainWithoutParent() => RunMain(() =>
    {
        // P1
        IGreenletHandle main = Current;
        Assert.True(main.IsMain);
        Assert.Null(main.Parent);
        Assert.Equal(GreenletState.Running, main.State);
        Assert.True(main.IsActive);
        Assert.True(main.IsStarted);
        Assert.False(main.IsDead);
        Assert.Same(main, Current);
        return Task.CompletedTask;
    });

    [Fact]
    public void State_Lifecycle_PendingRunningSuspendedDead() => RunMain(async () =>
    {
        IGreenletHandle main = Current;
        IGreenletHandle? g = null;
        GreenletState inside = GreenletState.Pending;
        bool currentIsG = false;
        g = Create(async _ =>
        {
            inside = g!.State;
            currentIsG = Current == g;
            await main.Switch();
            return null;
        });
        Assert.Equal(GreenletState.Pending, g.State);
        Assert.False(g.IsStarted);
        Assert.False(g.IsActive);
        Assert.False(g.IsDead);
        Assert.False(g.IsMain);
        Assert.Same(main, g.Parent);

        await g.Switch();
        Assert.Equal(GreenletState.Running, inside);
        Assert.True(currentIsG);
        Assert.Equal(GreenletState.Suspended, g.State);
        Assert.True(g.IsStarted);
        Assert.True(g.IsActive);
        Assert.False(g.IsDead);

        await g.Switch();
        Assert.Equal(GreenletState.Dead, g.State);
        Assert.True(g.IsStarted);
        Assert.False(g.IsActive);
        Assert.True(g.IsDead);
        Assert.Same(main, g.Parent); // D5: the parent is kept after death
    });

    [Fact]
    public void Switch_Simple_InterleavesWithMain() => RunMain(async () =>
    {
        // test_simple
        var list = new List<int>();
        IGreenletHandle main = Current;
        IGreenletHandle g = Create(async _ =>
        {
            list.Add(1);
            await main.Switch();
            list.Add(3);
            return null;
        });
        list.Add(0);
        await g.Switch();
        list.Add(2);
        await g.Switch();
        list.Add(4);
        Assert.Equal([0, 1, 2, 3, 4], list);
    });

    [Fact]
    public void Switch_ToCurrent_ReturnsValueAtOnce() => RunMain(async () =>
    {
        // S1
        Assert.Equal(5, await Current.Switch(5));
        Assert.Null(await Current.Switch());
        IGreenletHandle g = Create(async x => await Current.Switch(x));
        Assert.Equal("inside", await g.Switch("inside"));
    });

    [Fact]
    public void Switch_ToDeadGreenlet_GoesToFirstLiveAncestor() => RunMain(async () =>
    {
        // S2
        IGreenletHandle main = Current;
        IGreenletHandle parent = Create(async _ =>
        {
            object? got = await main.Switch("parked");
            return $"parent got {got}";
        });
        Assert.Equal("parked", await parent.Switch());
        IGreenletHandle child = Create(_ => Task.FromResult<object?>("child done"), parent);

        // The child's death starts nothing new: it goes to its suspended parent, whose switch returns it.
        Assert.Equal("parent got child done", await child.Switch());
        Assert.True(child.IsDead);
        Assert.True(parent.IsDead);
    });

    [Fact]
    public void Switch_ToDeadGreenletWithLiveSuspendedAncestor_DeliversThere() => RunMain(async () =>
    {
        // S2
        IGreenletHandle main = Current;
        IGreenletHandle dead = Create(_ => Task.FromResult<object?>(null));
        await dead.Switch();
        IGreenletHandle parent = Create(async _ =>
        {
            object? got = await main.Switch("parked");
            return $"parent got {got}";
        });
        Assert.Equal("parked", await parent.Switch());
        dead.Parent = parent;
        Assert.Equal("parent got 7", await dead.Switch(7));
    });

    [Fact]
    public void Switch_ToDeadGreenletWithPendingAncestor_StartsAncestorWithValue() => RunMain(async () =>
    {
        // S2
        IGreenletHandle dead = Create(_ => Task.FromResult<object?>(null));
        await dead.Switch();
        IGreenletHandle pending = Create(x => Task.FromResult<object?>(("started", x)));
        dead.Parent = pending;
        Assert.Equal(("started", (object?)42), await dead.Switch(42));
        Assert.True(pending.IsDead);
    });

    [Fact]
    public void Switch_ToDeadGreenletWhoseLiveAncestorIsCaller_ReturnsValue() => RunMain(async () =>
    {
        // S3
        IGreenletHandle g = Create(_ => Task.FromResult<object?>(null));
        await g.Switch();
        Assert.True(g.IsDead);
        Assert.Equal(7, await g.Switch(7));
        Assert.Null(await g.Switch());
    });

    [Fact]
    public void Switch_TwoChildren_RunIndependently() => RunMain(async () =>
    {
        // test_two_children
        var list = new List<int>();
        IGreenletHandle main = Current;
        Func<object?, Task<object?>> f = async _ =>
        {
            list.Add(1);
            await main.Switch();
            list.AddRange([1, 1]);
            return null;
        };
        IGreenletHandle g = Create(f);
        IGreenletHandle h = Create(f);
        await g.Switch();
        Assert.Single(list);
        await h.Switch();
        Assert.Equal(2, list.Count);
        await h.Switch();
        Assert.Equal(4, list.Count);
        Assert.True(h.IsDead);
        await g.Switch();
        Assert.Equal(6, list.Count);
        Assert.True(g.IsDead);
    });

    [Fact]
    public void Run_Returns_ValueGoesToParentExactly() => RunMain(async () =>
    {
        // D1
        object marker = new();
        Assert.Same(marker, await Create(_ => Task.FromResult<object?>(marker)).Switch());
        Assert.Null(await Create(_ => Task.FromResult<object?>(null)).Switch());
        Assert.Equal("meaning of life", await Create(x => Task.FromResult(x)).Switch("meaning of life"));
    });

    [Fact]
    public void Run_ReturnsWithPendingParent_StartsParentWithValue() => RunMain(async () =>
    {
        // D2 (test_falling_off_end_switches_to_unstarted_parent_works)
        IGreenletHandle parent = Create(x => Task.FromResult<object?>((x, 24)));
        IGreenletHandle child = Create(_ => Task.FromResult<object?>(42), parent);
        Assert.Equal(((object?)42, 24), await child.Switch());
        Assert.True(parent.IsDead);
        Assert.True(child.IsDead);
    });

    [Fact]
    public void Run_ReturnsWithDeadParent_GoesToGrandparent() => RunMain(async () =>
    {
        // D2
        IGreenletHandle main = Current;
        IGreenletHandle grand = Create(async _ => $"grand got {await main.Switch("parked")}");
        Assert.Equal("parked", await grand.Switch());
        IGreenletHandle parent = Create(_ => Task.FromResult<object?>(null), grand);
        parent.Parent = main;
        await parent.Switch();
        parent.Parent = grand;
        IGreenletHandle child = Create(_ => Task.FromResult<object?>("v"), parent);
        Assert.Equal("grand got v", await child.Switch());
    });

    [Fact]
    public void Run_ReturnsWithParentWithoutRun_StartErrorGoesToNextParent() => RunMain(async () =>
    {
        // D3 (test_parent_return_failure)
        if (CreateWithoutRun() is not { } g1)
        {
            return;
        }

        IGreenletHandle g2 = Create(_ => Task.FromResult<object?>(null), g1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => g2.Switch());
        Assert.True(g2.IsDead);
        Assert.False(g1.IsStarted);
    });

    [Fact]
    public void Run_ReturnsWithParentWhoseRunThrows_ErrorGoesToMain() => RunMain(async () =>
    {
        // D2, D3 (test_falling_off_end_switches_to_unstarted_parent_raises_error)
        IGreenletHandle parent = Create(_ => throw new ArgumentException("takes no argument"));
        IGreenletHandle child = Create(_ => Task.FromResult<object?>(42), parent);
        await Assert.ThrowsAsync<ArgumentException>(() => child.Switch());
        Assert.True(parent.IsDead);
    });

    [Fact]
    public void Run_Throws_ParentGetsSameExceptionWithStackTrace() => RunMain(async () =>
    {
        // E1
        var error = new SomeError();
        IGreenletHandle g = Create(async _ =>
        {
            await Task.CompletedTask;
            ThrowIt(error);
            return null;
        });
        SomeError caught = await Assert.ThrowsAsync<SomeError>(() => g.Switch());
        Assert.Same(error, caught);
        Assert.Contains(nameof(ThrowIt), caught.StackTrace, StringComparison.Ordinal);
        Assert.True(g.IsDead);
    });

    [Fact]
    public void Run_Throws_SurfacesWhereParentWaitsAndSwitcherStaysSuspended() => RunMain(async () =>
    {
        // E1 (probe v2:E1): g1 switches to g2 whose parent is main; main gets the error, g1 stays suspended.
        IGreenletHandle main = Current;
        IGreenletHandle g2 = Create(_ => throw new SomeError());
        IGreenletHandle g1 = Create(async _ => await g2.Switch());
        await Assert.ThrowsAsync<SomeError>(() => g1.Switch());
        Assert.Equal(GreenletState.Suspended, g1.State);
        Assert.True(g2.IsDead);
        Assert.Same(main, Current);
    });

    [Fact]
    public void Run_ThrowsThroughUncaughtParent_PropagatesUpChain() => RunMain(async () =>
    {
        // E2 (test_exception)
        var seen = new List<Type>();
        IGreenletHandle main = Current;
        Func<object?, Task<object?>> fmain = async _ =>
        {
            try
            {
                await main.Switch();
            }
            catch (Exception e)
            {
                seen.Add(e.GetType());
                throw;
            }

            throw new SomeError();
        };
        IGreenletHandle g1 = Create(fmain);
        await g1.Switch();
        IGreenletHandle g2 = Create(fmain);
        await g2.Switch();
        g2.Parent = g1;
        Assert.Empty(seen);
        await Assert.ThrowsAsync<SomeError>(() => g2.Switch());
        Assert.Equal([typeof(SomeError)], seen);
        Assert.True(g1.IsDead);
        Assert.True(g2.IsDead);

        // S3: the dead chain leads back to main.
        Assert.Null(await g2.Switch());
        Assert.Equal(25, await g2.Switch(25));
    });

    [Fact]
    public void Run_ThrowsInChildOfSuspendedParent_ParentCanCatch() => RunMain(async () =>
    {
        // E3 (test_send_exception, probe v2:G1)
        IGreenletHandle main = Current;
        IGreenletHandle parent = Create(async _ =>
        {
            try
            {
                await main.Switch("parked");
                return "not reached";
            }
            catch (KeyNotFoundException)
            {
                return "parent caught";
            }
        });
        Assert.Equal("parked", await parent.Switch());
        IGreenletHandle child = Create(_ => throw new KeyNotFoundException(), parent);
        Assert.Equal("parent caught", await child.Switch());
        Assert.True(parent.IsDead);
    });

    [Fact]
    public void Throw_WithoutException_RaisesGreenletExit() => RunMain(async () =>
    {
        // T1
        IGreenletHandle main = Current;
        Type? seen = null;
        IGreenletHandle g = Create(async _ =>
        {
            try
            {
                await main.Switch();
            }
            catch (Exception e)
            {
                seen = e.GetType();
            }

            return "done";
        });
        await g.Switch();
        Assert.Equal("done", await g.Throw());
        Assert.Equal(typeof(GreenletExit), seen);
    });

    [Fact]
    public void Throw_IntoSuspended_RaisedAtSwitchAndCaughtValueReturns() => RunMain(async () =>
    {
        // T6
        IGreenletHandle main = Current;
        IGreenletHandle g = Create(async _ =>
        {
            try
            {
                await main.Switch();
                return "not thrown";
            }
            catch (SomeError)
            {
                await main.Switch("ok");
                return "end";
            }
        });
        await g.Switch();
        Assert.Equal("ok", await g.Throw(new SomeError()));
        Assert.Equal(GreenletState.Suspended, g.State);
    });

    [Fact]
    public void Throw_IntoSuspendedUncaught_KillsAndParentGetsIt() => RunMain(async () =>
    {
        // T7
        IGreenletHandle main = Current;
        IGreenletHandle g = Create(async _ => await main.Switch());
        await g.Switch();
        var error = new SomeError();
        Assert.Same(error, await Assert.ThrowsAsync<SomeError>(() => g.Throw(error)));
        Assert.True(g.IsDead);
    });

    [Fact]
    public void Throw_GreenletExitIntoPending_RunNeverCalledAndReturnsInstance() => RunMain(async () =>
    {
        // T8
        bool ran = false;
        IGreenletHandle g = Create(_ =>
        {
            ran = true;
            return Task.FromResult<object?>(null);
        });
        var exit = new GreenletExit("bye");
        Assert.Same(exit, await g.Throw(exit));
        Assert.False(ran);
        Assert.True(g.IsDead);
        Assert.True(g.IsStarted);
    });

    [Fact]
    public void Throw_ErrorIntoPending_RunNeverCalledAndParentGetsIt() => RunMain(async () =>
    {
        // T8
        bool ran = false;
        IGreenletHandle g = Create(_ =>
        {
            ran = true;
            return Task.FromResult<object?>(null);
        });
        await Assert.ThrowsAsync<SomeError>(() => g.Throw(new SomeError()));
        Assert.False(ran);
        Assert.True(g.IsDead);
    });

    [Fact]
    public void Throw_IntoPendingWithPendingParent_BothDieAndMainGetsIt() => RunMain(async () =>
    {
        // T8 (test_throw_goes_to_original_parent, first block)
        IGreenletHandle g1 = Create(_ => Task.FromResult<object?>("g1 ran"));
        IGreenletHandle g2 = Create(_ => Task.FromResult<object?>("g2 ran"), g1);
        await Assert.ThrowsAsync<IndexOutOfRangeException>(() => g2.Throw(new IndexOutOfRangeException()));
        Assert.True(g1.IsDead);
        Assert.True(g2.IsDead);
    });

    [Fact]
    public void Throw_GreenletExitIntoDead_BecomesValue() => RunMain(async () =>
    {
        // T9
        IGreenletHandle g = Create(_ => Task.FromResult<object?>(null));
        await g.Switch();
        object? result = await g.Throw();
        Assert.IsType<GreenletExit>(result);
        Assert.True(g.IsDead);
    });

    [Fact]
    public void Throw_ErrorIntoDead_RaisedInFirstLiveAncestor() => RunMain(async () =>
    {
        // T9
        IGreenletHandle g = Create(_ => Task.FromResult<object?>(null));
        await g.Switch();
        await Assert.ThrowsAsync<SomeError>(() => g.Throw(new SomeError()));
    });

    [Fact]
    public void Throw_IntoPendingChildOfCatchingParent_ParentResultGoesOn() => RunMain(async () =>
    {
        // T10 (test_throw_goes_to_original_parent, second block)
        IGreenletHandle main = Current;
        IGreenletHandle g1 = Create(async _ =>
        {
            try
            {
                await main.Switch();
                return "not thrown";
            }
            catch (IndexOutOfRangeException)
            {
                return "caught";
            }
        });
        await g1.Switch();
        IGreenletHandle g2 = Create(_ => Task.FromResult<object?>("g2 ran"), g1);
        Assert.Equal("caught", await g2.Throw(new IndexOutOfRangeException()));
        Assert.True(g1.IsDead);
        Assert.True(g2.IsDead);
    });

    [Fact]
    public void Throw_IntoCurrent_RaisesAtOnce() => RunMain(async () =>
    {
        // T12
        await Assert.ThrowsAsync<SomeError>(() => Current.Throw(new SomeError()));
        IGreenletHandle g = Create(async _ =>
        {
            try
            {
                await Current.Throw(new SomeError());
                return "no";
            }
            catch (SomeError)
            {
                return "raised in g";
            }
        });
        Assert.Equal("raised in g", await g.Switch());
    });

    [Fact]
    public void Throw_IntoMainFromChild_RaisedInMain() => RunMain(async () =>
    {
        // T12
        IGreenletHandle main = Current;
        IGreenletHandle g = Create(async _ => await main.Throw(new SomeError()));
        await Assert.ThrowsAsync<SomeError>(() => g.Switch());
        Assert.Equal(GreenletState.Suspended, g.State);
    });

    [Fact]
    public void Run_GreenletExitEscapes_ParentGetsInstance() => RunMain(async () =>
    {
        // X1
        var exit = new GreenletExit("bye");
        Assert.Same(exit, await Create(_ => throw exit).Switch());
        var sub = new CustomExit();
        Assert.Same(sub, await Create(async _ =>
        {
            await Task.CompletedTask;
            throw sub;
        }).Switch());
    });

    [Fact]
    public void Run_GreenletExitEscapesWithPendingParent_ParentStartsWithNull() => RunMain(async () =>
    {
        // X1, D2: a death by GreenletExit starts a pending receiver with no value
        IGreenletHandle parent = Create(x => Task.FromResult<object?>(("started", x)));
        IGreenletHandle child = Create(_ => throw new GreenletExit(), parent);
        Assert.Equal(("started", (object?)null), await child.Switch());
    });

    [Fact]
    public void Throw_GreenletExitIntoDeadWithPendingParent_ParentStartsWithNull() => RunMain(async () =>
    {
        // T9, D2
        IGreenletHandle dead = Create(_ => Task.FromResult<object?>(null));
        await dead.Switch();
        dead.Parent = Create(x => Task.FromResult<object?>(("started", x)));
        Assert.Equal(("started", (object?)null), await dead.Throw());
    });

    [Fact]
    public void Throw_DefaultUncaught_ReturnsGreenletExitAndDies() => RunMain(async () =>
    {
        // X2
        IGreenletHandle main = Current;
        IGreenletHandle g = Create(async _ => await main.Switch());
        await g.Switch();
        Assert.IsType<GreenletExit>(await g.Throw());
        Assert.True(g.IsDead);
    });

    [Fact]
    public void Throw_GreenletExitCaught_KeepsRunningAndReturnsSwitchedValue() => RunMain(async () =>
    {
        // X3
        IGreenletHandle main = Current;
        IGreenletHandle g = Create(async _ =>
        {
            try
            {
                await main.Switch();
            }
            catch (GreenletExit)
            {
                await main.Switch("survived");
            }

            return "end";
        });
        await g.Switch();
        Assert.Equal("survived", await g.Throw());
        Assert.True(g.IsActive);
        Assert.Equal("end", await g.Switch());
    });

    [Fact]
    public void Parent_SetNull_ThrowsArgumentNull() => RunMain(() =>
    {
        // P2
        IGreenletHandle g = Create(_ => Task.FromResult<object?>(null));
        Assert.Throws<ArgumentNullException>(() => g.Parent = null);
        return Task.CompletedTask;
    });

    [Fact]
    public void Parent_Cycle_ThrowsArgument() => RunMain(() =>
    {
        // P3
        IGreenletHandle g1 = Create(_ => Task.FromResult<object?>(null));
        IGreenletHandle g2 = Create(_ => Task.FromResult<object?>(null), g1);
        IGreenletHandle g3 = Create(_ => Task.FromResult<object?>(null), g2);
        Assert.Throws<ArgumentException>(() => g1.Parent = g1);
        Assert.Throws<ArgumentException>(() => g1.Parent = g3);
        Assert.Same(Current, g1.Parent);
        return Task.CompletedTask;
    });

    [Fact]
    public void Parent_SetOnMain_ThrowsInvalidOperation() => RunMain(() =>
    {
        // P4: checked before the cycle
        IGreenletHandle main = Current;
        IGreenletHandle g = Create(_ => Task.FromResult<object?>(null));
        Assert.Throws<InvalidOperationException>(() => main.Parent = g);
        var e = Assert.Throws<InvalidOperationException>(() => main.Parent = main);
        Assert.Contains("cannot set the parent of a main greenlet", e.Message, StringComparison.Ordinal);
        return Task.CompletedTask;
    });

    [Fact]
    public void Parent_DefaultsToCurrent() => RunMain(async () =>
    {
        IGreenletHandle main = Current;
        Assert.Same(main, Create(_ => Task.FromResult<object?>(null)).Parent);
        IGreenletHandle? inner = null;
        IGreenletHandle g = null!;
        g = Create(_ =>
        {
            inner = Create(_ => Task.FromResult<object?>(null));
            return Task.FromResult<object?>(null);
        });
        await g.Switch();
        Assert.Same(g, inner!.Parent);
    });

    [Fact]
    public void Parent_ChangedAfterDeath_NextDeathGoesThere() => RunMain(async () =>
    {
        // P9 (test_switch_to_dead_greenlet_reparent)
        IGreenletHandle main = Current;
        IGreenletHandle dead = Create(_ => Task.FromResult<object?>(null));
        await dead.Switch();
        IGreenletHandle other = Create(async x => $"other started with {x}");
        dead.Parent = other;
        Assert.Same(other, dead.Parent);
        Assert.Equal("other started with 3", await dead.Switch(3));
    });

    [Fact]
    public void Parent_ChangedWhileSuspended_ReturnGoesToNewParent() => RunMain(async () =>
    {
        // P10
        IGreenletHandle main = Current;
        IGreenletHandle p1 = Create(async x => ("p1 got", await main.Switch(x)));
        Assert.Equal("parked", await p1.Switch("parked"));
        IGreenletHandle g = Create(async _ =>
        {
            await main.Switch("first");
            return "second";
        });
        Assert.Equal("first", await g.Switch());
        g.Parent = p1;
        Assert.Equal(("p1 got", (object?)"second"), await g.Switch());
    });

    [Fact]
    public void Switch_WithoutRun_ThrowsInvalidOperationAndStaysPending() => RunMain(async () =>
    {
        // R3
        if (CreateWithoutRun() is not { } g)
        {
            return;
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => g.Switch());
        Assert.Equal(GreenletState.Pending, g.State);
    });

    [Fact]
    public void Throw_WithoutRun_ThrowsInvalidOperationNotTheError() => RunMain(async () =>
    {
        // R3, T8
        if (CreateWithoutRun() is not { } g)
        {
            return;
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => g.Throw(new SomeError()));
        Assert.Equal(GreenletState.Pending, g.State);
    });

    [Fact]
    public void SetTrace_TracerThrows_RemovedAndErrorDeliveredToTarget() => RunMain(async () =>
    {
        // TR4 (test_b_exception_disables_tracing)
        var events = new List<(GreenletTraceEvent, IGreenletHandle, IGreenletHandle)>();
        IGreenletHandle main = Current;
        bool ran = false;
        IGreenletHandle g = Create(async _ =>
        {
            ran = true;
            return await main.Switch();
        });
        SetTrace((e, o, t) =>
        {
            events.Add((e, o, t));
            throw new SomeError();
        });
        await Assert.ThrowsAsync<SomeError>(() => g.Switch());
        Assert.False(IsTracing);
        Assert.Equal([(GreenletTraceEvent.Switch, main, g)], events);
        Assert.False(ran);
        Assert.True(g.IsDead);
    });

    [Fact]
    public void SetTrace_StartReturnRaise_ExactEventList() => RunMain(async () =>
    {
        // TR5 (test_a_greenlet_tracing)
        var events = new List<(GreenletTraceEvent, IGreenletHandle, IGreenletHandle)>();
        IGreenletHandle main = Current;
        IGreenletHandle g1 = Create(_ => Task.FromResult<object?>(null));
        IGreenletHandle g2 = Create(_ => throw new SomeError());
        SetTrace((e, o, t) => events.Add((e, o, t)));
        try
        {
            await g1.Switch();
            await Assert.ThrowsAsync<SomeError>(() => g2.Switch());
        }
        finally
        {
            SetTrace(null);
        }

        Assert.Equal(
            [
                (GreenletTraceEvent.Switch, main, g1),
                (GreenletTraceEvent.Switch, g1, main),
                (GreenletTraceEvent.Switch, main, g2),
                (GreenletTraceEvent.Throw, g2, main),
            ],
            events);
    });

    [Fact]
    public void SetTrace_SwitchToDead_ReportsResolvedTarget() => RunMain(async () =>
    {
        // TR7
        var events = new List<(GreenletTraceEvent, IGreenletHandle, IGreenletHandle)>();
        IGreenletHandle main = Current;
        IGreenletHandle g = Create(_ => Task.FromResult<object?>(null));
        await g.Switch();
        SetTrace((e, o, t) => events.Add((e, o, t)));
        try
        {
            await g.Switch();
        }
        finally
        {
            SetTrace(null);
        }

        Assert.Equal([(GreenletTraceEvent.Switch, main, main)], events);
    });

    [Fact]
    public void SetTrace_ThrowIntoSuspended_ThrowEventThenSwitchBack() => RunMain(async () =>
    {
        // TR2, T13
        var events = new List<(GreenletTraceEvent, IGreenletHandle, IGreenletHandle)>();
        IGreenletHandle main = Current;
        IGreenletHandle g = Create(async _ => await main.Switch());
        await g.Switch();
        SetTrace((e, o, t) => events.Add((e, o, t)));
        try
        {
            await g.Throw();
        }
        finally
        {
            SetTrace(null);
        }

        Assert.Equal([(GreenletTraceEvent.Throw, main, g), (GreenletTraceEvent.Switch, g, main)], events);
    });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowIt(Exception e) => throw e;

    private sealed class SomeError : Exception;

    private sealed class CustomExit : GreenletExit;
}
