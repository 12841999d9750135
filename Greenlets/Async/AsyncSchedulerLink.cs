namespace Greenlets.Internal;

/// <summary>
/// A tree's attachment to its <see cref="IAsyncTreeScheduler"/>: what the scheduler calls into (attach, wait for work,
/// wake), and the few facts about foreign awaits it needs. Set once on the tree, for the tree's life.
/// </summary>
/// <remarks>
/// <para><b>The protocol.</b> The scheduler's greenlet runs a loop in its steps: it switches to ready greenlets, and
/// resumes the continuations the tree hands it (<see cref="IAsyncTreeScheduler.Enqueue"/>) with
/// <see cref="AsyncForeignContinuation.ResumeAsync"/>. Each of those awaits completes when control comes back to it:
/// with <see cref="Parked"/> when the greenlet it ran parked on a foreign await, else with what the rules deliver. When
/// it has nothing to do it awaits <see cref="WaitForWorkAsync"/>; the baton stays with it and the tree is idle until
/// <see cref="Wake"/> (called by the tree after every <see cref="IAsyncTreeScheduler.Enqueue"/>, and by the scheduler
/// itself, e.g. from a timer callback), after which it continues in a trampoline step on a thread-pool thread.</para>
/// <para><b>The scheduler's own awaits.</b> The scheduler's greenlet runs without a greenlet synchronization context:
/// if it awaits foreign work itself (rather than <see cref="WaitForWorkAsync"/>), it keeps the baton and continues
/// wherever that work completes, as on a plain tree; its switches from there are allowed, but its code stays outside
/// the trampoline until one of its switches completes asynchronously, and <see cref="WaitForWorkAsync"/> is refused
/// there. So the scheduler should wait only with <see cref="WaitForWorkAsync"/> (woken by a timer callback calling
/// <see cref="Wake"/>, for instance). It must not use
/// <c>ConfigureAwait(false)</c> to wait for work, and must outlive the tree's foreign awaits: a greenlet that would
/// park while it is dead keeps the baton instead, as on a plain tree.</para>
/// <para><b>A kill while parked.</b> A transfer into a parked greenlet (a throw, or a misdirected switch or child result)
/// takes effect at once: the greenlet dies of the thrown exception (a switch's value becomes a
/// <see cref="GreenletError"/>), which goes to its parent by the usual rules (a <see cref="GreenletExit"/> as a value),
/// and its <see cref="ForeignCancellation"/> token is cancelled. The foreign operation itself is not stopped unless it
/// observes that token. When its continuation comes back, it runs unwinding, inline in the scheduler's step: the code
/// after the await runs until its next switch, which throws a new <see cref="GreenletExit"/> so that its
/// <c>finally</c> blocks run; a failure of the body other than <see cref="GreenletExit"/> goes to
/// <see cref="IAsyncTreeScheduler.ReportError"/>.</para>
/// </remarks>
internal sealed class AsyncSchedulerLink
{
    /// <summary>The value the scheduler's greenlet receives when the greenlet it ran is off the baton again with nothing for
    /// it: it parked on a foreign await, or the continuation it resumed was a stray that ran inline.</summary>
    public static readonly object Parked = new ParkedMarker();

    private static readonly Lock AttachLock = new();
    private static readonly Action<AsyncSchedulerLink> RunWoken = static link => AsyncTrampoline.Run(link._tree, link.Greenlet, root: null);

    // The scheduler's wait for work: Busy (not waiting), Woken (a wake came while busy: the next wait returns at once),
    // Waiting (its step called WaitForWorkAsync and has not ended), WaitingWoken (woken before that step ended), Idle
    // (waiting, its step ended: a wake runs it).
    private const int Busy = 0;
    private const int Woken = 1;
    private const int Waiting = 2;
    private const int WaitingWoken = 3;
    private const int Idle = 4;

    private readonly AsyncTree _tree;
    private int _wake;

    private AsyncSchedulerLink(AsyncTree tree, IAsyncTreeScheduler scheduler, AsyncGreenlet greenlet)
    {
        _tree = tree;
        Scheduler = scheduler;
        Greenlet = greenlet;
    }

