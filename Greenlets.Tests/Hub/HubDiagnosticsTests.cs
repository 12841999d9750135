using System.Diagnostics.Metrics;

namespace Greenlets.Tests;

/// <summary>Seeing inside the hub: what each greenlet waits for, the would-block-forever report, the ready gauge,
/// and faults that must not stop the hub.</summary>
public sealed class HubDiagnosticsTests
{
    [Fact]
    public void Dump_TaskWaitingOnEvent_ShowsWhatItWaitsFor()
    {
        OnThread.Run(() =>
        {
            var ready = new GreenEvent();
            GreenTask waiter = Hub.Spawn(() => ready.Wait());
            waiter.Name = "waiter";
            Hub.Sleep(TimeSpan.Zero);
            Assert.Contains("waiter  Suspended  parent=hub  waiting for GreenEvent.Wait", Greenlet.Dump(), StringComparison.Ordinal);
            ready.Set();
            Assert.True(waiter.Join(TestTimeouts.Unexpected));
            Assert.DoesNotContain("waiter", Greenlet.Dump(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Registries_ManyShortLivedThreads_StayTheSizeOfWhatIsAlive()
    {
        // Each thread registers a tree (for the switch counter) or a hub (for the ready gauge); with no listener
        // polling, the registries must still forget them once their threads are gone. Other tests run meanwhile and
        // hold their own: the bound is generous, but far below one entry per thread.
        const int threads = 2000;
        RunThreads(threads, () => Assert.Equal("done", new Greenlet(() => "done").Switch()));
        Assert.InRange(Greenlets.Internal.GreenletMetrics.RegisteredTrees, 0, threads / 4);

        // A hub's own greenlet stays suspended until the reaper unwinds its exited thread, so its tree lingers a
        // while; the hub itself is dead as soon as its thread is.
        RunThreads(threads, () => Assert.True(Hub.Spawn(() => { }).Join(TestTimeouts.Unexpected)));
        Assert.InRange(Greenlets.Internal.HubRegistry.Count, 0, threads / 4);
    }

    private static void RunThreads(int count, Action body)
    {
        for (int i = 0; i < count; i++)
        {
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.Start();
            Assert.True(thread.Join(TestTimeouts.Unexpected));
            Assert.Null(failure);
        }
    }

    [Fact]
    public void LoopExit_Deadlock_MessageListsLiveGreenletsAndWhatTheyWaitFor()
    {
        OnThread.Run(() =>
        {
            var never = new GreenEvent();
            GreenTask stuck = Hub.Spawn(() => never.Wait());
            stuck.Name = "stuck";
            var e = Assert.Throws<HubLoopExitException>(() => stuck.Join());
            Assert.Contains("would block forever", e.Message, StringComparison.Ordinal);
            Assert.Contains("stuck  Suspended  parent=hub  waiting for GreenEvent.Wait", e.Message, StringComparison.Ordinal);
            Assert.Contains("main  Suspended", e.Message, StringComparison.Ordinal);
            Assert.Contains("hub  Running  parent=main", e.Message, StringComparison.Ordinal);

            // The hub stays usable.
            never.Set();
            Assert.True(stuck.Join(TestTimeouts.Unexpected));
        });
    }

    [Fact]
    public void Meter_HubReady_CountsScheduledTasks()
    {
        OnThread.Run(() =>
        {
            long ready = -1;
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Greenlets" && instrument.Name == "greenlets.hub.ready")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => ready = value);
            listener.Start();
            var tasks = Enumerable.Range(0, 5).Select(_ => Hub.Spawn(() => { })).ToList();
            listener.RecordObservableInstruments();
            Assert.True(ready >= 5, $"hub.ready read {ready}");
            Assert.True(Hub.JoinAll(tasks, TestTimeouts.Unexpected));
        });
    }

    [Fact]
    public void SpawnLater_TimerTaskThrows_ReportedAndHubKeepsRunning()
    {
        OnThread.Run(() =>
        {
            var reported = new List<Exception>();
            Hub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
            GreenTask failing = Hub.SpawnLater(TimeSpan.FromMilliseconds(1), () => throw new FormatException("timer"));
            GreenTask later = Hub.SpawnLater(TimeSpan.FromMilliseconds(2), () => { });
            Assert.True(later.Join(TestTimeouts.Unexpected));
            Assert.True(failing.IsReady);
            Assert.IsType<FormatException>(Assert.Single(reported));
            Assert.True(later.IsSuccessful);
        });
    }

    [Fact]
    public void Wait_TaskThatNeverCompletesInsideTimeout_ThrowsGreenTimeoutAndHubStaysUsable()
    {
        OnThread.Run(() =>
        {
            var never = new TaskCompletionSource();
            Assert.Throws<GreenTimeoutException>(() =>
            {
                using (new GreenTimeout(TimeSpan.FromMilliseconds(20)))
                {
                    Hub.Wait(never.Task);
                }
            });
            GreenTask<int> after = Hub.Spawn(() => 42);
            Assert.Equal(42, after.Get());
        });
    }
}
