using System.Runtime.CompilerServices;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>The cooperative scheduler of one thread's greenlet tree: gevent's hub.</summary>
/// <remarks>
/// <para>Each thread tree has one hub, created on first use; its parent is the tree's main greenlet. The hub owns a FIFO
/// ready queue, timers and the completions of .NET tasks. A greenlet that waits (<see cref="Sleep(TimeSpan)"/>,
/// <see cref="Wait(Task)"/>, a <c>Green*</c> primitive, a <c>GreenStream</c> read) switches to the hub, and the
/// hub switches to whoever is ready. Only the hub switches into a waiting greenlet.</para>
/// <para>While nothing is ready the hub blocks the tree on a futex until the next timer or a task completion: no
/// polling. When the main greenlet waits and nothing could ever wake it, the hub throws
/// <see cref="HubLoopExitException"/> into it; the hub stays usable.</para>
/// <para>.NET cannot monkey patch blocking calls as gevent does: <see cref="Thread.Sleep(int)"/>, a synchronous socket
/// read, <see cref="Task.Wait()"/> or a <c>lock</c> held across a wait block the whole tree. Use <see cref="Sleep(TimeSpan)"/>,
/// <see cref="Wait(Task)"/>, <c>GreenStream</c> and the <c>Green*</c> primitives instead.</para>
/// <para>A hub belongs to its tree: its greenlets and primitives must be used from that tree only.</para>
/// </remarks>
public sealed partial class Hub : Greenlet
{
    private static readonly ConditionalWeakTable<TreeState, Hub> Hubs = new();

    [ThreadStatic]
    private static Hub? cachedHub;

    private readonly TreeState _tree;

    private Hub(TreeState tree, TimeProvider time)
        : base(tree.Main)
    {
        _tree = tree;
        _loop = new HubLoopCore(this, time, _signal.Set);
        Name = "hub";
        HubRegistry.Add(this);
    }

    /// <summary>Raised, in this hub's tree, for an error nobody observes: a failed <see cref="GreenTask"/> with no link,
    /// joiner or <see cref="GreenTask.AsTask"/>, an exception escaping a link callback, or a raw greenlet whose parent is the hub.</summary>
    /// <remarks>Without a handler the error is written to standard error, as gevent's <c>handle_error</c> prints it.
    /// The handler runs on a greenlet of the tree and must not wait; an exception it throws is written to standard error.</remarks>
    public event EventHandler<GreenletExceptionEventArgs>? UnhandledException;

    /// <summary>Gets the hub of the calling thread's tree, creating it on first use.</summary>
    public static new Hub Current
    {
        get
        {
            GreenletCore cur = GreenletCore.Ensure();
            Hub? hub = cachedHub;
            if (hub is not null && hub._tree == cur.Tree && hub.Core.RawState != GreenletState.Dead)
            {
                return hub;
            }

            return cachedHub = Lookup(cur.Tree!, TimeProvider.System, requireNew: false);
        }
    }

    internal TreeState Tree => _tree;

    /// <summary>Creates a <see cref="GreenTask"/> for <paramref name="action"/> and schedules it to start.</summary>
    /// <param name="action">The body.</param>
    /// <returns>The scheduled task; it starts when the spawner waits (spawn does not run anything at once).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public static GreenTask Spawn(Action action)
    {
        var task = new GreenTask(action);
        task.Start();
        return task;
    }

    /// <summary>Creates a <see cref="GreenTask{T}"/> for <paramref name="function"/> and schedules it to start.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="function">The body.</param>
    /// <returns>The scheduled task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public static GreenTask<T> Spawn<T>(Func<T> function)
    {
        var task = new GreenTask<T>(function);
        task.Start();
        return task;
    }

    /// <summary>Creates a <see cref="GreenTask"/> for <paramref name="action"/> that starts after <paramref name="delay"/>.</summary>
    /// <param name="delay">How long to wait before starting.</param>
    /// <param name="action">The body.</param>
    /// <returns>The task; killing it before the delay passes means it never runs. With
    /// <see cref="Timeout.InfiniteTimeSpan"/> it never starts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative and not infinite.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public static GreenTask SpawnLater(TimeSpan delay, Action action)
    {
        HubTimeouts.Check(delay, nameof(delay));
        var task = new GreenTask(action);
        task.StartLater(delay);
        return task;
    }

    /// <summary>Waits cooperatively: other greenlets run meanwhile.</summary>
    /// <param name="delay">How long to wait; <see cref="TimeSpan.Zero"/> lets every greenlet ready now run once
    /// and then continues; <see cref="Timeout.InfiniteTimeSpan"/> waits until killed.</param>
    /// <remarks>A timer never fires early; it fires as soon as the hub gets control after it is due. An infinite sleep
    /// keeps nothing alive: in the main greenlet with nothing else left, it gets <see cref="HubLoopExitException"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative and not infinite.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    public static void Sleep(TimeSpan delay) => SleepCore(delay, default);

    private static void SleepCore(TimeSpan delay, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(delay, nameof(delay));
        cancellationToken.ThrowIfCancellationRequested();
        HubWaiter waiter = HubWaiter.Begin("Hub.Sleep");
        if (delay == TimeSpan.Zero)
        {
            // A yield: woken before it parks, so it resumes behind every greenlet ready now.
            waiter.Wake(null);
            waiter.Park(listed: false, cancellationToken: cancellationToken);
            return;
        }

        waiter.Park(delay, cancellationToken: cancellationToken);
    }

