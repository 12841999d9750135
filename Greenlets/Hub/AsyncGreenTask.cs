using System.Runtime.ExceptionServices;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>An async greenlet scheduled by an <see cref="AsyncHub"/>, with a result: gevent's <c>Greenlet</c> on the
/// async backend.</summary>
/// <remarks>
/// <para>The parent is always the hub, so when the task finishes or fails, control goes back to the hub, never to the
/// spawner. <see cref="AsyncHub.Spawn(Func{ValueTask})"/> (or <see cref="Start"/>) only schedules it: it starts when
/// the spawner waits, in FIFO order with the other ready greenlets.</para>
/// <para>A failure is kept on the task and rethrown by <see cref="GetAsync"/>. When the task fails and nobody observes
/// it (no <see cref="JoinAsync"/> or <see cref="GetAsync"/> waiting, no link, no <see cref="AsTask"/>), the failure is
/// reported to <see cref="AsyncHub.UnhandledException"/>, or standard error without a handler. A task killed with
/// <see cref="GreenletExit"/> counts as successful; its value is the exit exception.</para>
/// <para>A task belongs to the tree of the flow that created it: use it from that tree, except <see cref="AsTask"/>,
/// the read-only properties, the links, <see cref="Start"/> and a non-blocking kill, which other threads may call
/// (they are posted into the hub).</para>
/// </remarks>
public partial class AsyncGreenTask : AsyncGreenlet
{
    private static readonly Func<object?, ValueTask<object?>> RunTask = static _ => ((AsyncGreenTask)AsyncGreenlet.Current).RunBody();

    private readonly Lock _sync = new();
    private readonly AsyncHub _hub;
    // Made at the first join: most tasks are never joined one by one, and a million waiting tasks should not carry a
    // wait list each.
    private WaitList? _joiners;

    // A Func<ValueTask> (kept as given: no wrapper closure and no second state machine per task) or a
    // Func<ValueTask<object?>> (a task with a value).
    private object? _body;
    private bool _scheduled;
    private HubTimer? _startTimer;
    private HubTaskOutcome _outcome;

    /// <summary>Creates a task for <paramref name="body"/> in the calling flow's async hub; call <see cref="Start"/> to
    /// schedule it.</summary>
    /// <param name="body">The body.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    public AsyncGreenTask(Func<ValueTask> body)
        : this((object)body)
    {
    }

    private protected AsyncGreenTask(Func<ValueTask<object?>> body)
        : this((object)body)
    {
    }

    private AsyncGreenTask(object body)
        : base(RunTask, HubFor(body))
    {
        _body = body;
        _hub = (AsyncHub)Parent!;
    }

    /// <summary>Gets whether the task has finished: returned, failed, or been killed.</summary>
    public bool IsReady => _outcome.IsReady;

    /// <summary>Gets whether the task finished without an error; a kill with <see cref="GreenletExit"/> counts as success.</summary>
    public bool IsSuccessful => _outcome.IsSuccessful;

    /// <summary>Gets the failure, or null (also null for a <see cref="GreenletExit"/> kill).</summary>
    public Exception? Exception => _outcome.Exception;

    /// <summary>Gets the result: the body's value, the <see cref="GreenletExit"/> of a kill, or null before then and on error.</summary>
    public object? Value => _outcome.Value;

    /// <summary>Gets the hub that runs this task.</summary>
    public AsyncHub Hub => _hub;

    /// <summary>Schedules the task to start; later calls do nothing.</summary>
    /// <remarks>Callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    public void Start()
    {
        if (HubBinding.Marshal(_hub, "AsyncGreenTask.Start", static t => t.Start(), this))
        {
            return;
        }

        if (_scheduled)
        {
            return;
        }

        _scheduled = true;
        _hub.EnqueueStart(this);
    }

    /// <summary>Schedules the task to start after <paramref name="delay"/>; does nothing if it was already scheduled.</summary>
    /// <param name="delay">How long to wait before starting; <see cref="Timeout.InfiniteTimeSpan"/> never starts it.</param>
    /// <remarks>Callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative and not infinite.</exception>
    public void StartLater(TimeSpan delay)
    {
        HubTimeouts.Check(delay, nameof(delay));
        if (HubBinding.Marshal(_hub, "AsyncGreenTask.StartLater", static s => s.Task.StartLater(s.Delay), (Task: this, Delay: delay)))
        {
            return;
        }

        if (_scheduled)
        {
            return;
        }

        _scheduled = true;
        if (delay != Timeout.InfiniteTimeSpan)
        {
            _startTimer = _hub.StartTimer(delay, () => _hub.EnqueueStart(this));
        }
    }

