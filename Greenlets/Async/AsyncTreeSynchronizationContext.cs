using System.Runtime.ExceptionServices;

namespace Greenlets.Internal;

/// <summary>
/// The synchronization context of one greenlet of a tree that has a scheduler, current while that greenlet's steps run,
/// and the greenlet's state for foreign awaits (parked, killed while parked, its cancellation).
/// </summary>
/// <remarks>
/// <para><c>await someTask</c> inside the greenlet captures this context, so the continuation comes back through
/// <see cref="Post"/>, which hands it to the tree's <see cref="IAsyncTreeScheduler"/> (thread-safe, from any thread):
/// the greenlet never continues on the completing thread, never concurrently with another greenlet of the tree.</para>
/// <para><b>Escapes.</b> <c>ConfigureAwait(false)</c> and <see cref="Task.Run(Action)"/> leave this context: such code
/// runs outside the trampoline, concurrently with whichever greenlet holds the baton, and the Async layer cannot stop
/// it. It is made loud, not safe: its first switch (or seam call that checks, see
/// <see cref="AsyncSchedulerLink.ThrowIfEscaped"/>) throws <see cref="GreenletError"/> naming
/// <c>ConfigureAwait(false)</c>. A body that then finishes out there re-joins: its death is posted here and happens in
/// a step, so its result or exception still reaches its parent.</para>
/// <para>All members except <see cref="Post"/> and <see cref="Send"/> are used on the baton only (inside steps).</para>
/// </remarks>
internal sealed class AsyncTreeSynchronizationContext : SynchronizationContext
{
    // Who takes the death of a body that finishes while no step of it runs, decided by one compare-and-swap on _watch:
    // Out (no step of the greenlet's code runs), Stepping (one does: it sees the body finish), Rejoining (the completion
    // watcher saw it finish outside and posted the re-join), Dying (the step end saw it and takes the death).
    private const int Out = 0;
    private const int Stepping = 1;
    private const int Rejoining = 2;
    private const int Dying = 3;

    private CancellationTokenSource? _cancellation;
    private int _watch;

    public AsyncTreeSynchronizationContext(AsyncGreenlet greenlet) => Greenlet = greenlet;

    /// <summary>Gets the greenlet whose context this is.</summary>
    public AsyncGreenlet Greenlet { get; }

    /// <summary>Gets or sets whether the greenlet is parked on a foreign await: suspended, and not in a switch.</summary>
    public bool Parked { get; set; }

    /// <summary>Gets or sets the continuation that the greenlet's next step runs instead of completing a switch.</summary>
    public AsyncForeignContinuation? Resuming { get; set; }

    /// <summary>Gets or sets whether the step running now was started with this context set (so its awaits post here).</summary>
    public bool StepScheduled { get; set; }

    /// <summary>Marks a step of this greenlet's code as running (on the baton, before it runs): a body that completes
    /// meanwhile dies in that step, whatever thread sees the completion.</summary>
    public void EnterStep() => Volatile.Write(ref _watch, Stepping);

    /// <summary>
    /// Marks the step as ended (on the baton, right after it returned without finishing the body as far as it saw).
    /// A full fence: with the watcher's compare-and-swap, a completion on another thread is either seen by the step's
    /// next look at the body or sees this mark, never neither (a volatile write could pass that look).
    /// </summary>
    public void LeaveStep() => Interlocked.Exchange(ref _watch, Out);

    /// <summary>Claims, at the step end, the death of a body it saw finished: false when the watcher claimed it first
    /// (its re-join is posted, and the greenlet must park so that the re-join's step takes the death).</summary>
    public bool TryClaimDeath() => Interlocked.CompareExchange(ref _watch, Dying, Out) == Out;

    /// <summary>Claims, for the completion watcher, the re-join of a body that finished while no step of it ran: false
    /// when a step runs (it takes the death) or the step end already claimed it.</summary>
    public bool TryClaimRejoin() => Interlocked.CompareExchange(ref _watch, Rejoining, Out) == Out;

    /// <summary>Gets or sets whether the greenlet keeps the baton while it awaits, as on a plain tree, so that its code may
    /// legitimately continue outside the trampoline: the scheduler's own greenlet awaiting foreign work, or a step that
    /// ran before the scheduler was attached.</summary>
    public bool HoldsBatonOutside { get; set; }

