using System.Runtime.ExceptionServices;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A greenlet scheduled by the <see cref="Hub"/>, with a result: gevent's <c>Greenlet</c>.</summary>
/// <remarks>
/// <para>The parent is always the hub, so when the task finishes or fails, control goes back to the hub, never to the
/// spawner. <see cref="Hub.Spawn(Action)"/> (or <see cref="Start"/>) only schedules it: it starts when the spawner
/// waits, in FIFO order with the other ready greenlets.</para>
/// <para>A failure is kept on the task and rethrown by <see cref="Get(TimeSpan?)"/>. When the task fails and nobody observes it
/// (no <see cref="Join(TimeSpan?)"/> or <see cref="Get(TimeSpan?)"/> waiting, no link, no <see cref="AsTask"/>), the failure is reported to
/// <see cref="Hub.UnhandledException"/>, or standard error without a handler. A task killed with
/// <see cref="GreenletExit"/> counts as successful; its value is the exit exception.</para>
/// <para>Unlike gevent's <c>bool(g)</c>, which is true as soon as a greenlet is scheduled, <see cref="Greenlet.IsActive"/>
/// keeps greenlet's meaning: started and not dead. A scheduled task that has not run yet is <see cref="Greenlet.IsStarted"/>
/// false and <see cref="IsReady"/> false.</para>
/// <para>A task belongs to the tree of the thread that created it: use it from that tree only, except
/// <see cref="AsTask"/> and the read-only properties, which are safe from any thread.</para>
/// </remarks>
public partial class GreenTask : Greenlet
{
    private readonly Lock _sync = new();
    private readonly Hub _hub;
    private Func<object?>? _body;
    private bool _scheduled;
    private HubTimer? _startTimer;
    private HubTaskOutcome _outcome;

    /// <summary>Creates a task for <paramref name="action"/> in the calling tree's hub; call <see cref="Start"/> to schedule it.</summary>
    /// <param name="action">The body.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    public GreenTask(Action action)
        : this(Wrap(action))
    {
    }

    private protected GreenTask(Func<object?>? body)
        : base(Hub.Current)
    {
        // Validated here, not in the constructor arguments: an exception thrown before Greenlet's constructor ran would
        // leave a finalizable greenlet without its core.
        ArgumentNullException.ThrowIfNull(body);
        _body = body;
        _hub = (Hub)Parent!;
    }

    /// <summary>Gets whether the task has finished: returned, failed, or been killed.</summary>
    public bool IsReady => _outcome.IsReady;

    /// <summary>Gets whether the task finished without an error; a kill with <see cref="GreenletExit"/> counts as success.</summary>
    public bool IsSuccessful => _outcome.IsSuccessful;

    /// <summary>Gets the failure, or null (also null for a <see cref="GreenletExit"/> kill).</summary>
    public Exception? Exception => _outcome.Exception;

    /// <summary>Gets the result: the body's return value, the <see cref="GreenletExit"/> of a kill, or null before then and on error.</summary>
    public object? Value => _outcome.Value;

    /// <summary>Gets the hub that runs this task.</summary>
    public Hub Hub => _hub;

    /// <summary>Schedules the task to start; later calls do nothing.</summary>
    /// <remarks>Callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    /// <exception cref="GreenletError">Called from another thread after the task's <see cref="HubThread"/> stopped.</exception>
    public void Start()
    {
        if (HubBinding.Marshal(_hub, "GreenTask.Start", static t => t.Start(), this))
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
    /// <exception cref="GreenletError">Called from another thread after the task's <see cref="HubThread"/> stopped.</exception>
    public void StartLater(TimeSpan delay)
    {
        HubTimeouts.Check(delay, nameof(delay));
        if (HubBinding.Marshal(_hub, "GreenTask.StartLater", static s => s.Task.StartLater(s.Delay), (Task: this, Delay: delay)))
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
            _startTimer = _hub.StartTimer(delay, StartNow);
        }
    }

    /// <summary>Waits until the task finishes; true when it did, false when <paramref name="timeout"/> passed first.</summary>
    /// <param name="timeout">The longest wait, or null (or <see cref="Timeout.InfiniteTimeSpan"/>) for no limit.</param>
    /// <returns>Whether the task is ready. A failure is not rethrown: use <see cref="Get(TimeSpan?)"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The task belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the task (thrown into the main greenlet).</exception>
    public bool Join(TimeSpan? timeout = null) => JoinChecked(timeout, default);

    private bool JoinChecked(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        HubBinding.Check(_hub, "GreenTask.Join");
        cancellationToken.ThrowIfCancellationRequested();
        if (_outcome.IsReady)
        {
            return true;
        }

        _hub.CheckOwnTree("GreenTask.Join");
        return JoinCore(timeout, observe: true, "GreenTask.Join", cancellationToken);
    }