    // How many greenlets of the tree are parked on a foreign await now.
    private int _parked;

    /// <summary>Gets the scheduler.</summary>
    public IAsyncTreeScheduler Scheduler { get; }

    /// <summary>Gets how many greenlets of the tree are parked on a foreign await now: work that will come back through
    /// <see cref="IAsyncTreeScheduler.Enqueue"/>, so a scheduler that would otherwise end (nothing ready, nothing due)
    /// keeps waiting while it is not zero. Readable from any thread.</summary>
    public int ParkedCount => Volatile.Read(ref _parked);

    /// <summary>Gets the scheduler's greenlet (read once, at attach).</summary>
    public AsyncGreenlet Greenlet { get; }

    /// <summary>
    /// Attaches <paramref name="scheduler"/> to the tree of its greenlet, for the tree's life. Call it from code of that
    /// tree (its main greenlet's outside code, or a greenlet's step) before greenlets of the tree await foreign work:
    /// a step already running when it is attached finishes as on a plain tree.
    /// </summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <returns>The link, also kept on the tree.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scheduler"/> is null.</exception>
    /// <exception cref="ArgumentException">Its greenlet is null, a main greenlet, dead, or has no body.</exception>
    /// <exception cref="GreenletError">The caller's flow is not of the greenlet's tree.</exception>
    /// <exception cref="InvalidOperationException">The tree already has a scheduler.</exception>
    public static AsyncSchedulerLink Attach(IAsyncTreeScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        AsyncGreenlet greenlet = scheduler.Greenlet ?? throw new ArgumentException("the scheduler has no greenlet", nameof(scheduler));
        if (greenlet.IsMain || greenlet.IsDead || !greenlet.CanRun)
        {
            throw new ArgumentException($"the scheduler's greenlet must be a live, runnable greenlet that is not a main: {greenlet}", nameof(scheduler));
        }

        AsyncTree tree = AsyncGreenlet.TreeOf(greenlet);
        if (AsyncTree.OfFlow() != tree)
        {
            throw new GreenletError("attach a scheduler from code of its greenlet's tree (that flow's main or one of its greenlets)");
        }

        lock (AttachLock)
        {
            if (tree.Scheduler is not null)
            {
                throw new InvalidOperationException("this tree already has a scheduler: a tree has one, for its life");
            }

            var link = new AsyncSchedulerLink(tree, scheduler, greenlet);
            tree.Scheduler = link;
            return link;
        }
    }

    /// <summary>Counts a greenlet parking (+1) or resumed from its park (-1), on the baton.</summary>
    internal void CountParked(int delta) => Interlocked.Add(ref _parked, delta);

    /// <summary>Gets whether <paramref name="greenlet"/> is parked on a foreign await (suspended, not in a switch).</summary>
    /// <param name="greenlet">A greenlet of a scheduled tree.</param>
    /// <returns>True while parked; it may be resumed only by its continuation.</returns>
    public static bool IsParked(AsyncGreenlet greenlet) => greenlet.ForeignState is { Parked: true };

    /// <summary>
    /// Returns the token that a kill of <paramref name="greenlet"/> while it is parked cancels: pass it to the foreign
    /// operation so that the kill stops it too. Call on the baton (inside a step of the tree).
    /// </summary>
    /// <param name="greenlet">A greenlet of the tree.</param>
    /// <returns>The token.</returns>
    public static CancellationToken ForeignCancellation(AsyncGreenlet greenlet) => greenlet.EnsureForeignState().Cancellation;

    /// <summary>
    /// Throws when the calling code is greenlet code of a scheduled tree that escaped its steps (after
    /// <c>ConfigureAwait(false)</c>, or in <c>Task.Run</c>): a seam call (spawning, waiting) that touches the scheduler's
    /// state calls this first, as every switch does.
    /// </summary>
    /// <exception cref="GreenletError">The caller escaped the trampoline.</exception>
    public static void ThrowIfEscaped()
    {
        if (AsyncTree.Flow is AsyncTree tree && tree.Scheduler is not null && tree.FrameOnThisThread() is null &&
            !AsyncGreenlet.MayContinueOutside(tree.Current))
        {
            throw Escaped(tree);
        }
    }