    /// <summary>Gets or sets whether the greenlet was killed while parked: its later continuations run unwinding.</summary>
    public bool Killed { get; set; }

    /// <summary>Gets or sets whether the outcome of a killed greenlet's body has been observed (and reported if it failed).</summary>
    public bool LateObserved { get; set; }

    /// <summary>Gets the token that a kill of the greenlet while it is parked cancels, so that the foreign operation can stop.</summary>
    public CancellationToken Cancellation => (_cancellation ??= new CancellationTokenSource()).Token;

    /// <summary>Gets whether a kill cancelled <see cref="Cancellation"/>.</summary>
    public bool IsCancelled => _cancellation is { IsCancellationRequested: true };

    /// <summary>Hands <paramref name="d"/> to the tree's scheduler, to run as this greenlet. Never runs it inline. Once the
    /// scheduler's greenlet is dead, the callback runs on the thread pool instead, as on a plain tree.</summary>
    /// <param name="d">The callback.</param>
    /// <param name="state">Its argument.</param>
    /// <exception cref="ArgumentNullException"><paramref name="d"/> is null.</exception>
    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        AsyncSchedulerLink link = Greenlet.Tree!.Scheduler!;
        if (link.Greenlet.IsDead)
        {
            // Nobody will resume it: run it as a plain tree would, on the thread pool (a greenlet that parked before the
            // scheduler died then runs outside the trampoline, and its first switch is refused as escaped).
            ThreadPool.UnsafeQueueUserWorkItem(static call => call.d(call.state), (d, state), preferLocal: false);
            return;
        }

        link.Scheduler.Enqueue(new AsyncForeignContinuation(Greenlet, d, state));
        link.Wake();
    }

    /// <summary>
    /// Runs <paramref name="d"/> as this greenlet and waits for it: inline when called from this greenlet's own step,
    /// else posted like <see cref="Post"/> and waited for, blocking the calling thread until the scheduler has run it.
    /// </summary>
    /// <param name="d">The callback.</param>
    /// <param name="state">Its argument.</param>
    /// <exception cref="ArgumentNullException"><paramref name="d"/> is null.</exception>
    /// <exception cref="GreenletError">Called from a step of another greenlet of the same tree: waiting there would hold
    /// the baton that the callback needs, a deadlock.</exception>
    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        AsyncTree tree = Greenlet.Tree!;
        if (tree.FrameOnThisThread() is not null)
        {
            if (tree.Current == Greenlet)
            {
                d(state);
                return;
            }

            throw new GreenletError($"Send to {Greenlet.Name}'s synchronization context from a step of {tree.Current.Name} " +
                "would wait for the baton it holds: use Post, or await");
        }

        using var call = new SendCall(d, state);
        Post(SendCall.Run, call);
        call.Wait();
    }

    /// <summary>Returns this context: it stands for one greenlet.</summary>
    /// <returns>This instance.</returns>
    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Cancels <see cref="Cancellation"/> if anyone asked for it; a callback's exception goes to the scheduler's report.</summary>
    public void CancelForeign(AsyncSchedulerLink link)
    {
        if (_cancellation is not { } cancellation)
        {
            return;
        }

        try
        {
            cancellation.Cancel();
        }
        catch (AggregateException e)
        {
            link.Scheduler.ReportError(Greenlet, e);
        }
    }

    /// <summary>A <see cref="Send"/> from outside the tree's steps: the callback and the signal it sets when done.</summary>
    private sealed class SendCall(SendOrPostCallback callback, object? state) : IDisposable
    {
        public static readonly SendOrPostCallback Run = static s => ((SendCall)s!).Execute();

        private readonly ManualResetEventSlim _done = new();
        private ExceptionDispatchInfo? _error;

        public void Wait()
        {
            _done.Wait();
            _error?.Throw();
        }

        public void Dispose() => _done.Dispose();

        private void Execute()
        {
            try
            {
                callback(state);
            }
            catch (Exception e)
            {
                _error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                _done.Set();
            }
        }
    }
}