    /// <summary>Waits cooperatively for <paramref name="millisecondsDelay"/> milliseconds.</summary>
    /// <param name="millisecondsDelay">How long to wait; 0 yields to every ready greenlet; -1
    /// (<see cref="Timeout.Infinite"/>) waits until killed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="millisecondsDelay"/> is less than -1.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    public static void Sleep(int millisecondsDelay) => Sleep(HubTimeouts.FromMilliseconds(millisecondsDelay, nameof(millisecondsDelay)));

    /// <summary>Waits cooperatively for <paramref name="task"/>; its exception is rethrown with its original stack trace.</summary>
    /// <param name="task">Any .NET task; its completion is marshalled to the hub's thread, which resumes the caller.</param>
    /// <remarks><para><b>A thread with a <see cref="SynchronizationContext"/></b> (a UI thread, Nito's <c>AsyncContext</c>):
    /// <c>Hub.Wait(FooAsync())</c> from its main greenlet deadlocks when <c>FooAsync</c> awaits without
    /// <c>ConfigureAwait(false)</c>, as <c>FooAsync().Wait()</c> would: its continuations are posted to that
    /// context, whose thread sits in the hub and does not pump it. Use <c>ConfigureAwait(false)</c> in
    /// <c>FooAsync</c>, wait for <c>Task.Run(FooAsync)</c>, or run the hub on a <see cref="HubThread"/>. Greenlets other
    /// than the main run on their own fiber threads, which have no such context, so <c>Hub.Wait(FooAsync())</c> from a
    /// spawned greenlet works without <c>ConfigureAwait(false)</c>. The hub cannot fix this for the main greenlet: the
    /// context was captured by <c>FooAsync</c> before the wait began, and only its owner can run it. A
    /// <see cref="Wait(Task, CancellationToken)"/> with a token at least turns such a hang into an
    /// <see cref="OperationCanceledException"/>.</para></remarks>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The task was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    /// <exception cref="Exception">The task's own exception (the first one of an <see cref="AggregateException"/>).</exception>
    public static void Wait(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!task.IsCompleted)
        {
            Current.WaitForTask(task);
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
    public static T Wait<T>(Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!task.IsCompleted)
        {
            Current.WaitForTask(task);
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits cooperatively for <paramref name="task"/>; its exception is rethrown with its original stack trace.</summary>
    /// <param name="task">Any value task; it is consumed (awaited once), as an <c>await</c> would.</param>
    /// <remarks>A completed value task returns (or throws) at once without switching; see <see cref="Wait(Task)"/> about
    /// <c>ConfigureAwait(false)</c> on a thread with a <see cref="SynchronizationContext"/>.</remarks>
    /// <exception cref="OperationCanceledException">The task was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    /// <exception cref="Exception">The task's own exception.</exception>
    public static void Wait(ValueTask task)
    {
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult();
            return;
        }

        Wait(task.AsTask());
    }

    /// <summary>Waits cooperatively for <paramref name="task"/> and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">Any value task; it is consumed (awaited once), as an <c>await</c> would.</param>
    /// <returns>The task's result.</returns>
    /// <remarks>A completed value task returns (or throws) at once without switching; see <see cref="Wait(Task)"/> about
    /// <c>ConfigureAwait(false)</c> on a thread with a <see cref="SynchronizationContext"/>.</remarks>
    /// <exception cref="OperationCanceledException">The task was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    /// <exception cref="Exception">The task's own exception.</exception>
    public static T Wait<T>(ValueTask<T> task) => task.IsCompleted ? task.GetAwaiter().GetResult() : Wait(task.AsTask());

    /// <summary>Returns a description of the hub and what it holds.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"<Hub ready={ReadyCount} timers={TimerCount} waiting={WaitingCount}>";

    /// <summary>Gets whether the calling thread's greenlet tree has a live hub (without making one).</summary>
    internal static bool ThisThreadHasHub =>
        GreenletCore.OnThisThread?.Tree is { } tree && Hubs.TryGetValue(tree, out Hub? hub) && hub.Core.RawState != GreenletState.Dead;

    /// <summary>Creates the hub of the calling thread's tree on <paramref name="time"/>'s clock (a manual or virtual
    /// clock, for tests), before anything has made it lazily.</summary>
    /// <exception cref="InvalidOperationException">The tree already has a live hub.</exception>
    internal static Hub CreateForThisTree(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        GreenletCore cur = GreenletCore.Ensure();
        return cachedHub = Lookup(cur.Tree!, time, requireNew: true);
    }

    private static Hub Lookup(TreeState tree, TimeProvider time, bool requireNew)
    {
        Hub? hub;
        lock (Hubs)
        {
            if (Hubs.TryGetValue(tree, out hub) && hub.Core.RawState != GreenletState.Dead)
            {
                return requireNew ? throw new InvalidOperationException("This thread's tree already has a hub; choose its clock before the first use of the hub.") : hub;
            }

            // The hub must not inherit the AsyncLocal values of whichever greenlet happened to create it.
            using (ExecutionContext.SuppressFlow())
            {
                hub = new Hub(tree, time);
            }

            Hubs.AddOrUpdate(tree, hub);
        }

        hub.Prime(tree);
        return hub;
    }

    /// <summary>Starts the hub's greenlet at once, untraced, so that it is never pending when work is queued on it.</summary>
    /// <remarks>A pending greenlet that receives an exception dies without running (T8), and a tracer that throws delivers
    /// its exception to the target (TR4): a fresh hub whose first switch was traced by a throwing tracer died with tasks
    /// already queued on it, and the next <see cref="Current"/> silently made a second hub. Once started, the hub only
    /// ever waits inside a handler that reports such an exception and goes on.</remarks>
    private void Prime(TreeState tree)
    {
        GreenletTracer? tracer = tree.Tracer;
        tree.Tracer = null;
        try
        {
            Switch(Greenlet.Current);
        }
        finally
        {
            tree.Tracer = tracer;
        }
    }
}
