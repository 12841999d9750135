namespace Greenlets.Internal;

/// <summary>
/// The scheduler of one async greenlet tree: the seam through which "any await is cooperative". A layer above (the
/// async hub) implements it and attaches it with <see cref="AsyncSchedulerLink.Attach"/>; the Async layer knows nothing
/// else of it.
/// </summary>
/// <remarks>
/// <para>Once attached, a greenlet of the tree whose step ends without a switch and without finishing (it awaits
/// foreign work: a <see cref="Task"/>, I/O, <see cref="Task.Yield"/>) is <i>parked</i>: it becomes
/// <see cref="GreenletState.Suspended"/> and the baton goes to <see cref="Greenlet"/>, whose pending switch completes
/// with <see cref="AsyncSchedulerLink.Parked"/>. The greenlet's awaits captured its own
/// <see cref="SynchronizationContext"/> (the tree sets one per greenlet while its steps run), so its continuation comes
/// back through <see cref="Enqueue"/>; the scheduler resumes it later, from one of its own steps, with
/// <see cref="AsyncForeignContinuation.ResumeAsync"/>. Only one greenlet of the tree ever runs at a time.</para>
/// <para><b>What an integrator calls, when, from which thread.</b> (1) From code of the tree (its main's outside code
/// or a step), before any greenlet awaits foreign work: <see cref="AsyncSchedulerLink.Attach"/>, once. (2) The tree
/// calls <see cref="Enqueue"/> on any thread, then <see cref="AsyncSchedulerLink.Wake"/>; the implementation only
/// queues. (3) In the scheduler greenlet's steps only (on whatever thread the trampoline runs them): await
/// <see cref="AsyncForeignContinuation.ResumeAsync"/> for each queued continuation, once, and await
/// <see cref="AsyncSchedulerLink.WaitForWorkAsync"/> when nothing is left. (4) <see cref="AsyncSchedulerLink.Wake"/>
/// from any thread for work of its own (a timer). (5) <see cref="ReportError"/> is called by the tree, on the baton.
/// A plain tree (no scheduler) pays one null check per step for all this.</para>
/// </remarks>
internal interface IAsyncTreeScheduler
{
    /// <summary>Gets the scheduler's greenlet: a greenlet of the tree (not its main) that receives the baton when
    /// another greenlet parks. It must not change once attached, and must outlive the tree's foreign awaits.</summary>
    AsyncGreenlet Greenlet { get; }

    /// <summary>
    /// Takes a continuation that is ready to run: a parked greenlet's foreign await completed (or a stray callback of
    /// a greenlet was posted). Called on any thread, concurrently, possibly while a step of the tree runs: only queue
    /// it (thread-safe, never block, never run it here). The seam wakes the scheduler (<see
    /// cref="AsyncSchedulerLink.Wake"/>) right after this returns.
    /// </summary>
    /// <param name="continuation">The continuation; resume it once, from a step of the tree.</param>
    void Enqueue(AsyncForeignContinuation continuation);

    /// <summary>
    /// Reports an exception that no greenlet can receive: a posted callback that threw, or a failure of a greenlet
    /// that was killed while it awaited foreign work (its death went to its parent long before), or of a callback of
    /// the kill's cancellation. Called inside a step of the tree, on the baton; must neither switch nor throw.
    /// </summary>
    /// <param name="greenlet">The greenlet whose code raised it.</param>
    /// <param name="error">The exception.</param>
    void ReportError(AsyncGreenlet greenlet, Exception error);
}
