using System.Runtime.ExceptionServices;

namespace Greenlets.Internal;

/// <summary>gevent's <c>joinall</c>, written once for both hubs: a raw link on every task, finished or not, so that each
/// is reported by its link notifier in turn (joining finished tasks still lets the greenlets ready now run first), a
/// timer for the timeout, and the joiner resumed at each. A hub writes only its own park (blocking or awaited).</summary>
/// <typeparam name="TTask">The hub's task type.</typeparam>
internal sealed class HubJoinAll<TTask>
    where TTask : class
{
    private readonly TTask[] _all;
    private readonly Action<TTask, Action<TTask>> _unlink;
    private readonly Func<TTask, Exception?> _failure;
    private readonly bool _throwOnError;
    private readonly Queue<TTask> _finished = new();
    private readonly Action<TTask> _link;
    private readonly HubTimer? _timer;
    private HubWaiter? _parked;
    private bool _timedOut;
    private int _done;

    /// <summary>Links every task and starts the timeout; call <see cref="End"/> in a <c>finally</c>.</summary>
    public HubJoinAll(
        TTask[] all,
        Action<TTask, Action<TTask>> link,
        Action<TTask, Action<TTask>> unlink,
        Func<TTask, Exception?> failure,
        IWaitHub hub,
        TimeSpan? timeout,
        bool throwOnError)
    {
        _all = all;
        _unlink = unlink;
        _failure = failure;
        _throwOnError = throwOnError;
        _link = task =>
        {
            _finished.Enqueue(task);
            _parked?.Resume(null);
        };
        foreach (TTask task in all)
        {
            link(task, _link);
        }

        _timer = timeout is { } span && span != Timeout.InfiniteTimeSpan
            ? hub.StartTimer(span, () =>
            {
                _timedOut = true;
                _parked?.Resume(null);
            })
            : null;
    }

    /// <summary>Gets whether every task was taken: the join succeeded.</summary>
    public bool AllDone => _done == _all.Length;

    /// <summary>Gets the waiter the joiner must park on before <see cref="TakeNext"/>, or null when a finished task is at
    /// hand already.</summary>
    public HubWaiter? WaiterToPark(Func<HubWaiter> make) => _finished.Count == 0 ? _parked = make() : null;

    /// <summary>Forgets the parked waiter once it is resumed (or its park threw).</summary>
    public void Unparked() => _parked = null;

    /// <summary>Takes the next finished task, rethrowing its failure when asked; false when the timeout passed.</summary>
    public bool TakeNext()
    {
        if (_timedOut)
        {
            return false;
        }

        TTask task = _finished.Dequeue();
        _done++;
        if (_throwOnError && _failure(task) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        return true;
    }

    /// <summary>Cancels the timer and removes every link.</summary>
    public void End()
    {
        _timer?.Cancel();
        foreach (TTask task in _all)
        {
            _unlink(task, _link);
        }
    }
}
