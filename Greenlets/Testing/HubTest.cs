using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>Deterministic tests of hub code: run a body on a fresh hub with virtual time and a chosen, recorded and
/// replayable schedule (<see cref="Run"/>), or under many schedules until one fails (<see cref="Explore"/>); on a
/// thread hub, or on an async hub (<see cref="RunAsync"/>, <see cref="ExploreAsync"/>).</summary>
/// <remarks>
/// <para>The body of <see cref="Run"/> runs as the main greenlet of a fresh hub on a fresh thread, which exits with the run: the caller's
/// thread gets no hub and is blocked until the run ends (do not call it from a greenlet whose tree must keep running).
/// After the body returns the hub runs until nothing is left (<see cref="Hub.WaitAll"/>); tasks still blocked then
/// are killed with <see cref="GreenletExit"/>. A failure of the body, or an error the hub would report as
/// unobserved (<see cref="Hub.UnhandledException"/>), fails the run.</para>
/// <para>A choice point is a moment when several greenlets are ready, or several timers are due at the same instant.
/// Under <see cref="HubSchedule.Random"/>, <see cref="HubSchedule.Pct"/> and <see cref="Explore"/>, every ready
/// greenlet is a candidate, one that just called <c>Hub.Sleep(TimeSpan.Zero)</c> included; hub callbacks (links,
/// notifications) keep their FIFO place. The order in which a primitive wakes its own waiters (a lock's FIFO
/// fairness) is the primitive's rule, not a choice.</para>
/// <para>Out of reach: real I/O and work that escapes to the thread pool run on real time and in real order; the
/// schedule covers only what the hub decides.</para>
/// </remarks>
public static partial class HubTest
{
    /// <summary>Runs <paramref name="body"/> as the main greenlet of a fresh thread hub under one schedule.</summary>
    /// <param name="body">The test body; it may spawn, sleep, wait and use every <c>Green*</c> primitive.</param>
    /// <param name="options">The strategy, seed, virtual time or schedule to replay; null for FIFO on virtual time.</param>
    /// <returns>The run's schedule, seed, virtual time and switches.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> has an unknown <see cref="HubTestOptions.Schedule"/>
    /// or a <see cref="HubTestOptions.Replay"/> that is not a schedule.</exception>
    /// <exception cref="HubScheduleException">The body failed (or a deadlock, or an unobserved error); the failure is its
    /// inner exception and its <see cref="HubScheduleException.Schedule"/> replays the run.</exception>
    /// <exception cref="InvalidOperationException">The replayed schedule does not fit the body (a choice had fewer
    /// candidates than it names): the body changed, or it is not deterministic.</exception>
    public static HubTestRun Run(Action body, HubTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        options ??= new HubTestOptions();
        int[]? replay = CheckOptions(options);
        return Completed(RunUnderAsync(new ThreadHubTestSubject(body), options, replay));
    }

    /// <summary>Checks the options before anything runs; returns the parsed replay, or null.</summary>
    private static int[]? CheckOptions(HubTestOptions options)
    {
        if (!Enum.IsDefined(options.Schedule))
        {
            throw new ArgumentException($"Unknown schedule strategy {options.Schedule}.", nameof(options));
        }

        try
        {
            return options.Replay is null ? null : HubScheduleText.Parse(options.Replay);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(options), e);
        }
    }

    /// <summary>One run of <paramref name="subject"/> under the options' strategy or replay: its result, or its failure
    /// as a <see cref="HubScheduleException"/>; the same for both hub kinds.</summary>
    private static async ValueTask<HubTestRun> RunUnderAsync(HubTestSubject subject, HubTestOptions options, int[]? replay)
    {
        var chooser = new HubScheduleChooser(options.Schedule, options.Seed, replay);
        HubTestOutcome outcome = await subject.RunOnceAsync(chooser, options.VirtualTime).ConfigureAwait(false);
        string? note = chooser.Diverged >= 0
            ? $"The replayed schedule does not fit this body from choice {chooser.Diverged} on (the body changed, or it is not deterministic); the rest ran FIFO."
            : null;
        if (outcome.Failure is { } failure)
        {
            throw new HubScheduleException(failure, outcome.Schedule, options.Seed, outcome.Events, note, subject.RunMember);
        }

        if (note is not null)
        {
            throw new InvalidOperationException(note);
        }

        return new HubTestRun(outcome.Schedule, options.Seed, outcome.Elapsed, outcome.Events);
    }

    /// <summary>The result of a driver over a thread-hub subject, whose runs all complete before they return, so that
    /// the driver (written once, awaiting each run) has completed too.</summary>
    private static T Completed<T>(ValueTask<T> driver)
    {
        Debug.Assert(driver.IsCompleted, "a thread-hub run completes before RunOnceAsync returns");
        return driver.GetAwaiter().GetResult();
    }
}
