using System.Diagnostics;

namespace Greenlets.Internal;

/// <summary>A body of <see cref="HubTest.Run"/>: the main greenlet of a fresh thread hub on a fresh thread, which exits
/// with the run.</summary>
internal sealed class ThreadHubTestSubject(Action body) : HubTestSubject
{
    public override string RunMember => "HubTest.Run";

    public override HubTestOutcome RunOnce(HubScheduleChooser chooser, bool virtualTime)
    {
        HubTestOutcome? outcome = null;
        Exception? crash = null;
        var thread = new Thread(() =>
        {
            try
            {
                outcome = RunOnThisThread(chooser, virtualTime);
            }
            catch (Exception e)
            {
                crash = e;
            }
        })
        {
            IsBackground = true,
            Name = "HubTest run",
        };
        thread.Start();
        thread.Join();
        if (crash is not null)
        {
            // The run's own machinery failed (not the body): that is a bug here, not a schedule to report.
            throw new InvalidOperationException("The test run failed outside its body.", crash);
        }

        return outcome!;
    }

    /// <summary>Kills what is left and ends the hub, so that the run's fiber threads go back to the pool now.</summary>
    private static void ShutDown(Hub hub)
    {
        HubThread.KillRemaining(hub);
        hub.ClosePosts();
        if (!hub.IsDead)
        {
            hub.Throw(new GreenletExit());
        }
    }

    private HubTestOutcome RunOnThisThread(HubScheduleChooser chooser, bool virtualTime)
    {
        long realStart = Stopwatch.GetTimestamp();
        HubVirtualClock? clock = virtualTime ? new HubVirtualClock() : null;
        Hub hub = Hub.CreateForThisTree(clock ?? TimeProvider.System);
        clock?.Attach(() => hub.WaitsOnRealWork);
        Exception? unobserved = null;
        bool recording = true;
        hub.UnhandledException += (_, e) =>
        {
            if (recording)
            {
                unobserved ??= e.Exception;
            }
        };
        hub.Chooser = chooser;

        // Numbered from here, after the hub itself: "greenlet-1" is the first greenlet the body creates.
        hub.Tree.LocalNames = 0;
        Exception? failure = null;
        IReadOnlyList<string> events;
        using (var recorder = new SwitchRecorder())
        {
            try
            {
                body();
                Hub.WaitAll();
            }
            catch (Exception e)
            {
                failure = e;
            }

            events = recorder.Events;
        }

        recording = false;
        chooser.Stop();
        TimeSpan elapsed = clock?.Elapsed ?? Stopwatch.GetElapsedTime(realStart);
        ShutDown(hub);
        return new HubTestOutcome(failure ?? unobserved, chooser.Schedule, [.. chooser.Choices], [.. chooser.Counts], events, elapsed);
    }
}
