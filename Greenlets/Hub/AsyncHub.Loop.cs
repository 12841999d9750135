using Greenlets.Internal;

namespace Greenlets;

public sealed partial class AsyncHub
{
    // The ready queue, timers, posts and loop rules, shared with the thread hub.
    private readonly HubLoopCore _loop;

    // What must run right after the current entry, before the next ready one: the waiters a notifier resumed (a
    // thread hub switches into them from inside the notifier; a stackless hub cannot), and what RunNext asked for.
    private readonly Queue<HubReadyItem> _next = new();
    private AsyncGreenlet? _dispatching;

    /// <summary>Schedules <paramref name="callback"/> to run in the hub, in FIFO order with the ready greenlets
    /// (gevent's <c>loop.run_callback</c>); callable only in the hub's tree.</summary>
    internal void Schedule(Action callback) => _loop.Enqueue(HubReadyItem.Call(callback));

    /// <summary>Schedules <paramref name="callback"/>, awaited in the hub's own greenlet, in FIFO order with the ready
    /// greenlets: a callback that switches (a kill, a link). Its value is not used; it is a <see cref="ValueTask{TResult}"/>
    /// so that the hub awaits every entry the same way (<see cref="HubLoopCore.Dispatch{THub, TResult}"/>).</summary>
    internal void ScheduleAsync(Func<ValueTask<object?>> callback) => _loop.Enqueue(HubReadyItem.CallAsync(callback));

    /// <summary>Runs <paramref name="callback"/>, awaited in the hub, right after the current entry (its value is not used).</summary>
    internal void RunNextAsync(Func<ValueTask<object?>> callback) => _next.Enqueue(HubReadyItem.CallAsync(callback));

    /// <summary>Adds a scheduled task to start to the end of the ready queue.</summary>
    internal void EnqueueStart(AsyncGreenTask task) => _loop.Enqueue(HubReadyItem.Start(task));

    /// <summary>Starts a timer whose callback runs in the hub after <paramref name="delay"/>.</summary>
    internal HubTimer StartTimer(TimeSpan delay, Action callback, bool keepsAlive = true) => _loop.StartTimer(delay, callback, keepsAlive);

    /// <summary>Queues <paramref name="callback"/> to run in the hub and wakes it; callable from any thread.</summary>
    internal bool TryPost(Action callback) => _loop.TryPost(callback);

    /// <summary>Reports an error nobody observes, to <see cref="UnhandledException"/> or standard error.</summary>
    internal void ReportError(AsyncGreenlet source, Exception exception) =>
        ErrorReport.Raise(
            UnhandledException,
            this,
            new AsyncGreenletExceptionEventArgs(source, exception),
            $"{exception.GetType().Name} from {source}",
            $"{source} failed with {exception.GetType().Name}: {exception}",
            nameof(UnhandledException),
            letKillsThrough: true);

    /// <summary>Runs the loop, in gevent's order: every ready entry (FIFO, including those scheduled meanwhile), each
    /// followed by what it deferred; then, after idling while nothing is ready, the due timers.</summary>
    /// <returns>Null when a <see cref="GreenletExit"/> thrown into the hub ends it.</returns>
    /// <remarks>One async method for the whole loop, with one place that runs an entry, so that the hub's switches
    /// allocate nothing and cost one state machine step per entry (an awaited helper per entry would double that).</remarks>
    private async ValueTask<object?> RunLoop()
    {
        bool timers = true;
        long now = 0;
        while (true)
        {
            // The next entry: what the last one deferred, else the next ready one of the round, else (once the round is
            // over, after idling if nothing is ready) the next due timer; a new round starts after the timers.
            if (!_next.TryDequeue(out HubReadyItem item))
            {
                if (timers)
                {
                    if (_loop.TryTakeDueTimer(now, out HubTimer timer))
                    {
                        item = HubReadyItem.Call(timer.Callback);
                    }
                    else
                    {
                        timers = false;
                        _loop.DrainExternal();
                        _loop.BeginCallbacks();
                        continue;
                    }
                }
                else if (!_loop.TryNextCallback(out item))
                {
                    if (_loop.IsIdle)
                    {
                        switch (_loop.WhenIdle())
                        {
                            case HubLoopCore.IdleAction.WakeDrains:
                                _loop.WakeDrainWaiters();
                                _loop.DrainExternal();
                                _loop.BeginCallbacks();
                                continue;
                            case HubLoopCore.IdleAction.Exit:
                                if (!await ThrowLoopExit())
                                {
                                    return null;
                                }

                                _loop.DrainExternal();
                                _loop.BeginCallbacks();
                                continue;
                            default:
                                // Until the next timer (none: until a post), unless one is due already.
                                TimeSpan? delay = _loop.NextTimerDelay();
                                if (delay != TimeSpan.Zero)
                                {
                                    // Through the seam, so that the hub continues in a step of its tree (see AsyncHub.Scheduler).
                                    using ITimer? wake = WakeAfter(delay);
                                    await _link!.WaitForWorkAsync();
                                }

                                break;
                        }
                    }

                    timers = true;
                    now = _loop.Now();
                    continue;
                }
            }

            try
            {
                await HubLoopCore.Dispatch<Dispatcher, ValueTask<object?>>(item, new(this));
            }
            catch (GreenletExit)
            {
                // Only a kill throws GreenletExit into the hub (an escaping one is a value, X1). It ends the hub;
                // AsyncHub.Current then makes a new one.
                _next.Clear();
                return null;
            }
            catch (Exception e)
            {
                ReportError(_dispatching ?? this, e);
            }
            finally
            {
                _dispatching = null;
            }
        }
    }

    /// <summary>The async hub's way to run a ready entry (<see cref="HubLoopCore.Dispatch{THub, TResult}"/>): it
    /// gives the switch that <see cref="RunLoop"/> awaits, and records whose failure it would be.</summary>
    private readonly struct Dispatcher(AsyncHub hub) : IHubDispatch<ValueTask<object?>>
    {
        public ValueTask<object?> Resume(HubWaiter waiter)
        {
            var greenlet = (AsyncGreenlet)waiter.Party;
            hub._dispatching = greenlet;
            return greenlet.SwitchAsync(waiter);
        }

        public bool CanStart(object task) => ((AsyncGreenTask)task).CanStartNow;

        public ValueTask<object?> Start(object task)
        {
            var start = (AsyncGreenTask)task;
            hub._dispatching = start;
            return start.SwitchAsync();
        }

        public ValueTask<object?> Call(Action callback)
        {
            hub._dispatching = hub;
            callback();
            return default;
        }

        public ValueTask<object?> CallAsync(Func<ValueTask<object?>> callback)
        {
            hub._dispatching = hub;
            return callback();
        }

        public ValueTask<object?> ResumeForeign(AsyncForeignContinuation continuation)
        {
            hub._dispatching = continuation.Greenlet;
            return continuation.ResumeAsync();
        }
    }

    /// <summary>Nothing can ever run again: throws <see cref="HubLoopExitException"/> into the main greenlet (gevent's
    /// <c>LoopExit</c>); false when the hub must end.</summary>
    private async ValueTask<bool> ThrowLoopExit()
    {
        try
        {
            await Parent!.ThrowAsync(new HubLoopExitException(_loop.DescribeBlockedForever(liveGreenlets: null), _loop.Waiting()));
        }
        catch (GreenletExit)
        {
            return false;
        }
        catch (Exception e)
        {
            ReportError(Parent!, e);
        }

        return true;
    }
}
