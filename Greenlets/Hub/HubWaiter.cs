using System.Diagnostics;

namespace Greenlets.Internal;

/// <summary>
/// One blocking wait of one greenlet in a hub (gevent's <c>Waiter</c>), and the one wait protocol every <c>Green*</c>
/// primitive uses, on either hub: <see cref="Enqueue"/> in the primitive's <see cref="WaitQueue"/>, <see cref="Park"/>
/// (a thread greenlet) or <see cref="ParkAsync"/> (an async greenlet), with a timeout, <see cref="Resume"/> or <see cref="Wake"/> by a notifier, <see cref="TimeOut"/> by the timer, and on the way
/// out the give-back of a hand-over the greenlet was killed before it could take.
/// </summary>
/// <remarks>
/// <para>States: <c>Waiting</c> (linked, parked or about to be) → <c>Woken</c> (by a notifier or the timeout; at most
/// once) → <c>Over</c> (<see cref="Park"/> returned or was abandoned by an exception); a wait may also go straight from
/// <c>Waiting</c> to <c>Over</c> (killed while waiting). Only the hub resumes a parked greenlet, with this waiter as the
/// switch value, so that a stray switch is detected. Every wake after the first, and every wake of an <c>Over</c> wait,
/// does nothing and returns false: the one "already woken or killed" check.</para>
/// <para>The waiting party is neutral (<see cref="IWaitParty"/>): a <see cref="Greenlets.Greenlet"/> parked by a
/// <see cref="Greenlets.Hub"/>, or an <see cref="AsyncGreenlet"/> parked by an <see cref="AsyncHub"/>; only the hub knows how
/// to switch to it. The two parks share everything but the switch itself.</para>
/// <para>While it waits, the greenlet's neutral <c>WaitingOn</c> is this waiter, whose <see cref="ToString"/> is
/// <see cref="What"/>: <see cref="Greenlet.Dump"/> shows it without knowing the hub.</para>
/// </remarks>
internal sealed partial class HubWaiter
{
    private State _state;
    private bool _parked;
    private Links _hubLinks;
    private Links _ownerLinks;
    private Action? _timeOut;
    private Action? _cancel;

    // Whether the park registered a cancellable token (and so counts as an external wake until it ends).
    private bool _cancellable;

    // An async park's state between its two halves (StartAsyncPark in the greenlet, EndAsyncPark once resumed).
    private HubTimer? _asyncTimer;
    private CancellationTokenRegistration _asyncRegistration;
    private Action<HubWaiter>? _asyncGiveBack;
    private CancellationToken _asyncToken;

    /// <summary>Starts a wait of <paramref name="party"/> (the running greenlet, not the hub) in <paramref name="hub"/>.</summary>
    public HubWaiter(IWaitHub hub, IWaitParty party, string what)
    {
        Hub = hub;
        Party = party;
        What = what;
        party.WaitingOn = this;
    }

    private HubWaiter(IWaitHub hub, IWaitParty party, string what, object? payload)
    {
        Hub = hub;
        Party = party;
        What = what;
        Payload = payload;
        _state = State.Over;
    }

    private enum State
    {
        Waiting,
        Woken,
        Over,
    }

    public IWaitHub Hub { get; }

    /// <summary>Gets the waiting greenlet: a <see cref="Greenlets.Greenlet"/> or an <see cref="AsyncGreenlet"/>, as its hub parks.</summary>
    public IWaitParty Party { get; }

    /// <summary>Gets what the greenlet waits for, shown by <see cref="HubLoopExitException"/> and <see cref="Greenlet.Dump"/>.</summary>
    public string What { get; }

    /// <summary>Gets what the waiter brings to the primitive (a putter's item), or null.</summary>
    public object? Payload { get; private set; }

    /// <summary>Gets the value given to the wake (a channel's hand-over).</summary>
    public object? Value { get; private set; }

    /// <summary>Gets whether the wait ended by its timeout.</summary>
    public bool TimedOut { get; private set; }

    /// <summary>Gets whether the wait ended by the cancellation of its token.</summary>
    public bool Cancelled { get; private set; }

    /// <summary>Gets whether the wait is over: returned, abandoned by an exception, or never a wait (<see cref="HandOver"/>).</summary>
    public bool IsOver => _state == State.Over;

    /// <summary>Starts a wait of the running greenlet in the hub of the calling tree.</summary>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public static HubWaiter Begin(string what) => Begin(Greenlets.Hub.Current, what);