    /// <summary>The error for greenlet code of a scheduled tree running outside its steps.</summary>
    public static GreenletError Escaped(AsyncTree tree) =>
        new($"greenlet code ran outside the trampoline of a tree with a scheduler, while {tree.Current.Name} holds the baton: " +
            "an await with ConfigureAwait(false), or code in Task.Run, left the greenlet's SynchronizationContext and runs " +
            "concurrently with the tree; inside greenlets, await without ConfigureAwait(false) and do not switch from Task.Run");

    /// <summary>
    /// Waits, in the scheduler greenlet's step, until <see cref="Wake"/> is called (at once if it was called since the
    /// last wait); await it at once. The baton stays with the scheduler meanwhile: nothing else of the tree runs.
    /// </summary>
    /// <returns>A task completed with null, inside a trampoline step, once woken.</returns>
    /// <exception cref="GreenletError">The caller is not the scheduler's greenlet in a step of its tree.</exception>
    /// <exception cref="InvalidOperationException">The scheduler switched, or waits already, and has not awaited that.</exception>
    public ValueTask<object?> WaitForWorkAsync()
    {
        if (_tree.FrameOnThisThread() is not { } frame || _tree.Current != Greenlet)
        {
            throw new GreenletError("only the scheduler's greenlet waits for work, in a trampoline step of its tree");
        }

        if (frame.Next is not null)
        {
            throw new InvalidOperationException("the scheduler switched and has not awaited that switch: await it before waiting for work");
        }

        while (true)
        {
            int state = Volatile.Read(ref _wake);
            if (state == Woken)
            {
                if (Interlocked.CompareExchange(ref _wake, Busy, Woken) == Woken)
                {
                    return new ValueTask<object?>((object?)null);
                }
            }
            else if (state == Busy)
            {
                if (Interlocked.CompareExchange(ref _wake, Waiting, Busy) == Busy)
                {
                    return Greenlet.PendForWork();
                }
            }
            else
            {
                throw new InvalidOperationException("the scheduler already waits for work: await each WaitForWorkAsync before the next");
            }
        }
    }

    /// <summary>
    /// Wakes the scheduler: ends its <see cref="WaitForWorkAsync"/>, or makes the next one return at once. Thread-safe,
    /// from any thread; never runs the scheduler inline (an idle scheduler continues on a thread-pool thread).
    /// </summary>
    public void Wake()
    {
        while (true)
        {
            int state = Volatile.Read(ref _wake);
            switch (state)
            {
                case Busy when Interlocked.CompareExchange(ref _wake, Woken, Busy) == Busy:
                case Waiting when Interlocked.CompareExchange(ref _wake, WaitingWoken, Waiting) == Waiting:
                case Woken or WaitingWoken:
                    return;
                case Idle when Interlocked.CompareExchange(ref _wake, Busy, Idle) == Idle:
                    // Off the waker's stack: Post must not run the tree inside its caller.
                    ThreadPool.UnsafeQueueUserWorkItem(RunWoken, this, preferLocal: false);
                    return;
            }
        }
    }

    /// <summary>
    /// Called when the scheduler greenlet's step ended without a switch: true if it waits for work (then
    /// <paramref name="woken"/> says whether a wake came during that step, so it continues at once), false if it
    /// awaits foreign work of its own.
    /// </summary>
    internal bool TryIdle(out bool woken)
    {
        while (true)
        {
            int state = Volatile.Read(ref _wake);
            if (state == Waiting)
            {
                if (Interlocked.CompareExchange(ref _wake, Idle, Waiting) == Waiting)
                {
                    woken = false;
                    return true;
                }
            }
            else if (state == WaitingWoken)
            {
                if (Interlocked.CompareExchange(ref _wake, Busy, WaitingWoken) == WaitingWoken)
                {
                    woken = true;
                    return true;
                }
            }
            else
            {
                woken = false;
                return false;
            }
        }
    }

    /// <summary>The type of <see cref="Parked"/>: a value no user code produces.</summary>
    private sealed class ParkedMarker
    {
        public override string ToString() => "(parked on a foreign await)";
    }
}
