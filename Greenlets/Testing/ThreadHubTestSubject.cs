namespace Greenlets.Internal;

/// <summary>A body of <see cref="HubTest.Run"/>: the main greenlet of a fresh thread hub on a fresh thread, which exits
/// with the run.</summary>
internal sealed class ThreadHubTestSubject(Action body) : HubTestSubject
{
    public override string RunMember => "HubTest.Run";

    public override ValueTask<HubTestOutcome> RunOnceAsync(HubScheduleChooser chooser, bool virtualTime) => new(RunOnce(chooser, virtualTime));

    private HubTestOutcome RunOnce(HubScheduleChooser chooser, bool virtualTime)
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
        using var run = new HubTestRecording(chooser, virtualTime);
        Hub hub = Hub.CreateForThisTree(run.Time);
        run.Clock?.Attach(() => hub.WaitsOnRealWork);
        hub.UnhandledException += (_, e) => run.Report(e.Exception);
        hub.Chooser = chooser;

        // Numbered from here, after the hub itself: "greenlet-1" is the first greenlet the body creates.
        hub.Tree.LocalNames = 0;
        Exception? failure = null;
        run.StartRecording(SwitchRecorderScope.ThreadAndFlow);
        try
        {
            body();
            Hub.WaitAll();
        }
        catch (Exception e)
        {
            failure = e;
        }

        run.StopRecording();
        ShutDown(hub);
        return run.Outcome(failure);
    }
}