    /// <summary>Starts a wait of the running greenlet that brings <paramref name="payload"/> (a putter's item).</summary>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public static HubWaiter Begin(string what, object? payload)
    {
        HubWaiter waiter = Begin(what);
        waiter.Payload = payload;
        return waiter;
    }

    /// <summary>Starts a wait of the running greenlet in <paramref name="hub"/>.</summary>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public static HubWaiter Begin(IWaitHub hub, string what) => new(hub, hub.CheckCanBlock(), what);

    /// <summary>Starts a wait of the running async greenlet in the async hub of the calling flow's tree.</summary>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public static HubWaiter BeginAsync(string what) => Begin(AsyncHub.Current, what);

    /// <summary>Starts a wait of the running async greenlet that brings <paramref name="payload"/> (a putter's item).</summary>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public static HubWaiter BeginAsync(string what, object? payload)
    {
        HubWaiter waiter = BeginAsync(what);
        waiter.Payload = payload;
        return waiter;
    }

    /// <summary>Starts a wait in the hub of the calling code: the async hub in async greenlet code (or its flow's
    /// main), else the thread hub; for the <c>*Async</c> members, which serve both.</summary>
    public static HubWaiter BeginEither(string what, object? payload = null) =>
        AsyncHub.CallerIsAsync ? BeginAsync(what, payload) : Begin(what, payload);

    /// <summary>An entry that only carries <paramref name="payload"/> (a channel's <c>TryPut</c>): no greenlet waits on
    /// it, so it is over from the start and its wakes do nothing.</summary>
    public static HubWaiter HandOver(IWaitHub hub, IWaitParty from, string what, object? payload) => new(hub, from, what, payload);

    /// <summary>Adds the wait at the end of <paramref name="queue"/>; <see cref="Park"/> takes it out whatever ends it.</summary>
    public HubWaiter Enqueue(WaitQueue queue)
    {
        queue.AddLast(this);
        return this;
    }

    /// <summary>Parks the greenlet until a wake (true) or <paramref name="timeout"/> (false); the whole wait protocol.</summary>
    /// <param name="timeout">The longest wait; null or infinite for none.</param>
    /// <param name="listed">Whether the wait shows as blocked in the hub (false for a yield or a drain).</param>
    /// <param name="keepsAlive">Whether the timeout's timer keeps the hub's loop alive.</param>
    /// <param name="giveBack">Called with <see cref="Value"/> when the wait ends by an exception after it was woken (killed
    /// after the hand-over), so that the primitive passes on what the greenlet can no longer take.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/> when cancelled, from
    /// any thread; the caller checks an already-cancelled token before it changes anything.</param>
    /// <remarks>Whatever ends it, the wait leaves its queue, its timer is cancelled and its token registration is
    /// disposed. A cancellable token keeps the hub's loop alive while the wait lasts, as a pending task does: its
    /// cancellation comes from outside the tree, so the wait is not "blocked forever".</remarks>
    /// <exception cref="OperationCanceledException">The token was cancelled before a wake or the timeout.</exception>
    public bool Park(TimeSpan? timeout = null, bool listed = true, bool keepsAlive = true, Action<HubWaiter>? giveBack = null, CancellationToken cancellationToken = default)
    {
        HubTimer? timer = BeginPark(timeout, keepsAlive, cancellationToken, out CancellationTokenRegistration registration);
        bool returned = false;
        try
        {
            Hub.Park(this, listed);
            returned = true;
        }
        finally
        {
            EndPark(timer, registration, returned, giveBack);
        }

        return Outcome(cancellationToken);
    }

    /// <summary>Parks the async greenlet as <see cref="Park"/> does: the same protocol, only the switch to the hub is
    /// awaited; then <see cref="TimedOut"/> tells a wake (false) from the timeout. On a thread hub it parks synchronously
    /// and returns a completed task.</summary>
    /// <remarks>It gives no bool, unlike <see cref="ParkForAsync"/>, so that a caller with nothing to map (a sleep, a
    /// yield) returns this task as its own.</remarks>
    /// <param name="timeout">The longest wait; null or infinite for none.</param>
    /// <param name="listed">Whether the wait shows as blocked in the hub.</param>
    /// <param name="keepsAlive">Whether the timeout's timer keeps the hub's loop alive.</param>
    /// <param name="giveBack">As for <see cref="Park"/>.</param>
    /// <param name="cancellationToken">As for <see cref="Park"/>.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled before a wake or the timeout.</exception>
    public ValueTask ParkAsync(TimeSpan? timeout = null, bool listed = true, bool keepsAlive = true, Action<HubWaiter>? giveBack = null, CancellationToken cancellationToken = default)
    {
        if (StartAsyncPark(timeout, listed, keepsAlive, giveBack, cancellationToken, out ValueTask<object?> pending))
        {
            EndAsyncPark(pending);
            return default;
        }

        return new ValueTask(HubParkSource.Await(this, pending, out short version), version);
    }