    /// <summary>Waits for the task and returns its value, or rethrows its failure with the original stack trace.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>The value (the <see cref="GreenletExit"/> if it was killed).</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed before the task finished.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The task belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the task.</exception>
    /// <exception cref="Exception">The task's own failure.</exception>
    public object? Get(TimeSpan? timeout = null) => GetChecked(timeout, default);

    /// <summary>Waits for the task as <see cref="Get(TimeSpan?)"/> does; a cancelled token throws before anything changes.</summary>
    private protected object? GetChecked(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        HubBinding.Check(_hub, "GreenTask.Get");
        cancellationToken.ThrowIfCancellationRequested();
        if (!_outcome.IsReady)
        {
            _hub.CheckOwnTree("GreenTask.Get");
            if (!JoinCore(timeout, observe: true, "GreenTask.Get", cancellationToken))
            {
                throw new GreenTimeoutException($"{Name} did not finish within {timeout}.");
            }
        }

        return _outcome.Result();
    }

    /// <summary>Kills the task: raises <paramref name="exception"/> in it from the hub; never raises itself.</summary>
    /// <param name="exception">The exception, or null for a new <see cref="GreenletExit"/>.</param>
    /// <param name="block">Whether to wait until the task has finished.</param>
    /// <param name="timeout">The longest wait when blocking, or null for no limit.</param>
    /// <remarks>A task killed before it first ran never runs; its links still fire, from the hub. A ready task is left
    /// alone. A task killing itself gets <paramref name="exception"/> raised at once. As in gevent, a blocking kill
    /// resumes the killer as soon as the hub callback that raised the exception is done (before greenlets scheduled
    /// after it), then joins. A failure the kill causes (an exception other than <see cref="GreenletExit"/>, or one a
    /// <c>finally</c> throws while unwinding) is the task's failure: reported to <see cref="Hub.UnhandledException"/>
    /// unless something observes it, as any other.
    /// With <paramref name="block"/> false, callable from any thread: posted into the task's hub, which wakes at once.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">Blocking, and the task belongs to another thread's hub; or not blocking, from
    /// another thread after the task's <see cref="HubThread"/> stopped.</exception>
    /// <exception cref="Exception"><paramref name="exception"/>, only when the task kills itself.</exception>
    public void Kill(Exception? exception = null, bool block = true, TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        if (block)
        {
            HubBinding.Check(_hub, "GreenTask.Kill");
        }
        else if (HubBinding.Marshal(_hub, "GreenTask.Kill", static s => s.Task.Kill(s.Error, block: false), (Task: this, Error: exception)))
        {
            return;
        }

        if (_outcome.IsReady)
        {
            return;
        }

        _hub.CheckOwnTree("GreenTask.Kill");
        exception ??= new GreenletExit();
        if (Core.RawState == GreenletState.Pending)
        {
            KillBeforeStart(exception);
            return;
        }

        Greenlet current = Greenlet.Current;
        if (current == this)
        {
            ExceptionDispatchInfo.Throw(exception);
        }

        HubWaiter? killer = block && current != _hub ? HubWaiter.Begin(_hub, "GreenTask.Kill") : null;
        _hub.Schedule(() =>
        {
            ThrowFromHub(exception);
            killer?.Resume(null);
        });
        if (killer is not null)
        {
            killer.Park();

            // Not an observer: a failure the kill caused is still reported unless someone else looks at it.
            JoinCore(timeout, observe: false, "GreenTask.Kill");
        }
    }

    /// <summary>Returns a task that completes (from any thread) when this greenlet task finishes, so async code can await it.</summary>
    /// <returns>A task with the same outcome; a <see cref="GreenletExit"/> kill completes it successfully.</returns>
    /// <remarks>Callable from any thread. Something must run the hub for the task to finish: awaiting an unfinished
    /// task from async code on the main greenlet of the task's own thread would hang (nothing runs the hub while that
    /// code awaits), so that call throws; use a <see cref="HubThread"/> for async programs. Under NativeAOT the caller's
    /// method metadata is usually gone, so that misuse is not detected and the await hangs.</remarks>
    /// <exception cref="InvalidOperationException">Called directly by an async method on the main greenlet of the task's
    /// own tree while the task is unfinished and no <see cref="HubThread"/> runs its hub.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public Task AsTask()
    {
        if (!_outcome.IsReady)
        {
            _hub.CheckAwaitable("GreenTask.AsTask");
        }

        return Completion().Task;
    }

    /// <summary>Returns a description with the name and the outcome.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"<GreenTask \"{Name}\" {(IsReady ? (IsSuccessful ? "successful" : "failed") : State.ToString().ToLowerInvariant())}>";

