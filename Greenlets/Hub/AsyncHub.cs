using System.Runtime.CompilerServices;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>The cooperative scheduler of one async greenlet tree: gevent's hub on <see cref="AsyncGreenlet"/>.</summary>
/// <remarks>
/// <para>The same rules as <see cref="Hub"/>, for stackless greenlets: one hub per async greenlet tree, created on first
/// use, whose parent is the tree's main greenlet; a FIFO ready queue; timers in due order on the hub's
/// <see cref="TimeProvider"/>; <see cref="SleepAsync(TimeSpan)"/> with <see cref="TimeSpan.Zero"/> lets every ready
/// greenlet run once; waiting on a <see cref="Task"/> wakes the waiter through the hub; and when the main greenlet
/// waits with nothing left that could wake it, <see cref="HubLoopExitException"/> is thrown into it (the hub stays
/// usable). A greenlet that waits (<see cref="SleepAsync(TimeSpan)"/>, <see cref="WaitAsync(Task)"/>, a
/// <c>Green*</c> primitive's <c>*Async</c> member) switches to the hub, and only the hub switches into it again.</para>
/// <para><b>The tree.</b> The tree belongs to a logical async flow (see <see cref="AsyncGreenlet"/>): code of that flow
/// outside any async greenlet is the main greenlet, so <c>await AsyncHub.SleepAsync(...)</c> from <c>async Main</c>
/// just works, and so does blocking on it from a synchronous <c>Main</c>
/// (<c>AsyncHub.SleepAsync(d).AsTask().GetAwaiter().GetResult()</c>). A hub created lazily belongs to the flow that
/// created it: an async helper's <see cref="AsyncLocal{T}"/> changes do not flow back to its caller, so touch
/// <see cref="Current"/> in the entry point before calling helpers that use the hub.</para>
/// <para><b>Idle.</b> While nothing is ready the hub waits, through the Async layer's scheduler seam, for the next timer
/// or a post from another thread (a task completion, a <c>Set</c> from another thread): no thread is blocked and
/// nothing polls; it continues in a step of its tree on the thread that woke it.</para>
/// <para><b>Any await is cooperative.</b> The hub is its tree's scheduler: inside a greenlet, awaiting foreign work (a
/// raw <see cref="Task"/>) parks the greenlet and the hub runs the others; the continuation comes back through the
/// hub's posts (see <c>AsyncHub.Scheduler.cs</c>). A kill or a timeout landing meanwhile ends the task at once.</para>
/// </remarks>
public sealed partial class AsyncHub : AsyncGreenlet
{
    // Guards the creation of a tree's hub (kept in the tree's Extension slot, so it lives as long as the tree).
    private static readonly Lock HubCreation = new();
    private static readonly Func<object?, ValueTask<object?>> RunHub = static _ => ((AsyncHub)AsyncGreenlet.Current).RunLoop();

    private readonly AsyncTree _tree;

    private AsyncHub(AsyncTree tree, TimeProvider time)
        : base(RunHub, tree.Main)
    {
        _tree = tree;
        _loop = new HubLoopCore(this, time, Wake) { ForeignAwaits = CountParked };
        Name = "hub";
        HubRegistry.Add(this);
    }

    /// <summary>Raised for an error nobody observes in this hub's tree: a failed <see cref="AsyncGreenTask"/> with no
    /// link, joiner or <see cref="AsyncGreenTask.AsTask"/>, an exception escaping a callback or a link, or a raw async
    /// greenlet whose parent is the hub.</summary>
    /// <remarks>Without a handler the error is written to standard error, as gevent's <c>handle_error</c> prints it.
    /// The handler runs in the hub and must not wait; an exception it throws is written to standard error.</remarks>
    public event EventHandler<AsyncGreenletExceptionEventArgs>? UnhandledException;

    /// <summary>Gets the hub of the calling flow's async greenlet tree, creating it (and the tree) on first use.</summary>
    public static new AsyncHub Current => Of(AsyncTree.OfFlow());

    /// <summary>Gets whether the calling code belongs to an async hub: code inside an async greenlet, or outside code of
    /// a flow whose tree has a live async hub. The <c>*Async</c> members of the primitives wait there; elsewhere they
    /// wait on the thread's <see cref="Hub"/> (and complete synchronously).</summary>
    internal static bool CallerIsAsync => AsyncTree.Flow switch
    {
        AsyncTree => true,
        AsyncGreenlet { Tree: { } tree } => tree.Extension is AsyncHub { IsDead: false },
        _ => false,
    };

    internal int ReadyCount => _loop.ReadyCount + _next.Count;

    /// <summary>Refuses a synchronous wait from async greenlet code, before anything changes.</summary>
    /// <exception cref="InvalidOperationException">The caller is the code of an async greenlet.</exception>
    internal static void ThrowIfAsyncCaller()
    {
        if (AsyncTree.Flow is AsyncTree)
        {
            throw new InvalidOperationException(
                "A synchronous wait was called from async greenlet code, where it would park a thread hub that nothing runs: await the *Async member instead (SleepAsync, WaitAsync, GetAsync, PutAsync, AcquireAsync, JoinAsync).");
        }
    }

    internal int TimerCount => _loop.TimerCount;

    internal int WaitingCount => _loop.Blocked.Count;

    /// <summary>Gets the clock of every timer and timeout of this hub.</summary>
    internal TimeProvider Time => _loop.Time;

    /// <summary>Creates an <see cref="AsyncGreenTask"/> for <paramref name="body"/> and schedules it to start.</summary>
    /// <param name="body">The body; it runs as an async greenlet of the calling flow's tree.</param>
    /// <returns>The scheduled task; it starts when the spawner waits (spawn does not run anything at once).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static AsyncGreenTask Spawn(Func<ValueTask> body)
    {
        var task = new AsyncGreenTask(body);
        task.Start();
        return task;
    }

