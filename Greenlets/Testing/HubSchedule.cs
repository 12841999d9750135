namespace Greenlets;

/// <summary>How <see cref="HubTest.Run"/> picks what runs next at each choice point of the hub.</summary>
public enum HubSchedule
{
    /// <summary>gevent's own order: the ready greenlets in FIFO order, every one once per round, timers due at once in
    /// the order they were started. A run equals the same body on a plain hub.</summary>
    Fifo,

    /// <summary>Uniformly at random among the candidates, from <see cref="HubTestOptions.Seed"/>.</summary>
    Random,

    /// <summary>Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): every greenlet gets a random priority,
    /// the highest ready one runs, and at a few random steps (the change points) the running one drops to the lowest
    /// priority. It finds bugs that need a few specific orderings far more often than <see cref="Random"/>.</summary>
    Pct,
}
