using System.Diagnostics;

namespace Greenlets;

/// <summary>What <see cref="HubTest.Explore"/> found: how many schedules ran, whether the tree was covered, the first failure.</summary>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class HubExploreResult
{
    internal HubExploreResult(int schedulesRun, bool exhausted, HubScheduleException? failure)
    {
        SchedulesRun = schedulesRun;
        Exhausted = exhausted;
        Failure = failure;
    }

    /// <summary>Gets the number of schedules run, up to and including the first failure (the reruns that shrink a
    /// failing schedule do not count).</summary>
    public int SchedulesRun { get; }

    /// <summary>Gets whether an exhaustive exploration ran every schedule of the body without a failure.</summary>
    public bool Exhausted { get; }

    /// <summary>Gets the first failure, or null; its <see cref="HubScheduleException.Schedule"/> replays it.</summary>
    public HubScheduleException? Failure { get; }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"HubExploreResult runs={SchedulesRun} exhausted={Exhausted} failed={Failure is not null}";
}