    /// <summary>Creates an <see cref="AsyncGreenTask{T}"/> for <paramref name="body"/> and schedules it to start.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="body">The body.</param>
    /// <returns>The scheduled task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static AsyncGreenTask<T> Spawn<T>(Func<ValueTask<T>> body)
    {
        var task = new AsyncGreenTask<T>(body);
        task.Start();
        return task;
    }

    /// <summary>Creates an <see cref="AsyncGreenTask"/> for <paramref name="body"/> that starts after <paramref name="delay"/>.</summary>
    /// <param name="delay">How long to wait before starting; <see cref="Timeout.InfiniteTimeSpan"/> never starts it.</param>
    /// <param name="body">The body.</param>
    /// <returns>The task; killing it before the delay passes means it never runs.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative and not infinite.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public static AsyncGreenTask SpawnLater(TimeSpan delay, Func<ValueTask> body)
    {
        HubTimeouts.Check(delay, nameof(delay));
        var task = new AsyncGreenTask(body);
        task.StartLater(delay);
        return task;
    }

    /// <summary>Waits cooperatively: other greenlets of the tree run meanwhile.</summary>
    /// <param name="delay">How long to wait; <see cref="TimeSpan.Zero"/> lets every greenlet ready now run once and then
    /// continues; <see cref="Timeout.InfiniteTimeSpan"/> waits until killed.</param>
    /// <returns>A task that completes when the wait is over; await it at once.</returns>
    /// <remarks>A timer never fires early. An infinite sleep keeps nothing alive: in the main greenlet with nothing else
    /// left, it gets <see cref="HubLoopExitException"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative and not infinite.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    public static ValueTask SleepAsync(TimeSpan delay)
    {
        HubTimeouts.Check(delay, nameof(delay));
        HubWaiter waiter = HubWaiter.BeginAsync("AsyncHub.SleepAsync");
        if (delay == TimeSpan.Zero)
        {
            // A yield: woken before it parks, so it resumes behind every greenlet ready now.
            waiter.Wake(null);
            return waiter.ParkAsync(timeout: null, listed: false);
        }

        return waiter.ParkAsync(delay, listed: true);
    }

    /// <summary>Waits cooperatively for <paramref name="millisecondsDelay"/> milliseconds.</summary>
    /// <param name="millisecondsDelay">How long to wait; 0 yields to every ready greenlet; -1 waits until killed.</param>
    /// <returns>A task that completes when the wait is over.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="millisecondsDelay"/> is less than -1.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    public static ValueTask SleepAsync(int millisecondsDelay) => SleepAsync(HubTimeouts.FromMilliseconds(millisecondsDelay, nameof(millisecondsDelay)));

    /// <summary>Waits cooperatively for <paramref name="task"/>; its exception is rethrown with its original stack trace.</summary>
    /// <param name="task">Any .NET task; its completion is posted to the hub, which resumes the caller.</param>
    /// <returns>A task that completes when <paramref name="task"/> has and the hub resumed the caller.</returns>
    /// <remarks>A kill or a <see cref="GreenTimeout"/> ends the wait at once; <paramref name="task"/> itself runs on
    /// (it is abandoned, not cancelled: pass a <see cref="CancellationToken"/> to the operation to stop it).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The task was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    /// <exception cref="Exception">The task's own exception (the first one of an <see cref="AggregateException"/>).</exception>
    public static async ValueTask WaitAsync(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!task.IsCompleted)
        {
            await Current.WaitForTaskAsync(task);
        }

        task.GetAwaiter().GetResult();
    }

    /// <summary>Waits cooperatively for <paramref name="task"/> and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">Any .NET task.</param>
    /// <returns>The task's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The task was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    /// <exception cref="Exception">The task's own exception, rethrown with its original stack trace.</exception>
    public static async ValueTask<T> WaitAsync<T>(Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!task.IsCompleted)
        {
            await Current.WaitForTaskAsync(task);
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>Returns a description of the hub and what it holds.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"<AsyncHub ready={ReadyCount} timers={TimerCount} waiting={WaitingCount}>";

    /// <summary>Creates the hub of the calling flow's tree on <paramref name="time"/>'s clock (a manual or virtual
    /// clock, for tests), before anything has made it lazily.</summary>
    /// <exception cref="InvalidOperationException">The tree already has a live hub.</exception>
    internal static AsyncHub CreateForThisFlow(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Lookup(AsyncTree.OfFlow(), time, requireNew: true);
    }

    /// <summary>Gets the hub of <paramref name="tree"/>, creating it on first use.</summary>
    internal static AsyncHub Of(AsyncTree tree) =>
        tree.Extension is AsyncHub { IsDead: false } hub ? hub : Lookup(tree, TimeProvider.System, requireNew: false);

    /// <summary>Gets the live hub of <paramref name="tree"/> without creating one.</summary>
    internal static AsyncHub? Find(AsyncTree tree) => tree.Extension is AsyncHub { IsDead: false } hub ? hub : null;

    private static AsyncHub Lookup(AsyncTree tree, TimeProvider time, bool requireNew)
    {
        lock (HubCreation)
        {
            if (tree.Extension is AsyncHub { IsDead: false } hub)
            {
                return requireNew ? throw new InvalidOperationException("This flow's async tree already has a hub; choose its clock before the first use of the hub.") : hub;
            }

            // The hub must not inherit the AsyncLocal values of whichever code happened to create it.
            using (ExecutionContext.SuppressFlow())
            {
                hub = new AsyncHub(tree, time);
            }

            tree.Extension = hub;

            // From the caller's flow, which is the tree's: from now on any await of a greenlet of the tree parks it.
            hub.AttachScheduler();
            return hub;
        }
    }
}
