using System.Diagnostics.Metrics;

namespace Greenlets.Tests;

/// <summary>Seeing inside: <see cref="Greenlet.Dump"/>, fiber thread names and the <c>Greenlets</c> meter.</summary>
public sealed class GreenletDiagnosticsTests
{
    [Fact]
    public void Dump_LiveGreenlets_ListsNameStateAndParent() => OnThread.Run(() =>
    {
        Greenlet main = Greenlet.Current;
        var a = new Greenlet(() => main.Switch()) { Name = "alpha" };
        var b = new Greenlet(() => main.Switch(), a) { Name = "beta" };
        var pending = new Greenlet(() => { }) { Name = "pending-one" };
        a.Switch();
        b.Switch();
        string dump = Greenlet.Dump();
        Assert.Equal(["main  Running", "alpha  Suspended  parent=main", "beta  Suspended  parent=alpha"], dump.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("pending-one", dump, StringComparison.Ordinal);
        b.Throw();
        a.Throw();
        Assert.Equal("main  Running\n", Greenlet.Dump());
        Assert.False(pending.IsStarted);
    });

    [Fact]
    public void FiberThread_RunningGreenlet_IsNamedAfterIt() => OnThread.Run(() =>
    {
        string? name = null;
        var g = new Greenlet(() => name = Thread.CurrentThread.Name) { Name = "worker-7" };
        g.Switch();
        Assert.Equal("Greenlet: worker-7", name);
    });

    [Fact]
    public void Meter_Greenlets_PublishesCreatedLiveAndSwitches() => OnThread.Run(() =>
    {
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Greenlets")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (values)
            {
                values[instrument.Name] = value;
            }
        });
        var g = new Greenlet(x =>
        {
            while (true)
            {
                x = Greenlet.Current.Parent!.Switch(x);
            }
        });
        for (int i = 0; i < 10; i++)
        {
            g.Switch(i);
        }

        listener.Start();
        listener.RecordObservableInstruments();
        long created = values["greenlets.created"];
        long switches = values["greenlets.switches"];
        Assert.True(values["greenlets.live"] >= 1);
        Assert.True(switches >= 20);
        Assert.True(created >= 1);
        Assert.Contains("greenlets.threads.total", values.Keys);
        Assert.Contains("greenlets.threads.pooled", values.Keys);
        Assert.Contains("greenlets.hub.ready", values.Keys);
        g.Switch(1);
        _ = new Greenlet(() => { });
        listener.RecordObservableInstruments();
        Assert.True(values["greenlets.switches"] >= switches + 2);
        Assert.True(values["greenlets.created"] >= created + 1);
        g.Throw();
    });
}
