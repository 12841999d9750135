using Greenlets.Internal;

namespace Greenlets;

public static partial class HubTest
{
    /// <summary>Runs <paramref name="body"/> as the main greenlet of a fresh async hub under one schedule: the async
    /// form of <see cref="Run"/>, with the same strategies, schedules, replay, virtual time and failures.</summary>
    /// <param name="body">The test body: the outside code of a fresh async flow, whose <see cref="AsyncHub"/> (created
    /// for the run on its clock) is <see cref="AsyncHub.Current"/>; it may spawn, <c>await AsyncHub.SleepAsync</c>, wait
    /// and use every <c>Green*</c> primitive's <c>*Async</c> members.</param>
    /// <param name="options">The strategy, seed, virtual time or schedule to replay; null for FIFO on virtual time.</param>
    /// <returns>A task that completes with the run's schedule, seed, virtual time and switches.</returns>
    /// <remarks>
    /// <para>The run is isolated from the caller: the body starts in an empty flow (the caller's
    /// <see cref="AsyncLocal{T}"/> values do not reach it), so the caller's own async tree and hub are not touched, and
    /// no thread is blocked: the run goes to the thread pool, and the returned task completes from there. The returned task completes
    /// when the run has ended (its tasks killed and its hub ended). Awaiting it from async greenlet code keeps that
    /// greenlet's baton, as any raw <see cref="Task"/> does: its tree waits meanwhile.</para>
    /// <para>After the body's task completes the hub runs until nothing is left (<see cref="AsyncHub.WaitAllAsync"/>);
    /// tasks still blocked then are killed with <see cref="GreenletExit"/>, so their <c>finally</c> blocks run. A failure
    /// of the body, a deadlock (<see cref="HubLoopExitException"/>) or an error the hub reports as unobserved
    /// (<see cref="AsyncHub.UnhandledException"/>) fails the run. Default names are numbered per run in creation order
    /// (<c>async-greenlet-1</c>, ...), so identical runs record identical events.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null (thrown at once, not through the task).</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> has an unknown <see cref="HubTestOptions.Schedule"/>
    /// or a <see cref="HubTestOptions.Replay"/> that is not a schedule (thrown at once).</exception>
    /// <exception cref="HubScheduleException">Through the task: the body failed (or a deadlock, or an unobserved error);
    /// the failure is its inner exception and its <see cref="HubScheduleException.Schedule"/> replays the run.</exception>
    /// <exception cref="InvalidOperationException">Through the task: the replayed schedule does not fit the body.</exception>
    public static Task<HubTestRun> RunAsync(Func<ValueTask> body, HubTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        options ??= new HubTestOptions();
        int[]? replay = CheckOptions(options);
        return RunUnderAsync(new AsyncHubTestSubject(body), options, replay).AsTask();
    }

    /// <summary>Runs <paramref name="body"/> under many schedules on virtual time, each on a fresh async hub, and stops at
    /// the first that fails: the async form of <see cref="Explore"/>, with the same strategies, shrinking and results.</summary>
    /// <param name="body">The test body, run once per schedule as in <see cref="RunAsync"/>; it must be deterministic
    /// apart from the schedule.</param>
    /// <param name="options">How many schedules, exhaustive or random, and the seed; null for 1000 random schedules.</param>
    /// <returns>A task that completes with the number of schedules run, whether the tree of choices was covered, and the
    /// first failure (whose schedule replays it with <see cref="RunAsync"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null (thrown at once).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="HubExploreOptions.MaxSchedules"/> is not positive (thrown at once).</exception>
    public static Task<HubExploreResult> ExploreAsync(Func<ValueTask> body, HubExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        options ??= new HubExploreOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSchedules, nameof(options.MaxSchedules));
        return ExploreUnderAsync(new AsyncHubTestSubject(body), options).AsTask();
    }
}
