using System.Diagnostics;

namespace Greenlets;

/// <summary>The options of one <see cref="HubTest.Run"/>: the schedule strategy and its seed, virtual time, or a schedule to replay.</summary>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class HubTestOptions
{
    /// <summary>Gets the seed of <see cref="HubSchedule.Random"/> and <see cref="HubSchedule.Pct"/>; the same seed and
    /// body give the same schedule.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the strategy that makes each choice; <see cref="HubSchedule.Fifo"/> (gevent's order) by default.</summary>
    public HubSchedule Schedule { get; init; }

    /// <summary>Gets whether the run's hub keeps virtual time (true by default): timers fire in due order and, when
    /// nothing is ready and nothing waits on real work, the clock jumps to the next due timer.</summary>
    /// <remarks>While a greenlet waits on a real <see cref="Task"/> (<see cref="Hub.Wait(Task)"/>, a <c>GreenStream</c>
    /// read), the clock does not jump: it runs with real time until the task completes or the next timer is due. With
    /// false, the hub uses the system clock.</remarks>
    public bool VirtualTime { get; init; } = true;

    /// <summary>Gets a <see cref="HubTestRun.Schedule"/> to reproduce; it wins over <see cref="Schedule"/> and
    /// <see cref="Seed"/>, and once its choices run out the rest of the run is FIFO.</summary>
    public string? Replay { get; init; }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => Replay is null ? $"HubTestOptions {Schedule} seed={Seed} virtual={VirtualTime}" : $"HubTestOptions replay=\"{Replay}\" virtual={VirtualTime}";
}