    /// <summary>Parks as <see cref="ParkAsync"/> does and gives what <see cref="Park"/> gives: true for a wake, false
    /// for the timeout.</summary>
    /// <param name="timeout">The longest wait; null or infinite for none.</param>
    /// <param name="listed">Whether the wait shows as blocked in the hub.</param>
    /// <param name="keepsAlive">Whether the timeout's timer keeps the hub's loop alive.</param>
    /// <param name="giveBack">As for <see cref="Park"/>.</param>
    /// <param name="cancellationToken">As for <see cref="Park"/>.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled before a wake or the timeout.</exception>
    public ValueTask<bool> ParkForAsync(TimeSpan? timeout = null, bool listed = true, bool keepsAlive = true, Action<HubWaiter>? giveBack = null, CancellationToken cancellationToken = default)
    {
        if (StartAsyncPark(timeout, listed, keepsAlive, giveBack, cancellationToken, out ValueTask<object?> pending))
        {
            return new ValueTask<bool>(EndAsyncPark(pending));
        }

        return new ValueTask<bool>(HubParkSource.Await(this, pending, out short version), version);
    }

    /// <summary>The first half of an async park, in the greenlet: arms the timeout and the token and switches to the
    /// hub; true when the switch came back at once (a thread hub), so that <see cref="EndAsyncPark"/> follows now.</summary>
    private bool StartAsyncPark(TimeSpan? timeout, bool listed, bool keepsAlive, Action<HubWaiter>? giveBack, CancellationToken cancellationToken, out ValueTask<object?> pending)
    {
        _asyncTimer = BeginPark(timeout, keepsAlive, cancellationToken, out _asyncRegistration);
        _asyncGiveBack = giveBack;
        _asyncToken = cancellationToken;
        try
        {
            pending = Hub.ParkAsync(this, listed);
        }
        catch
        {
            Hub.EndParkAsync(this);
            EndPark(_asyncTimer, _asyncRegistration, returned: false, giveBack);
            throw;
        }

        return pending.IsCompleted;
    }

    /// <summary>The second half of an async park, in the greenlet once it is resumed (or an exception was thrown into it):
    /// takes the switch's result, ends the park however it ended, and gives the outcome.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before a wake or the timeout.</exception>
    internal bool EndAsyncPark(ValueTask<object?> pending)
    {
        bool returned = false;
        try
        {
            CheckResumedWith(pending.GetAwaiter().GetResult());
            returned = true;
        }
        finally
        {
            Hub.EndParkAsync(this);
            EndPark(_asyncTimer, _asyncRegistration, returned, _asyncGiveBack);
            _asyncTimer = null;
            _asyncGiveBack = null;
        }

        return Outcome(_asyncToken);
    }

    /// <summary>The start of a park: arms the timeout and the token, unless the wait was woken already (a yield).</summary>
    private HubTimer? BeginPark(TimeSpan? timeout, bool keepsAlive, CancellationToken cancellationToken, out CancellationTokenRegistration registration)
    {
        Debug.Assert(!_parked && _state != State.Over, "a waiter parks once");
        HubTimer? timer = HubTimeouts.IsInfinite(timeout) || _state != State.Waiting ? null : Hub.StartTimer(timeout!.Value, _timeOut ??= TimeOut, keepsAlive);
        registration = default;
        _cancellable = cancellationToken.CanBeCanceled && _state == State.Waiting;
        if (_cancellable)
        {
            Hub.AddExternalWake(1);

            // The callback may run on any thread (or inline, if the token is cancelled now): it only posts.
            registration = cancellationToken.UnsafeRegister(static s => ((HubWaiter)s!).PostCancel(), this);
        }

        _parked = true;
        return timer;
    }

