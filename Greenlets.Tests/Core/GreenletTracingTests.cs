namespace Greenlets.Tests;

/// <summary>The TR* rules of <see cref="Greenlet.SetTrace"/>: test_tracing.py and the probes.</summary>
public sealed class GreenletTracingTests
{
    private static (List<string> Events, GreenletTracer Tracer) Recorder()
    {
        var events = new List<string>();
        return (events, (e, o, t) => events.Add($"{e} {o.Name} {t.Name}"));
    }

    [Fact]
    public void SetTrace_ReturnAndRaise_ExactSequence() => OnThread.Run(() =>
    {
        // TR5: test_a_greenlet_tracing
        var (events, tracer) = Recorder();
        var g1 = new Greenlet(() => { }) { Name = "g1" };
        var g2 = new Greenlet(() => throw new SomeException()) { Name = "g2" };
        Assert.Null(Greenlet.SetTrace(tracer));
        g1.Switch();
        Assert.Throws<SomeException>(() => g2.Switch());
        Assert.Same(tracer, Greenlet.SetTrace(null));
        Assert.Equal(["Switch main g1", "Switch g1 main", "Switch main g2", "Throw g2 main"], events);
    });

    [Fact]
    public void SetTrace_TracerThrows_RemovedAndErrorGoesToCaller() => OnThread.Run(() =>
    {
        // TR4: test_b_exception_disables_tracing
        var events = new List<string>();
        bool ran = false;
        var g = new Greenlet(() => ran = true);
        Greenlet.SetTrace((e, o, t) =>
        {
            events.Add($"{e} {o.Name} {t.Name}");
            throw new SomeException();
        });
        Assert.Throws<SomeException>(() => g.Switch());
        Assert.Null(Greenlet.GetTrace());
        Assert.Single(events);
        Assert.False(ran);
        Assert.True(g.IsDead);
    });

    [Fact]
    public void SetTrace_SameTracerTwice_IsHarmless() => OnThread.Run(() =>
    {
        // TR9
        var (_, tracer) = Recorder();
        Greenlet.SetTrace(tracer);
        Assert.Same(tracer, Greenlet.SetTrace(tracer));
        Assert.Same(tracer, Greenlet.GetTrace());
    });

    [Fact]
    public void Tracer_RunsInTargetsContext() => OnThread.Run(() =>
    {
        // TR3
        var mismatches = new List<string>();
        var g = new Greenlet(() => Greenlet.Current.Parent!.Switch());
        Greenlet.SetTrace((_, _, t) =>
        {
            if (Greenlet.Current != t)
            {
                mismatches.Add(t.Name);
            }
        });
        g.Switch();
        g.Switch();
        Greenlet.SetTrace(null);
        Assert.Empty(mismatches);
    });

    [Fact]
    public void Tracer_ThrowIntoUnstarted_ThrowThenThrow() => OnThread.Run(() =>
    {
        // TR6, T13
        var (events, tracer) = Recorder();
        var e = new Greenlet(() => { }) { Name = "e" };
        var x = new Greenlet(() => { }) { Name = "x" };
        Greenlet.SetTrace(tracer);
        Assert.Throws<SomeException>(() => e.Throw(new SomeException()));
        x.Throw();
        Greenlet.SetTrace(null);
        Assert.Equal(["Throw main e", "Throw e main", "Throw main x", "Switch x main"], events);
    });

    [Fact]
    public void Tracer_SwitchToDead_ReportsResolvedTarget() => OnThread.Run(() =>
    {
        // TR7 and T9 as greenlet 2.0.2 traces them
        var (events, tracer) = Recorder();
        var g = new Greenlet(() => { }) { Name = "g" };
        g.Switch();
        Greenlet.SetTrace(tracer);
        g.Switch();
        g.Throw();
        Assert.Throws<SomeException>(() => g.Throw(new SomeException()));
        Greenlet.SetTrace(null);
        Assert.Equal(["Switch main main", "Switch main main", "Throw main main"], events);
    });

    [Fact]
    public void Tracer_ThrowChainThroughUnstartedParent_TracesEachHop() => OnThread.Run(() =>
    {
        // probe: throw into unstarted g2 whose parent g1 is unstarted
        var (events, tracer) = Recorder();
        var g1 = new Greenlet(() => { }) { Name = "g1" };
        var g2 = new Greenlet(() => { }, g1) { Name = "g2" };
        Greenlet.SetTrace(tracer);
        Assert.Throws<IndexOutOfRangeException>(() => g2.Throw(new IndexOutOfRangeException()));
        Greenlet.SetTrace(null);
        Assert.Equal(["Throw main g2", "Throw g2 g1", "Throw g1 main"], events);
    });

    [Fact]
    public void Tracer_SwitchesItself_PendingSwitchArgumentsSurvive() => OnThread.Run(() =>
    {
        // TR10, S5: a tracer that switches to another greenlet while a switch is in flight.
        var results = new List<object?>();
        var side = new Greenlet(_ =>
        {
            while (true)
            {
                Greenlet.Current.Parent!.Switch("side");
            }
        }) { Name = "side" };
        bool switching = false;
        var g = new Greenlet(x =>
        {
            results.Add(x);
            results.Add(Greenlet.Current.Parent!.Switch("from g"));
            return "g done";
        }) { Name = "g" };
        Greenlet.SetTrace((_, _, t) =>
        {
            if (!switching && t.Name == "g")
            {
                switching = true;
                side.Parent = t;
                results.Add(side.Switch());
                switching = false;
            }
        });
        Assert.Equal("from g", g.Switch("to g"));
        Assert.Equal("g done", g.Switch("again"));
        Greenlet.SetTrace(null);
        Assert.Equal(["side", "to g", "side", "again"], results);
    });
}
