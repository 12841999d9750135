using System.Diagnostics;

namespace Greenlets;

/// <summary>What one successful <see cref="HubTest.Run"/> did: its schedule, seed, virtual time and switches.</summary>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class HubTestRun
{
    internal HubTestRun(string schedule, int seed, TimeSpan virtualElapsed, IReadOnlyList<string> events)
    {
        Schedule = schedule;
        Seed = seed;
        VirtualElapsed = virtualElapsed;
        Events = events;
    }

    /// <summary>Gets every choice the hub made, compactly; pass it as <see cref="HubTestOptions.Replay"/> to run the same
    /// schedule again.</summary>
    /// <remarks>One character per choice, the index of the candidate taken in FIFO order (<c>0</c> is FIFO's pick,
    /// <c>1</c>-<c>9</c> then <c>a</c>-<c>z</c> the others, <c>(42)</c> beyond), and <c>c{n}</c> for <c>n</c> times
    /// <c>c</c>. Only real choices count: a moment with one candidate is not recorded. An empty string: no choice at all.</remarks>
    public string Schedule { get; }

    /// <summary>Gets the seed the run used (<see cref="HubTestOptions.Seed"/>).</summary>
    public int Seed { get; }

    /// <summary>Gets how far the run's clock moved: virtual time, or real time when <see cref="HubTestOptions.VirtualTime"/> is false.</summary>
    public TimeSpan VirtualElapsed { get; }

    /// <summary>Gets the switches of the run in <see cref="SwitchRecorder"/>'s format (<c>"hub -> greenlet-1"</c>); the
    /// greenlets' default names are numbered per run in creation order, so identical runs record identical events.</summary>
    public IReadOnlyList<string> Events { get; }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"HubTestRun \"{Schedule}\" seed={Seed} elapsed={VirtualElapsed} events={Events.Count}";
}