    /// <summary>The end of a park, however it ended: cancels the timer and the token registration, leaves the queue,
    /// and gives back a hand-over the greenlet was killed before it could take.</summary>
    private void EndPark(HubTimer? timer, CancellationTokenRegistration registration, bool returned, Action<HubWaiter>? giveBack)
    {
        Debug.Assert(!returned || _state == State.Woken, "the hub resumes only a woken waiter");
        timer?.Cancel();
        if (_cancellable)
        {
            // Waits for a callback running on another thread, so nothing of this wait runs after it is over.
            registration.Dispose();
            Hub.AddExternalWake(-1);
        }

        bool handedOver = _state == State.Woken && !TimedOut && !Cancelled;
        End();
        if (!returned && handedOver && giveBack is not null)
        {
            giveBack(this);
        }
    }

    /// <summary>Checks what the parked greenlet was resumed with: only the hub resumes a waiting greenlet, with this
    /// waiter; any other switch into it is a stray one.</summary>
    /// <exception cref="InvalidOperationException">The greenlet was switched into by someone else.</exception>
    public void CheckResumedWith(object? value)
    {
        if (!ReferenceEquals(value, this))
        {
            throw new InvalidOperationException(
                $"Invalid switch into {Party} while it waits in {What}: only the hub may resume a waiting greenlet (got {value ?? "null"}).");
        }
    }

    /// <summary>What a park that returned gives: true for a wake, false for the timeout; a cancellation throws.</summary>
    private bool Outcome(CancellationToken cancellationToken)
    {
        ThrowIfCancelled(cancellationToken);
        return !TimedOut;
    }

    private void ThrowIfCancelled(CancellationToken cancellationToken)
    {
        if (Cancelled)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Switches into the waiting greenlet now, from the hub, with this waiter (gevent's <c>waiter.switch</c> called
    /// by a notifier). The greenlet runs until it waits again; then this returns.</summary>
    /// <returns>True if this call woke it; false when the wait was already woken or over.</returns>
    /// <remarks>Outside the hub greenlet (which should not happen) the resumption is scheduled instead.</remarks>
    public bool Resume(object? value)
    {
        if (!Hub.IsRunning)
        {
            return Wake(value);
        }

        if (!MarkWoken(value))
        {
            return false;
        }

        Hub.SwitchInto(this);
        return true;
    }

    /// <summary>Schedules the greenlet to resume with <paramref name="value"/>, in FIFO order with the hub's other
    /// callbacks (gevent's <c>run_callback(waiter.switch)</c>); true if this call woke it.</summary>
    public bool Wake(object? value)
    {
        if (!MarkWoken(value))
        {
            return false;
        }

        Hub.EnqueueResume(this);
        return true;
    }

    /// <summary>Ends the wait as timed out, unless it was woken first; called by the timeout's timer, in the hub.</summary>
    public void TimeOut()
    {
        if (_state != State.Waiting)
        {
            return;
        }

        TimedOut = true;
        Resume(null);
    }

    /// <summary>Ends the wait as cancelled, unless it was woken first; posted into the hub by the token's callback.</summary>
    public void Cancel()
    {
        if (_state != State.Waiting)
        {
            return;
        }

        Cancelled = true;
        Resume(null);
    }

    /// <summary>Ends a wait that will not park after all (the primitive turned ready before the greenlet linked).</summary>
    public void Abandon()
    {
        Debug.Assert(!_parked, "a parked wait ends in Park");
        End();
    }

    /// <summary>Gets whether the hub should still switch into this waiter: woken and not yet over.</summary>
    public bool IsResumable => _state == State.Woken;

    /// <summary>Returns <see cref="What"/>: the waiter is the greenlet's <c>WaitingOn</c>, formatted by <see cref="Greenlet.Dump"/>.</summary>
    public override string ToString() => What;

    private void PostCancel() => Hub.Post(_cancel ??= Cancel);

    private bool MarkWoken(object? value)
    {
        if (_state != State.Waiting)
        {
            return false;
        }

        _state = State.Woken;
        Value = value;
        ClearWaitingOn();
        return true;
    }

    private void End()
    {
        _state = State.Over;
        ClearWaitingOn();
        _ownerLinks.List?.Remove(this);
        Debug.Assert(_ownerLinks.List is null && _hubLinks.List is null, "an over wait is in no list");
    }

    private void ClearWaitingOn()
    {
        // Ownership by identity: a later wait of the same greenlet has already replaced it.
        if (ReferenceEquals(Party.WaitingOn, this))
        {
            Party.WaitingOn = null;
        }
    }
}
