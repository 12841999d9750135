namespace Greenlets.Internal;

/// <summary>
/// The hub side of a wait: everything <see cref="HubWaiter"/> and the wait lists need from the scheduler that parks and
/// resumes greenlets. <see cref="Hub"/> implements it for thread greenlets and <see cref="AsyncHub"/> for async
/// greenlets, so the <c>Green*</c> primitives are written once over this seam.
/// </summary>
/// <remarks>The one difference a primitive sees: a thread hub's <see cref="SwitchInto"/> runs the waiter before it
/// returns (a stackful switch from inside the callback), while an async hub, stackless, can only run it right after
/// the current callback (<see cref="ResumesInline"/> false). A notifier whose next step depends on what the waiter did
/// (a semaphore's next wake-up while a permit is free) then continues in <see cref="RunNext"/>, after the waiter ran:
/// the same order as gevent's.</remarks>
internal interface IWaitHub
{
    /// <summary>Gets whether the hub's own greenlet runs now (a callback or a timer), which may not wait.</summary>
    bool IsRunning { get; }

    /// <summary>Gets whether the caller runs in the hub's tree (else it must <see cref="Post"/>).</summary>
    bool IsOwnTree { get; }

    /// <summary>Gets whether <see cref="SwitchInto"/> runs the waiter before it returns.</summary>
    bool ResumesInline { get; }

    /// <summary>Gets a description of the hub's tree for error messages, e.g. "the hub of thread 5".</summary>
    string Owner { get; }

    /// <summary>Returns the running greenlet, which may wait in this hub.</summary>
    /// <exception cref="InvalidOperationException">The caller is the hub itself (a callback cannot wait).</exception>
    /// <exception cref="GreenletError">The caller belongs to another tree.</exception>
    IWaitParty CheckCanBlock();

    /// <summary>Gets the running greenlet of the hub's tree (the hub itself in a callback).</summary>
    IWaitParty CurrentParty { get; }

    /// <summary>Runs <paramref name="callback"/> in the hub, in FIFO order with the ready greenlets; only from the hub's tree.</summary>
    void Schedule(Action callback);

    /// <summary>Runs <paramref name="callback"/> in the hub; from any thread.</summary>
    void Post(Action callback);

    /// <summary>Queues <paramref name="callback"/> to run in the hub and wakes it; from any thread. False once the hub
    /// takes no more posts.</summary>
    bool TryPost(Action callback);

    /// <summary>Starts a timer whose callback runs in the hub after <paramref name="delay"/>.</summary>
    HubTimer StartTimer(TimeSpan delay, Action callback, bool keepsAlive = true);

    /// <summary>Counts a wake that will come from outside the tree (a task's completion, a token's cancellation) while
    /// <paramref name="delta"/> is held: while any is pending, the loop is not "blocked forever".</summary>
    void AddExternalWake(int delta);

    /// <summary>Suspends the waiter's greenlet (the running one) until the hub resumes it with the waiter itself.</summary>
    /// <param name="waiter">The wait.</param>
    /// <param name="listed">Whether the wait is shown as blocked (the loop-exit text, <c>waiting=</c>).</param>
    void Park(HubWaiter waiter, bool listed);

    /// <summary>The awaited form of <see cref="Park"/>, for an async greenlet: lists the waiter and switches to the hub;
    /// the task gives what the greenlet is resumed with, checked by the waiter (a thread hub parks synchronously and
    /// gives the waiter). Whatever ends it, the caller then calls <see cref="EndParkAsync"/>.</summary>
    /// <remarks>Not an async method, so that a park costs one state machine (the waiter's), not one per layer.</remarks>
    ValueTask<object?> ParkAsync(HubWaiter waiter, bool listed);

    /// <summary>Ends what <see cref="ParkAsync"/> began, however it ended: the waiter leaves the blocked list.</summary>
    void EndParkAsync(HubWaiter waiter);

    /// <summary>Queues the resumption of a woken waiter behind the callbacks already scheduled.</summary>
    void EnqueueResume(HubWaiter waiter);

    /// <summary>From the hub: runs the woken waiter's greenlet until it waits again, now (<see cref="ResumesInline"/>)
    /// or right after the current callback.</summary>
    void SwitchInto(HubWaiter waiter);

    /// <summary>From the hub, when not <see cref="ResumesInline"/>: runs <paramref name="callback"/> after the
    /// resumptions <see cref="SwitchInto"/> deferred so far, before the next ready entry.</summary>
    void RunNext(Action callback);
}
