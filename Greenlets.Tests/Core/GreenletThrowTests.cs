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
    public void Throw_ExceptionWithMessage_ArrivesIntact() => OnThread.Run(() =>
    {
        // T2/T6: test_val
        var g = new Greenlet(_ => SwitchBackOk());
        Assert.Equal("ok", g.Switch());
        Assert.Equal("ok", g.Throw(new InvalidOperationException("ciao")));
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
