namespace Greenlets;

/// <summary>The lifecycle state of a greenlet.</summary>
public enum GreenletState
{
    /// <summary>Created and never switched into; <c>Run</c> has not started.</summary>
    Pending,

    /// <summary>The greenlet that runs now in its tree (<see cref="Greenlet.Current"/>).</summary>
    Running,

    /// <summary>Started and switched away from; it resumes at its pending switch.</summary>
    Suspended,

    /// <summary>Finished: <c>Run</c> returned or raised, or its thread exited (for a main greenlet).</summary>
    Dead,
}
