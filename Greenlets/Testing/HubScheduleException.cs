using System.Diagnostics;

namespace Greenlets;

/// <summary>Thrown by <see cref="HubTest.Run"/> and <see cref="HubTest.RunAsync"/> when the body fails; <see cref="Exception.InnerException"/> is the failure
/// (its stack trace kept), and <see cref="Schedule"/> replays the run.</summary>
/// <remarks>A deadlock is the hub's <see cref="HubLoopExitException"/> reaching the body, reported like any failure.</remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class HubScheduleException : Exception
{
    /// <summary>Creates the exception with the default message.</summary>
    public HubScheduleException()
        : this("The body failed under a test schedule.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public HubScheduleException(string message)
        : base(message)
    {
        Schedule = string.Empty;
        Events = [];
    }

    /// <summary>Creates the exception with a message and the failure.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The failure.</param>
    public HubScheduleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Schedule = string.Empty;
        Events = [];
    }

    internal HubScheduleException(Exception failure, string schedule, int seed, IReadOnlyList<string> events, string? note, string runMember)
        : base(Describe(failure, schedule, seed, note, runMember), failure)
    {
        Schedule = schedule;
        Seed = seed;
        Events = events;
    }

    /// <summary>Gets the schedule of the failing run; <c>new HubTestOptions { Replay = Schedule }</c> runs it again.</summary>
    public string Schedule { get; }

    /// <summary>Gets the seed of the failing run.</summary>
    public int Seed { get; }

    /// <summary>Gets the switches of the failing run, in <see cref="SwitchRecorder"/>'s format.</summary>
    public IReadOnlyList<string> Events { get; }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"HubScheduleException \"{Schedule}\": {InnerException?.GetType().Name}";

    private static string Describe(Exception failure, string schedule, int seed, string? note, string runMember) =>
        $"The body failed with {failure.GetType().Name}: {failure.Message}\n" +
        $"Schedule \"{schedule}\" (seed {seed}). Replay it with: {runMember}(body, new HubTestOptions {{ Replay = \"{schedule}\" }})" +
        (note is null ? string.Empty : "\n" + note);
}
