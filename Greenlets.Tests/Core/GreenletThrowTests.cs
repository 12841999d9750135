namespace Greenlets.Tests;

/// <summary>greenlet's test_throw.py scenarios and the T* rules.</summary>
public sealed class GreenletThrowTests
{
    private static object? SwitchBackOk()
    {
        try
        {
            Greenlet.Current.Parent!.Switch("ok");
        }
        catch (InvalidOperationException e)
        {
            Greenlet.Current.Parent!.Switch(e.Message == "ciao" ? "ok" : "caught");
        }

        return null;
    }

    [Fact]
    public void Throw_CaughtAndSwitchedBack_ReturnsTheValue() => OnThread.Run(() =>
    {
        // T6: test_class
        var g = new Greenlet(_ => SwitchBackOk());
        Assert.Equal("ok", g.Switch());
        Assert.Equal("caught", g.Throw(new InvalidOperationException()));
    });

    [Fact]
    public void Throw_ExceptionWithMessage_ArrivesIntact() => OnThread.Run(() =>
    {
        // T2/T6: test_val
        var g = new Greenlet(_ => SwitchBackOk());
        Assert.Equal("ok", g.Switch());
        Assert.Equal("ok", g.Throw(new InvalidOperationException("ciao")));
    });

    [Fact]
    public void Throw_NoArgument_KillsAndReturnsGreenletExit() => OnThread.Run(() =>
    {
        // T1, X2, T9: test_kill
        var g = new Greenlet(() => Greenlet.Current.Parent!.Switch());
        g.Switch();
        Assert.IsType<GreenletExit>(g.Throw());
        Assert.True(g.IsDead);
        Assert.IsType<GreenletExit>(g.Throw());
    });

    [Fact]
    public void Throw_Uncaught_KillsAndRaisesInParent() => OnThread.Run(() =>
    {
        // T7
        var g = new Greenlet(() => Greenlet.Current.Parent!.Switch());
        g.Switch();
        Assert.Throws<SomeException>(() => g.Throw(new SomeException()));
        Assert.True(g.IsDead);
    });

    [Fact]
    public void Throw_IntoUnstarted_NeverRunsAndGoesToParent() => OnThread.Run(() =>
    {
        // T8
        bool ran = false;
        var g = new Greenlet(() => ran = true);
        Assert.Throws<SomeException>(() => g.Throw(new SomeException()));
        Assert.False(ran);
        Assert.True(g.IsDead);
        Assert.True(g.IsStarted);

        var h = new Greenlet(() => ran = true);
        Assert.IsType<GreenletExit>(h.Throw());
        Assert.False(ran);
        Assert.True(h.IsDead);
    });

    [Fact]
    public void Throw_GreenletExitIntoUnstartedChildOfUnstarted_StartsParentWithNull() => OnThread.Run(() =>
    {
        // X1 + D2 as greenlet 2.0.2 does: the parent starts with no value.
        var parent = new Greenlet(x => ("p got", x));
        var child = new Greenlet(() => { }, parent);
        Assert.Equal(("p got", (object?)null), child.Throw());
    });

    [Fact]
    public void Throw_IntoDeadGreenlet_RaisesInLiveAncestor() => OnThread.Run(() =>
    {
        // T9
        var g = new Greenlet(() => { });
        g.Switch();
        Assert.Throws<SomeException>(() => g.Throw(new SomeException()));
    });

    [Fact]
    public void Throw_BothUnstarted_BothDieAndMainGetsIt() => OnThread.Run(() =>
    {
        // T10: test_throw_goes_to_original_parent, first block
        var g1 = new Greenlet(_ => F1());
        var g2 = new Greenlet(() => { }, g1);
        Assert.Throws<IndexOutOfRangeException>(() => g2.Throw(new IndexOutOfRangeException()));
        Assert.True(g1.IsDead);
        Assert.True(g2.IsDead);
    });

    [Fact]
    public void Throw_ParentStartedCatches_ItsValueGoesOn() => OnThread.Run(() =>
    {
        // T10: second block
        var g1 = new Greenlet(_ => F1());
        var g2 = new Greenlet(() => { }, g1);
        g1.Switch();
        Assert.Equal("caught", g2.Throw(new IndexOutOfRangeException()));
        Assert.True(g1.IsDead);
        Assert.True(g2.IsDead);
    });

    [Fact]
    public void Throw_BothStarted_ParentCatches() => OnThread.Run(() =>
    {
        // T10: third block
        var g1 = new Greenlet(_ => F1());
        var g2 = new Greenlet(_ => F2(), g1);
        g1.Switch();
        Assert.Equal("from f2", g2.Switch());
        Assert.Equal("caught", g2.Throw(new IndexOutOfRangeException()));
        Assert.True(g1.IsDead);
        Assert.True(g2.IsDead);
    });

    [Fact]
    public void Throw_IntoCurrent_RaisesAtOnce() => OnThread.Run(() =>
    {
        // T12
        Assert.Throws<SomeException>(() => Greenlet.Current.Throw(new SomeException()));
        var g = new Greenlet(_ =>
        {
            try
            {
                Greenlet.Current.Throw(new SomeException());
            }
            catch (SomeException)
            {
                return "caught inside";
            }

            return "no";
        });
        Assert.Equal("caught inside", g.Switch());
    });

    [Fact]
    public void Throw_IntoMainFromChild_RaisesInMain() => OnThread.Run(() =>
    {
        // T12
        Greenlet main = Greenlet.Current;
        var g = new Greenlet(() => main.Throw(new SomeException()));
        Assert.Throws<SomeException>(() => g.Switch());
        Assert.Equal(GreenletState.Suspended, g.State);
    });

    [Fact]
    public void Throw_CaughtGreenletExit_KeepsRunning() => OnThread.Run(() =>
    {
        // X3
        var g = new Greenlet(_ =>
        {
            try
            {
                Greenlet.Current.Parent!.Switch();
            }
            catch (GreenletExit)
            {
                Greenlet.Current.Parent!.Switch("still here");
            }

            return "done";
        });
        g.Switch();
        Assert.Equal("still here", g.Throw());
        Assert.Equal("done", g.Switch());
    });

    [Fact]
    public void Throw_KeepsTheThrownInstance() => OnThread.Run(() =>
    {
        var boom = new SomeException("mine");
        var g = new Greenlet(() => Greenlet.Current.Parent!.Switch());
        g.Switch();
        var e = Assert.Throws<SomeException>(() => g.Throw(boom));
        Assert.Same(boom, e);
    });

    private static object? F1()
    {
        try
        {
            Greenlet.Current.Parent!.Switch("f1 ready to catch");
        }
        catch (IndexOutOfRangeException)
        {
            return "caught";
        }

        return "normal exit";
    }

    private static object? F2()
    {
        Greenlet.Current.Parent!.Parent!.Switch("from f2");
        return null;
    }
}
