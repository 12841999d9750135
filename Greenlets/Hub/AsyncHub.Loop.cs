using System.Diagnostics;
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
    /// greenlets: a callback that switches (a kill, a link).</summary>
    internal void ScheduleAsync(Func<ValueTask> callback) => _loop.Enqueue(HubReadyItem.CallAsync(callback));

    /// <summary>Runs <paramref name="callback"/>, awaited in the hub, right after the current entry.</summary>
    internal void RunNextAsync(Func<ValueTask> callback) => _next.Enqueue(HubReadyItem.CallAsync(callback));

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
                switch (item.What)
                {
                    case HubReadyItem.Kind.Resume:
                        var waiter = (HubWaiter)item.Target;

                        // Killed or timed out after the wake was queued: the wait is over, nothing to resume.
                        if (waiter.IsResumable)
                        {
                            var greenlet = (AsyncGreenlet)waiter.Party;
                            _dispatching = greenlet;
                            await greenlet.SwitchAsync(waiter);
                        }

                        break;
                    case HubReadyItem.Kind.Start:
                        var task = (AsyncGreenTask)item.Target;

                        // Killed before it started: nothing to run.
                        if (task.CanStartNow)
                        {
                            _dispatching = task;
                            await task.SwitchAsync();
                        }

                        break;
                    case HubReadyItem.Kind.ResumeForeign:
                        var continuation = (AsyncForeignContinuation)item.Target;
                        _dispatching = continuation.Greenlet;
                        await continuation.ResumeAsync();
                        break;
                    case HubReadyItem.Kind.CallAsync:
                        _dispatching = this;
                        await ((Func<ValueTask>)item.Target)();
                        break;
                    default:
                        Debug.Assert(item.What == HubReadyItem.Kind.Call, "an unknown ready entry");
                        _dispatching = this;
                        ((Action)item.Target)();
                        break;
                }
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