    /// <summary>Waits until the task finishes; true when it did, false when <paramref name="timeout"/> passed first.</summary>
    /// <param name="timeout">The longest wait, or null (or <see cref="Timeout.InfiniteTimeSpan"/>) for no limit.</param>
    /// <returns>Whether the task is ready. A failure is not rethrown: use <see cref="GetAsync"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The task belongs to another flow's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the task (thrown into the main greenlet).</exception>
    public ValueTask<bool> JoinAsync(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        HubBinding.Check(_hub, "AsyncGreenTask.JoinAsync");
        return _outcome.IsReady ? new ValueTask<bool>(true) : JoinCoreAsync(timeout, observe: true, "AsyncGreenTask.JoinAsync");
    }

    /// <summary>Waits for the task and returns its value, or rethrows its failure with the original stack trace.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>The value (the <see cref="GreenletExit"/> if it was killed).</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed before the task finished.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The task belongs to another flow's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the task.</exception>
    /// <exception cref="Exception">The task's own failure.</exception>
    public ValueTask<object?> GetAsync(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        HubBinding.Check(_hub, "AsyncGreenTask.GetAsync");
        return _outcome.IsReady ? new ValueTask<object?>(_outcome.Result()) : GetSlowAsync(timeout);
    }

    /// <summary>Kills the task: raises <paramref name="exception"/> in it from the hub; never raises itself.</summary>
    /// <param name="exception">The exception, or null for a new <see cref="GreenletExit"/>.</param>
    /// <param name="block">Whether to wait until the task has finished.</param>
    /// <param name="timeout">The longest wait when blocking, or null for no limit.</param>
    /// <returns>A task that completes when the kill is done (blocking: when the task has finished).</returns>
    /// <remarks>A task killed before it first ran never runs; its links still fire, from the hub. A ready task is left
    /// alone. A task killing itself gets <paramref name="exception"/> raised at once. As in gevent, a blocking kill
    /// resumes the killer as soon as the hub callback that raised the exception is done, then joins. With
    /// <paramref name="block"/> false, callable from any thread: posted into the task's hub.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">Blocking, and the task belongs to another flow's hub.</exception>
    /// <exception cref="Exception"><paramref name="exception"/>, only when the task kills itself.</exception>
    public ValueTask KillAsync(Exception? exception = null, bool block = true, TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        if (block)
        {
            HubBinding.Check(_hub, "AsyncGreenTask.KillAsync");
        }
        else if (HubBinding.Marshal(_hub, "AsyncGreenTask.KillAsync", static s => s.Task.KillWithoutWaiting(s.Error), (Task: this, Error: exception)))
        {
            return default;
        }

        if (_outcome.IsReady)
        {
            return default;
        }

        exception ??= new GreenletExit();
        if (!IsStarted)
        {
            KillBeforeStart(exception);
            return default;
        }

        AsyncGreenlet current = AsyncGreenlet.Current;
        if (current == this)
        {
            return ValueTask.FromException(exception);
        }

        HubWaiter? killer = block && current != _hub ? HubWaiter.Begin(_hub, "AsyncGreenTask.KillAsync") : null;
        _hub.ScheduleAsync(async () =>
        {
            await ThrowFromHubAsync(exception);
            killer?.Resume(null);
            return null;
        });
        return killer is null ? default : KillWaitAsync(killer, timeout);
    }

    /// <summary>Returns a task that completes (from any thread) when this greenlet task finishes, so code outside the
    /// tree can await it.</summary>
    /// <returns>A task with the same outcome; a <see cref="GreenletExit"/> kill completes it successfully.</returns>
    /// <remarks>Something must run the hub for the task to finish: a greenlet of the tree waiting cooperatively. The
    /// tree's own main greenlet should wait with <see cref="JoinAsync"/> or <see cref="AsyncHub.WaitAsync(Task)"/>,
    /// not a plain <c>await</c> of this task, which keeps the baton and lets nothing else of the tree run.</remarks>
    public Task AsTask() => Completion().Task;

    /// <summary>Returns a description with the name and the outcome.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"<{GetType().Name.Split('`')[0]} \"{Name}\" {(IsReady ? (IsSuccessful ? "successful" : "failed") : State.ToString().ToLowerInvariant())}>";

    /// <summary>gevent's <c>_maybe_kill_before_start</c>: kills a task that has not started; true when it is finished now.</summary>
    internal bool KillIfNotStarted(Exception exception)
    {
        if (_outcome.IsReady)
        {
            return true;
        }

        if (IsStarted)
        {
            return false;
        }

        KillBeforeStart(exception);
        return true;
    }

