using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>Raises an exception in the greenlet that created it once a time limit passes: gevent's <c>Timeout</c>.</summary>
/// <remarks>
/// <para><c>using (new GreenTimeout(span)) { ... }</c>: if the block is still running (waiting cooperatively) after
/// its time limit, the hub raises <see cref="GreenTimeoutException"/> (or the given exception) in the
/// greenlet that created the timeout, at its pending wait. Disposing cancels it. A block that never waits
/// cooperatively cannot be interrupted.</para>
/// <para>In async greenlet code (an <see cref="AsyncHub"/>'s tree) it works the same way around awaits:
/// <c>using (new GreenTimeout(span)) { await queue.GetAsync(); }</c>; the exception is raised at the pending
/// cooperative wait of the async greenlet that created it. Outside code of a flow counts as async once the flow's
/// <see cref="AsyncHub.Current"/> exists (touch it first in the entry point); before that, as on any thread, the
/// timeout belongs to the thread's <see cref="Hub"/>.</para>
/// <para>Nested timeouts: catch with <c>when (e.Timeout == myTimeout)</c> to handle only your own.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed partial class GreenTimeout : IDisposable
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenTimeout {Duration} pending={IsPending} fired={HasFired}";

    // The greenlet that created it: a Greenlet, or an AsyncGreenlet of an async hub (see GreenTimeout.Async.cs).
    private readonly object _owner;
    private readonly Exception _exception;
    private HubTimer? _timer;

    /// <summary>Starts a timeout for the running greenlet.</summary>
    /// <param name="timeout">The time limit; <see cref="Timeout.InfiniteTimeSpan"/> never fires.</param>
    /// <param name="exception">The exception to raise, or null for a <see cref="GreenTimeoutException"/> whose
    /// <see cref="GreenTimeoutException.Timeout"/> is this timeout.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    public GreenTimeout(TimeSpan timeout, Exception? exception = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        Duration = timeout;
        _exception = exception ?? new GreenTimeoutException(this);
        if (AsyncHub.CallerIsAsync)
        {
            AsyncHub hub = AsyncHub.Current;
            _owner = AsyncGreenlet.Current;
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                _timer = hub.StartTimer(timeout, () => FireAsync(hub));
            }

            return;
        }

        _owner = Greenlet.Current;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = Hub.Current.StartTimer(timeout, Fire);
        }
    }

    /// <summary>Gets the time limit.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets whether the timeout is still armed: not yet fired nor disposed.</summary>
    public bool IsPending => _timer is { IsDone: false };

    /// <summary>Gets whether the timeout fired.</summary>
    public bool HasFired { get; private set; }

    /// <summary>Cancels the timeout if it has not fired.</summary>
    /// <remarks>Callable from any thread: posted into the hub of the greenlet that created it.</remarks>
    public void Dispose()
    {
        if (_timer is { } timer && HubBinding.Marshal(timer.Hub, "GreenTimeout.Dispose", static t => t.Dispose(), this, stoppedIsDone: true))
        {
            return;
        }

        _timer?.Cancel();
        _timer = null;
    }

    private void Fire()
    {
        _timer = null;
        var owner = (Greenlet)_owner;
        if (owner.State != GreenletState.Suspended)
        {
            return;
        }

        HasFired = true;
        (owner as GreenTask)?.CancelToken();
        owner.Throw(_exception);
    }
}
