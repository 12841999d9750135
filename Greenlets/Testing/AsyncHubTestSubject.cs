namespace Greenlets.Internal;

/// <summary>A body of <see cref="HubTest.RunAsync"/>: the outside code (main greenlet) of a fresh async flow, whose
/// async hub is created for the run on its clock and ended with it.</summary>
/// <remarks>The flow starts empty (flow suppressed, on the thread pool), so the caller's async tree, its hub and its
/// <see cref="AsyncLocal{T}"/> values are neither seen nor touched by the body.</remarks>
internal sealed class AsyncHubTestSubject(Func<ValueTask> body) : HubTestSubject
{
    public override string RunMember => "await HubTest.RunAsync";

    public override async ValueTask<HubTestOutcome> RunOnceAsync(HubScheduleChooser chooser, bool virtualTime)
    {
        Task<HubTestOutcome> run;
        using (ExecutionContext.SuppressFlow())
        {
            run = Task.Run(() => RunInFreshFlowAsync(chooser, virtualTime));
        }

        try
        {
            // Not on the caller's context: the driver between runs touches no greenlet, and must not wait for the caller's
            // own tree or UI thread to run it.
            return await run.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The run's own machinery failed (not the body): that is a bug here, not a schedule to report.
            throw new InvalidOperationException("The test run failed outside its body.", e);
        }
    }

    private async Task<HubTestOutcome> RunInFreshFlowAsync(HubScheduleChooser chooser, bool virtualTime)
    {
        using var run = new HubTestRecording(chooser, virtualTime);
        AsyncHub hub = AsyncHub.CreateForThisFlow(run.Time);
        run.Clock?.Attach(() => hub.WaitsOnRealWork);
        hub.UnhandledException += (_, e) => run.Report(e.Exception);
        hub.Chooser = chooser;

        // Numbered from here, after the hub itself: "async-greenlet-1" is the first greenlet the body creates.
        hub.NumberNamesPerTree();
        Exception? failure = null;
        run.StartRecording(SwitchRecorderScope.Flow);
        try
        {
            await body();
            await AsyncHub.WaitAllAsync();
        }
        catch (Exception e)
        {
            failure = e;
        }

        run.StopRecording();
        await hub.ShutDownAsync();
        return run.Outcome(failure);
    }
}