    /// <summary>Raises <paramref name="exception"/> in the waiting task from the hub; it runs until it finishes or
    /// waits again. Something escaping the switch is reported; a kill of the hub goes on.</summary>
    internal async ValueTask ThrowFromHubAsync(Exception exception)
    {
        if (_outcome.IsReady || State != GreenletState.Suspended)
        {
            return;
        }

        CancelToken();
        bool parked = AsyncSchedulerLink.IsParked(this);
        try
        {
            await ThrowAsync(exception);
        }
        catch (Exception e) when (e is not GreenletExit)
        {
            _hub.ReportError(this, e);
        }

        if (parked && IsDead && !_outcome.IsReady)
        {
            // It awaited foreign work (a raw Task): the seam killed it at once, and its body only unwinds when that work
            // completes. The task is over now, as for any kill; the late unwinding is observed by the seam.
            Complete(exception is GreenletExit ? exception : null, exception is GreenletExit ? null : ExceptionDispatchInfo.Capture(exception));
        }
    }

    /// <summary>Gets whether the hub would start the task now (it was neither killed nor started).</summary>
    internal bool CanStartNow => !_outcome.IsReady && !IsStarted;

    internal TaskCompletionSource<object?> Completion() => _outcome.Completion(_sync);

    private static AsyncHub HubFor(object body)
    {
        // Checked before the greenlet is made, so that nothing is created for a missing body.
        ArgumentNullException.ThrowIfNull(body);
        return AsyncHub.Current;
    }

    /// <summary>Runs the body and records its outcome; the task then returns to the hub.</summary>
    private async ValueTask<object?> RunBody()
    {
        object body = _body!;
        _body = null;
        object? value = null;
        ExceptionDispatchInfo? error = null;
        try
        {
            if (body is Func<ValueTask> action)
            {
                await action();
            }
            else
            {
                value = await ((Func<ValueTask<object?>>)body)();
            }
        }
        catch (GreenletExit exit)
        {
            value = exit;
        }
        catch (Exception e)
        {
            error = ExceptionDispatchInfo.Capture(e);
        }

        Complete(value, error);
        return null;
    }

    private async ValueTask<object?> GetSlowAsync(TimeSpan? timeout)
    {
        if (!await JoinCoreAsync(timeout, observe: true, "AsyncGreenTask.GetAsync"))
        {
            throw new GreenTimeoutException($"{Name} did not finish within {timeout}.");
        }

        return _outcome.Result();
    }

    /// <summary>A non-blocking kill, posted from another thread: it completes synchronously.</summary>
    private void KillWithoutWaiting(Exception? exception)
    {
        ValueTask kill = KillAsync(exception, block: false);
        if (!kill.IsCompletedSuccessfully)
        {
            kill.AsTask().GetAwaiter().GetResult();
        }
    }

    private async ValueTask KillWaitAsync(HubWaiter killer, TimeSpan? timeout)
    {
        await killer.ParkAsync();

        // Not an observer: a failure the kill caused is still reported unless someone else looks at it.
        await JoinCoreAsync(timeout, observe: false, "AsyncGreenTask.KillAsync");
    }

    /// <summary>Waits until the task finishes or the timeout passes.</summary>
    private async ValueTask<bool> JoinCoreAsync(TimeSpan? timeout, bool observe, string what)
    {
        if (_outcome.IsReady)
        {
            return true;
        }

        AsyncGreenlet current = _hub.CheckCanBlock();
        if (current == this)
        {
            throw new InvalidOperationException("A greenlet cannot join itself.");
        }

        if (observe)
        {
            _outcome.Observers++;
        }

        try
        {
            _joiners ??= new WaitList(() => _outcome.IsReady, notifyAll: true);
            await _joiners.BlockAsync(_joiners.Link(new HubWaiter(_hub, current, what)), timeout);
        }
        finally
        {
            if (observe)
            {
                _outcome.Observers--;
            }
        }

        return _outcome.IsReady;
    }

    private void KillBeforeStart(Exception exception)
    {
        CancelToken();
        _startTimer?.Cancel();
        _body = null;

        // T8: a pending greenlet killed dies without running its body; nothing receives the exception.
        Backend.DieUnstarted(this);
        Complete(exception is GreenletExit ? exception : null, exception is GreenletExit ? null : ExceptionDispatchInfo.Capture(exception));
    }

    private void Complete(object? value, ExceptionDispatchInfo? error)
    {
        if (_outcome.IsReady)
        {
            // Killed while it awaited foreign work: completed at the kill; this is its late unwinding.
            return;
        }

        bool observed = _outcome.Complete(value, error, _sync);

        // gevent: the joiners and links run from hub callbacks scheduled at death.
        observed |= HasUserLinks(error is null);
        _joiners?.Notify();
        ScheduleLinks();
        if (error is not null && !observed)
        {
            _hub.ReportError(this, error.SourceException);
        }
    }

}
