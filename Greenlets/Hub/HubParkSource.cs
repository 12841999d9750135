using System.Threading.Tasks.Sources;

namespace Greenlets.Internal;

/// <summary>
/// The task of an async greenlet's hub wait (<see cref="HubWaiter.ParkAsync"/>, <see cref="HubWaiter.ParkForAsync"/>):
/// it completes when the hub's switch back into the greenlet does, in that same trampoline step.
/// </summary>
/// <remarks>
/// <para>Why not an async method: its task would capture the greenlet's <see cref="SynchronizationContext"/> (the
/// scheduler seam sets one so that foreign awaits park the greenlet) and post the waiting code's continuation through
/// it, behind the hub's other work, so that a woken waiter ran after entries queued since its wake: not gevent's order.
/// A hub wait is a switch, not a foreign await, so this source ignores the scheduling context, as the greenlet's own
/// switch source does; the continuation runs in the step that resumes the greenlet.</para>
/// <para>One source per wait in flight; a source whose result was taken is kept for the thread's next wait, so a
/// steady loop of waits allocates none.</para>
/// </remarks>
internal sealed class HubParkSource : IValueTaskSource, IValueTaskSource<bool>
{
    [ThreadStatic]
    private static HubParkSource? spare;

    private readonly Action _onSwitched;
    private ManualResetValueTaskSourceCore<bool> _core;
    private HubWaiter? _waiter;
    private ValueTask<object?> _pending;

    private HubParkSource() => _onSwitched = OnSwitched;

    /// <summary>Returns the source that completes when <paramref name="pending"/>, the waiter's switch to the hub, does.</summary>
    public static HubParkSource Await(HubWaiter waiter, ValueTask<object?> pending, out short version)
    {
        HubParkSource source = spare ?? new HubParkSource();
        spare = null;
        source._waiter = waiter;
        source._pending = pending;
        version = source._core.Version;

        // The same flags as an async method's await of the switch: the greenlet's switch source decides where it runs.
        pending.GetAwaiter().UnsafeOnCompleted(source._onSwitched);
        return source;
    }

    /// <inheritdoc/>
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc/>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags & ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext);

    /// <inheritdoc/>
    void IValueTaskSource.GetResult(short token) => ((IValueTaskSource<bool>)this).GetResult(token);

    /// <inheritdoc/>
    bool IValueTaskSource<bool>.GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            spare = this;
        }
    }

    private void OnSwitched()
    {
        HubWaiter waiter = _waiter!;
        ValueTask<object?> pending = _pending;
        _waiter = null;
        _pending = default;
        bool outcome;
        try
        {
            outcome = waiter.EndAsyncPark(pending);
        }
        catch (Exception e)
        {
            _core.SetException(e);
            return;
        }

        _core.SetResult(outcome);
    }
}
