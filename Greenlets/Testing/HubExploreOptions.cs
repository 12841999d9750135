using System.Diagnostics;

namespace Greenlets;

/// <summary>The options of <see cref="HubTest.Explore"/>: how many schedules, random or exhaustive, and the seed.</summary>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class HubExploreOptions
{
    /// <summary>Gets the most schedules to run (1000 by default); must be positive.</summary>
    public int MaxSchedules { get; init; } = 1000;

    /// <summary>Gets whether to run every schedule, depth-first over the tree of choices, each once (false: random
    /// schedules from <see cref="Seed"/>).</summary>
    public bool Exhaustive { get; init; }

    /// <summary>Gets the seed of the random schedules; run <c>i</c> uses a seed derived from it and <c>i</c>.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"HubExploreOptions max={MaxSchedules} exhaustive={Exhaustive} seed={Seed}";
}
