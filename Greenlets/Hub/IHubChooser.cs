namespace Greenlets.Internal;

/// <summary>Picks what a hub runs next at each of its choice points: the one seam through which a test scheduler
/// (HubTest in Testing/) reorders a hub. A hub without one keeps gevent's FIFO order at no cost.</summary>
/// <remarks>
/// <para>A choice point is a moment when more than one thing could run next: several greenlets ready (a ready item
/// that resumes a woken wait or starts a task), or several timers due at the same instant. Hub callbacks (links,
/// notifications, posts) are not candidates: they keep their FIFO place, because they are the hub's own bookkeeping
/// and choosing among them would only multiply schedules that run the same greenlet code.</para>
/// <para>The seam is independent of the greenlet kind: an async hub hands its own candidates' keys to the same
/// chooser, so one scheduler (and one virtual clock) drives both hubs.</para>
/// </remarks>
internal interface IHubChooser
{
    /// <summary>Returns the index of the candidate that runs next; index 0 is the one FIFO order would run.</summary>
    /// <param name="kind">Whether the candidates are ready greenlets or due timers.</param>
    /// <param name="candidates">At least two candidates in FIFO order, each named by a stable key: the greenlet that
    /// would run (the same object every time that greenlet is a candidate), else the callback.</param>
    /// <returns>An index in <paramref name="candidates"/>.</returns>
    int Choose(HubChoiceKind kind, ReadOnlySpan<object> candidates);

    /// <summary>Gets how many ready candidates the chooser needs to see at the next choice (at least 2: fewer is no
    /// choice); the hub stops looking through its ready queue there, so a chooser that will take FIFO's pick anyway
    /// costs no pass over a long queue. <see cref="int.MaxValue"/> for all of them.</summary>
    int CandidateLimit { get; }
}
