using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>Deterministic tests of hub code: run a body on a fresh hub with virtual time and a chosen, recorded and
/// replayable schedule (<see cref="Run"/>), or under many schedules until one fails (<see cref="Explore"/>).</summary>
/// <remarks>
/// <para>The body runs as the main greenlet of a fresh hub on a fresh thread, which exits with the run: the caller's
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
        if (!Enum.IsDefined(options.Schedule))
        {
            throw new ArgumentException($"Unknown schedule strategy {options.Schedule}.", nameof(options));
        }

        int[]? replay = ParseReplay(options.Replay, nameof(options));
        var chooser = new HubScheduleChooser(options.Schedule, options.Seed, replay);
        Outcome outcome = RunOnce(body, chooser, options.VirtualTime);
        string? note = chooser.Diverged >= 0
            ? $"The replayed schedule does not fit this body from choice {chooser.Diverged} on (the body changed, or it is not deterministic); the rest ran FIFO."
            : null;
        if (outcome.Failure is { } failure)
        {
            throw new HubScheduleException(failure, outcome.Schedule, options.Seed, outcome.Events, note);
        }

        if (note is not null)
        {
            throw new InvalidOperationException(note);
        }

        return new HubTestRun(outcome.Schedule, options.Seed, outcome.Elapsed, outcome.Events);
    }

    private static int[]? ParseReplay(string? replay, string paramName)
    {
        try
        {
            return replay is null ? null : HubScheduleText.Parse(replay);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, paramName, e);
        }
    }

    /// <summary>Runs the body once on a fresh thread under <paramref name="chooser"/>.</summary>
    private static Outcome RunOnce(Action body, HubScheduleChooser chooser, bool virtualTime)
    {
        Outcome? outcome = null;
        Exception? crash = null;
        var thread = new Thread(() =>
        {
            try
            {
                outcome = RunOnThisThread(body, chooser, virtualTime);
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

    private static Outcome RunOnThisThread(Action body, HubScheduleChooser chooser, bool virtualTime)
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
        return new Outcome(failure ?? unobserved, chooser.Schedule, [.. chooser.Choices], [.. chooser.Counts], events, elapsed);
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

    /// <summary>What one run did.</summary>
    private sealed record Outcome(Exception? Failure, string Schedule, int[] Choices, int[] Counts, IReadOnlyList<string> Events, TimeSpan Elapsed);
}