    /// <summary>Runs the body and records its outcome; the task then returns to the hub.</summary>
    /// <param name="argument">Ignored.</param>
    /// <returns>Always null: the outcome is kept on the task.</returns>
    protected sealed override object? Run(object? argument)
    {
        Func<object?> body = _body!;
        _body = null;
        object? value = null;
        ExceptionDispatchInfo? error = null;
        try
        {
            value = body();
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

    /// <summary>gevent's <c>_maybe_kill_before_start</c>: kills a task that has not started; true when it is finished now.</summary>
    internal bool KillIfNotStarted(Exception exception)
    {
        if (_outcome.IsReady)
        {
            return true;
        }

        if (Core.RawState != GreenletState.Pending)
        {
            return false;
        }

        KillBeforeStart(exception);
        return true;
    }

    /// <summary>Raises <paramref name="exception"/> in the waiting task from a hub callback; it runs until it finishes
    /// or waits again. Something escaping the switch is reported; a kill of the hub goes on.</summary>
    internal void ThrowFromHub(Exception exception)
    {
        if (_outcome.IsReady || Core.RawState != GreenletState.Suspended)
        {
            return;
        }

        CancelToken();
        try
        {
            Throw(exception);
        }
        catch (Exception e) when (e is not GreenletExit)
        {
            _hub.ReportError(this, e);
        }
    }

    /// <summary>Gets whether <see cref="StartNow"/> would start the task: scheduled and not killed first.</summary>
    internal bool CanStartNow => !_outcome.IsReady && Core.RawState == GreenletState.Pending;

    /// <summary>Starts the task from the hub unless it was killed first.</summary>
    internal void StartNow()
    {
        if (CanStartNow)
        {
            StartChecked();
        }
    }

    /// <summary>Starts the task from the hub, once <see cref="CanStartNow"/> said it may start (the hub's ready-queue
    /// entry, whose check is the loop's: <see cref="HubLoopCore.Dispatch{THub, TResult}"/>).</summary>
    internal void StartChecked()
    {
        try
        {
            Switch();
        }
        catch (InvalidOperationException e) when (Core.RawState == GreenletState.Pending)
        {
            // The fiber cap was reached: the task fails instead of running.
            _body = null;
            Complete(null, ExceptionDispatchInfo.Capture(e), handled: OnStartFailed(e));
        }
    }

    /// <summary>Called from the hub when the task cannot start because no fiber thread could be had (the cap of
    /// <see cref="GreenletOptions.MaxThreads"/>, or the OS refused a thread); the task then fails with
    /// <paramref name="error"/>.</summary>
    /// <returns>True when the subclass deals with the failure itself, so that it is not reported as unobserved.</returns>
    private protected virtual bool OnStartFailed(InvalidOperationException error) => false;

    /// <summary>Waits, as a joiner linked in order with the other links, until the task finishes or the timeout passes.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="observe">Whether the wait counts as observing a failure (a kill's own join does not).</param>
    /// <param name="what">The member waiting, for diagnostics.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    private bool JoinCore(TimeSpan? timeout, bool observe, string what, CancellationToken cancellationToken = default)
    {
        if (_outcome.IsReady)
        {
            return true;
        }

        Greenlet current = _hub.CheckCanBlock();
        if (current == this)
        {
            throw new InvalidOperationException("A greenlet cannot join itself.");
        }

        var waiter = new HubWaiter(_hub, current, what);
        if (observe)
        {
            _outcome.Observers++;
        }

        AddJoiner(waiter);
        try
        {
            waiter.Park(timeout, cancellationToken: cancellationToken);
        }
        finally
        {
            RemoveJoiner(waiter);
            if (observe)
            {
                _outcome.Observers--;
            }
        }

        return _outcome.IsReady;
    }

    internal TaskCompletionSource<object?> Completion() => _outcome.Completion(_sync);

    private static Func<object?>? Wrap(Action action)
    {
        if (action is null)
        {
            return null;
        }

        return () =>
        {
            action();
            return null;
        };
    }

    private void KillBeforeStart(Exception exception)
    {
        CancelToken();
        _startTimer?.Cancel();
        _body = null;

        // T8: a throw into a pending greenlet kills it without running it. With the killer as its parent for that
        // moment, the exception (a GreenletExit as a value) comes straight back to the killer, with no switch.
        Parent = Greenlet.Current;
        try
        {
            Throw(exception);
        }
        catch (Exception e) when (ReferenceEquals(e, exception))
        {
        }
        finally
        {
            Parent = _hub;
        }

        Complete(exception is GreenletExit ? exception : null, exception is GreenletExit ? null : ExceptionDispatchInfo.Capture(exception));
    }

    private void Complete(object? value, ExceptionDispatchInfo? error, bool handled = false)
    {
        bool observed = _outcome.Complete(value, error, _sync);

        // gevent: the links (joiners, group bookkeeping, user callbacks) run from one hub callback scheduled at death.
        observed |= handled || HasUserLinks(error is null);
        ScheduleLinks();
        if (error is not null && !observed)
        {
            _hub.ReportError(this, error.SourceException);
        }
    }

}
