using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    private static readonly object LoopExit = new();

    private readonly Queue<object> _ready = new();
    private readonly PriorityQueue<HubTimer, (long Due, long Sequence)> _timers = new();
    private readonly ConcurrentQueue<Action> _external = new();
    private readonly Lock _postSync = new();
    private readonly HubSignal _signal = new();
    private readonly List<HubWaiter> _drainWaiters = [];
    private long _timerSequence;
    private int _liveTimers;
    private int _keepAliveTimers;
    private int _pendingTasks;
    private int _waitingCount;
    private HubWaiter? _waitingHead;
    private Greenlet? _dispatching;
    private bool _postClosed;

    internal int ReadyCount => _ready.Count;

    internal int TimerCount => _liveTimers;

    internal int WaitingCount => _waitingCount;

    // gevent runs its callbacks until none is left, checking every 50 whether the switch interval (5 ms) passed so
    // that due timers are not starved forever.
    private const int CallbackCheckCount = 50;
    private static readonly long SwitchInterval = Stopwatch.Frequency / 200;

    /// <summary>Runs the loop, in gevent's order: every ready callback (FIFO, including those scheduled meanwhile),
    /// then, after sleeping while idle, the due timers, each run directly.</summary>
    /// <param name="argument">The greenlet that created the hub (see <see cref="Prime"/>), resumed at once.</param>
    /// <returns>Never returns normally; a <see cref="GreenletExit"/> thrown into the hub ends it.</returns>
    protected override object? Run(object? argument)
    {
        if (argument is Greenlet creator)
        {
            try
            {
                creator.Switch();
            }
            catch (Exception e) when (e is not GreenletExit)
            {
                // A throwing tracer on the next switch into the hub (TR4): the hub reports it and runs on.
                ReportError(this, e);
            }
        }

        while (true)
        {
            DrainExternal();
            if (!RunCallbacks())
            {
                return null;
            }

            if (_ready.Count == 0 && _external.IsEmpty)
            {
                if (_keepAliveTimers == 0 && _pendingTasks == 0)
                {
                    if (_drainWaiters.Count > 0)
                    {
                        WakeDrainWaiters();
                    }
                    else if (!Dispatch(LoopExit))
                    {
                        return null;
                    }

                    continue;
                }

                if (NextTimerDelay() is not { } delay)
                {
                    _signal.Wait(null);
                }
                else if (delay > TimeSpan.Zero)
                {
                    _signal.Wait(delay);
                }
            }

            if (!RunDueTimers())
            {
                return null;
            }
        }
    }

    /// <summary>Adds a waiter or a greenlet to start to the end of the ready queue.</summary>
    internal void EnqueueReady(object item) => _ready.Enqueue(item);

    /// <summary>Schedules <paramref name="callback"/> to run in the hub, in FIFO order with the ready greenlets
    /// (gevent's <c>loop.run_callback</c>); callable only in the hub's tree.</summary>
    internal void Schedule(Action callback) => _ready.Enqueue(callback);

    /// <summary>Runs <paramref name="callback"/> in the hub; callable from any thread.</summary>
    internal void Post(Action callback) => TryPost(callback);

    /// <summary>Queues <paramref name="callback"/> to run in the hub and wakes it at once; false once the hub no longer
    /// takes posts (its <see cref="HubThread"/> finished).</summary>
    internal bool TryPost(Action callback)
    {
        lock (_postSync)
        {
            if (_postClosed)
            {
                return false;
            }

            _external.Enqueue(callback);
        }

        _signal.Set();
        return true;
    }

    /// <summary>Refuses further posts and runs, on the hub's thread, the callbacks already posted.</summary>
    /// <remarks>Held under the post lock so that a foreign caller refused by <see cref="TryPost"/> only ever acts after
    /// the last posted callback has run.</remarks>
    internal void ClosePosts()
    {
        lock (_postSync)
        {
            _postClosed = true;
            while (_external.TryDequeue(out Action? callback))
            {
                try
                {
                    callback();
                }
                catch (Exception e) when (e is not GreenletExit)
                {
                    ReportError(this, e);
                }
            }
        }
    }

    /// <summary>Starts a timer whose callback runs in the hub after <paramref name="delay"/>.</summary>
    internal HubTimer StartTimer(TimeSpan delay, Action callback, bool keepsAlive = true)
    {
        long ticks = delay <= TimeSpan.Zero ? 0 : (long)Math.Min(long.MaxValue / 4, delay.TotalSeconds * Stopwatch.Frequency);
        var timer = new HubTimer(this, Stopwatch.GetTimestamp() + ticks, callback, keepsAlive);
        _timers.Enqueue(timer, (timer.Due, _timerSequence++));
        _liveTimers++;
        if (keepsAlive)
        {
            _keepAliveTimers++;
        }

        return timer;
    }

    internal void CancelTimer(HubTimer timer)
    {
        if (timer.IsDone)
        {
            return;
        }

        timer.IsDone = true;
        _liveTimers--;
        if (timer.KeepsAlive)
        {
            _keepAliveTimers--;
        }

        if (_timers.Count > 1024 && _timers.Count > 2 * _liveTimers)
        {
            // Cancelled timers wait in the heap until due; rebuild it when they dominate (long timeouts cancelled early).
            var live = _timers.UnorderedItems.Where(t => !t.Element.IsDone).ToList();
            _timers.Clear();
            _timers.EnqueueRange(live);
        }
    }

    /// <summary>Returns the running greenlet, which must not be the hub.</summary>
    internal Greenlet CheckCanBlock()
    {
        Greenlet current = Greenlet.Current;
        if (current == this)
        {
            throw new InvalidOperationException("Impossible to call a blocking function in the hub (a hub callback or timer).");
        }

        return current;
    }

    /// <summary>Throws <see cref="GreenletError"/> naming <paramref name="member"/> unless the caller runs in this hub's tree.</summary>
    /// <remarks>Checked before anything changes: a wait from another thread would otherwise fail deep inside, at the
    /// switch into this hub, with a message that does not say which call was wrong.</remarks>
    internal void CheckOwnTree(string member)
    {
        if (GreenletCore.OnThisThread?.Tree != _tree)
        {
            throw new GreenletError(
                $"{member} was called from thread {Environment.CurrentManagedThreadId}, but the object belongs to the hub of thread {_tree.Owner.ManagedThreadId}: use it from that thread only.");
        }
    }

    /// <summary>Blocks the waiter's greenlet until woken or until <paramref name="timeout"/>; false when it timed out.</summary>
    internal bool Block(HubWaiter waiter, TimeSpan? timeout)
    {
        HubTimer? timer = null;
        if (timeout is { } span && span != System.Threading.Timeout.InfiniteTimeSpan)
        {
            timer = StartTimer(span, waiter.TimeOut);
        }

        try
        {
            Suspend(waiter, listed: true);
        }
        finally
        {
            timer?.Cancel();
        }

        return !waiter.TimedOut;
    }

    /// <summary>Switches to the hub until it resumes this waiter; a stray switch into the waiting greenlet throws.</summary>
    internal void Suspend(HubWaiter waiter, bool listed)
    {
        if (listed)
        {
            Link(waiter);
        }

        try
        {
            object? value = Switch();
            if (!ReferenceEquals(value, waiter))
            {
                throw new InvalidOperationException(
                    $"Invalid switch into {waiter.Greenlet} while it waits in {waiter.What}: only the hub may resume a waiting greenlet (got {value ?? "null"}).");
            }
        }
        finally
        {
            waiter.IsDone = true;
            if (listed)
            {
                Unlink(waiter);
            }
        }
    }

    /// <summary>Switches from the hub into a woken waiter's greenlet, which runs until it waits again (gevent's notifiers
    /// switch so, one waiter after the other); a failure escaping it is reported, a kill of the hub goes on.</summary>
    internal void SwitchInto(HubWaiter waiter)
    {
        if (waiter.IsDone)
        {
            return;
        }

        try
        {
            waiter.Greenlet.Switch(waiter);
        }
        catch (Exception e) when (e is not GreenletExit)
        {
            ReportError(waiter.Greenlet, e);
        }
    }

    /// <summary>Waits until the loop has nothing left to do (true) or the timeout passes (false).</summary>
    internal bool Drain(TimeSpan? timeout)
    {
        Greenlet current = CheckCanBlock();
        var waiter = new HubWaiter(this, current, "Hub.WaitAll");
        _drainWaiters.Add(waiter);
        HubTimer? timer = null;
        if (timeout is { } span && span != System.Threading.Timeout.InfiniteTimeSpan)
        {
            timer = StartTimer(span, waiter.TimeOut, keepsAlive: false);
        }

        try
        {
            Suspend(waiter, listed: false);
        }
        finally
        {
            timer?.Cancel();
            _drainWaiters.Remove(waiter);
        }

        return !waiter.TimedOut;
    }

    /// <summary>Reports an error nobody observes, to <see cref="UnhandledException"/> or standard error.</summary>
    internal void ReportError(Greenlet source, Exception exception) =>
        ErrorReport.Raise(
            UnhandledException,
            this,
            new GreenletExceptionEventArgs(source, exception),
            $"{source} failed with {exception.GetType().Name}: {exception}",
            nameof(UnhandledException), letKillsThrough: true);

    /// <summary>Parks the running greenlet until <paramref name="task"/> completes, without observing its outcome.</summary>
    /// <remarks>It throws only when the wait itself ends otherwise (a kill, a <see cref="GreenTimeout"/>, the hub's
    /// exit): <see cref="GreenStream"/> tells that apart from the task's own failure this way.</remarks>
    internal void WaitForTask(Task task)
    {
        Greenlet current = CheckCanBlock();
        var waiter = new HubWaiter(this, current, "Hub.Wait(Task)");
        _pendingTasks++;
        try
        {
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => Post(() =>
            {
                if (!waiter.Resume(null))
                {
                    // The waiter was killed or timed out first: observe the exception so it is not reported as unobserved.
                    _ = task.Exception;
                }
            }));
            Suspend(waiter, listed: true);
        }
        finally
        {
            _pendingTasks--;
        }
    }

    private bool Dispatch(object item)
    {
        try
        {
            switch (item)
            {
                case HubWaiter waiter:
                    if (!waiter.IsDone)
                    {
                        _dispatching = waiter.Greenlet;
                        waiter.Greenlet.Switch(waiter);
                    }

                    break;
                case GreenTask task:
                    _dispatching = task;
                    task.StartNow();
                    break;
                case Action callback:
                    _dispatching = this;
                    callback();
                    break;
                default:
                    _dispatching = Parent;
                    Parent!.Throw(new HubLoopExitException(DescribeBlockedForever(), Waiting()));
                    break;
            }
        }
        catch (GreenletExit)
        {
            // Only a kill throws GreenletExit into the hub (an escaping one is a value, X1): the reaper unwinding an
            // exited thread, or a user. It ends the hub; Hub.Current then makes a new one.
            return false;
        }
        catch (Exception e)
        {
            ReportError(_dispatching ?? this, e);
        }
        finally
        {
            _dispatching = null;
        }

        return true;
    }

    private void DrainExternal()
    {
        while (_external.TryDequeue(out Action? callback))
        {
            _ready.Enqueue(callback);
        }
    }

    /// <summary>Runs the ready callbacks until none is left or the switch interval passed; false when the hub must end.</summary>
    private bool RunCallbacks()
    {
        long start = Stopwatch.GetTimestamp();
        int count = CallbackCheckCount;
        while (_ready.TryDequeue(out object? item))
        {
            if (!Dispatch(item))
            {
                return false;
            }

            if (--count == 0 && _ready.Count > 0)
            {
                count = CallbackCheckCount;
                if (Stopwatch.GetTimestamp() - start >= SwitchInterval)
                {
                    break;
                }
            }
        }

        return true;
    }

    /// <summary>Runs the callbacks of the timers due now, in due order; false when the hub must end.</summary>
    private bool RunDueTimers()
    {
        if (_timers.Count == 0)
        {
            return true;
        }

        long now = Stopwatch.GetTimestamp();
        while (_timers.TryPeek(out HubTimer? timer, out _) && (timer.IsDone || timer.Due <= now))
        {
            _timers.Dequeue();
            if (!timer.IsDone)
            {
                CancelTimer(timer);
                if (!Dispatch(timer.Callback))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Returns how long until the next live timer is due (zero if due), or null without one.</summary>
    private TimeSpan? NextTimerDelay()
    {
        while (_timers.TryPeek(out HubTimer? timer, out _))
        {
            if (timer.IsDone)
            {
                _timers.Dequeue();
                continue;
            }

            long remaining = timer.Due - Stopwatch.GetTimestamp();
            return remaining <= 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, remaining);
        }

        return null;
    }

    private void WakeDrainWaiters()
    {
        foreach (HubWaiter waiter in _drainWaiters.ToArray())
        {
            waiter.Wake(null);
        }
    }

    private void Link(HubWaiter waiter)
    {
        waiter.Next = _waitingHead;
        waiter.Previous = null;
        if (_waitingHead is not null)
        {
            _waitingHead.Previous = waiter;
        }

        _waitingHead = waiter;
        waiter.IsListed = true;
        _waitingCount++;
    }

    private void Unlink(HubWaiter waiter)
    {
        if (!waiter.IsListed)
        {
            return;
        }

        if (waiter.Previous is not null)
        {
            waiter.Previous.Next = waiter.Next;
        }
        else
        {
            _waitingHead = waiter.Next;
        }

        if (waiter.Next is not null)
        {
            waiter.Next.Previous = waiter.Previous;
        }

        waiter.Previous = null;
        waiter.Next = null;
        waiter.IsListed = false;
        _waitingCount--;
    }

    private List<string> Waiting()
    {
        List<string> list = [];
        for (HubWaiter? w = _waitingHead; w is not null; w = w.Next)
        {
            list.Add($"{w.Greenlet} in {w.What}");
        }

        list.Reverse();
        return list;
    }

    private string DescribeBlockedForever()
    {
        var text = new StringBuilder("This operation would block forever: nothing is ready, no timer is pending and no task can complete.");
        text.Append("\n\tHub: ").Append(this);
        foreach (string waiting in Waiting())
        {
            text.Append("\n\tWaiting: ").Append(waiting);
        }

        text.Append("\n\tLive greenlets of this thread:");
        foreach (string line in Dump().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append("\n\t\t").Append(line);
        }

        return text.ToString();
    }
}
