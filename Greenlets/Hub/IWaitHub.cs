namespace Greenlets.Internal;

/// <summary>
/// The hub side of a wait: everything <see cref="HubWaiter"/> and the wait lists need from the scheduler that parks and
/// resumes greenlets. <see cref="Hub"/> implements it for thread greenlets; a second hub (the async one) implements the
/// same operations, so the <c>Green*</c> primitives are written once over this seam.
/// </summary>
internal interface IWaitHub
{
    /// <summary>Gets whether the hub's own greenlet runs now (a callback or a timer), which may not wait.</summary>
    bool IsRunning { get; }

    /// <summary>Gets whether the caller runs in the hub's tree (else it must <see cref="Post"/>).</summary>
    bool IsOwnTree { get; }

    /// <summary>Runs <paramref name="callback"/> in the hub, in FIFO order with the ready greenlets; only from the hub's tree.</summary>
    void Schedule(Action callback);

    /// <summary>Runs <paramref name="callback"/> in the hub; from any thread.</summary>
    void Post(Action callback);

    /// <summary>Starts a timer whose callback runs in the hub after <paramref name="delay"/>.</summary>
    HubTimer StartTimer(TimeSpan delay, Action callback, bool keepsAlive = true);

    /// <summary>Counts a wake that will come from outside the tree (a task's completion, a token's cancellation) while
    /// <paramref name="delta"/> is held: while any is pending, the loop is not "blocked forever".</summary>
    void AddExternalWake(int delta);

    /// <summary>Suspends the waiter's greenlet (the running one) until the hub resumes it with the waiter itself.</summary>
    /// <param name="waiter">The wait.</param>
    /// <param name="listed">Whether the wait is shown as blocked (the loop-exit text, <c>waiting=</c>).</param>
    void Park(HubWaiter waiter, bool listed);

    /// <summary>Queues the resumption of a woken waiter behind the callbacks already scheduled.</summary>
    void EnqueueResume(HubWaiter waiter);

    /// <summary>From the hub: runs the woken waiter's greenlet now, until it waits again.</summary>
    void SwitchInto(HubWaiter waiter);
}
