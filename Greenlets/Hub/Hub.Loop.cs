using System.Diagnostics;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    // The ready queue, timers, posts and loop rules, shared with AsyncHub.
    private readonly HubLoopCore _loop;
    private Greenlet? _dispatching;

    // True while the hub waits in Dispatch for the greenlet it resumed (or started): the only point where a waiting
    // greenlet may hand the baton straight to the next ready one in the hub's place (TryRelay).
    private bool _relayable;

    internal int ReadyCount => _loop.ReadyCount;

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
            _loop.DrainExternal();
            if (!RunCallbacks())
            {
                return null;
            }

            if (_loop.IsIdle)
            {
                switch (_loop.WhenIdle())
                {
                    case HubLoopCore.IdleAction.WakeDrains:
                        _loop.WakeDrainWaiters();
                        continue;
                    case HubLoopCore.IdleAction.Exit:
                        if (!ThrowLoopExit())
                        {
                            return null;
                        }

                        continue;
                    default:
                        IdleUntilNextTimer();
                        break;
                }
            }

            if (!RunDueTimers())
            {
                return null;
            }
        }
    }

    /// <summary>Adds a scheduled task to start to the end of the ready queue.</summary>
    internal void EnqueueStart(GreenTask task) => _loop.Enqueue(HubReadyItem.Start(task));

    /// <summary>Schedules <paramref name="callback"/> to run in the hub, in FIFO order with the ready greenlets
    /// (gevent's <c>loop.run_callback</c>); callable only in the hub's tree.</summary>
    internal void Schedule(Action callback) => _loop.Enqueue(HubReadyItem.Call(callback));

    /// <summary>Reports an error nobody observes, to <see cref="UnhandledException"/> or standard error.</summary>
    internal void ReportError(Greenlet source, Exception exception) =>
        ErrorReport.Raise(
            UnhandledException,
            this,
            new GreenletExceptionEventArgs(source, exception),
            $"{source} failed with {exception.GetType().Name}: {exception}",
            nameof(UnhandledException), letKillsThrough: true);

    /// <summary>Runs one ready entry; false when the hub must end (a kill of the hub).</summary>
    private bool Dispatch(HubReadyItem item)
    {
        try
        {
            HubLoopCore.Dispatch<Dispatcher, object?>(item, new(this));
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
            _relayable = false;
        }

        return true;
    }

    /// <summary>The thread hub's way to run a ready entry (<see cref="HubLoopCore.Dispatch{THub, TResult}"/>): a
    /// blocking switch, back when the greenlet parks again; it records whose failure it would be, and lets the greenlet
    /// it resumed or started relay the baton (<see cref="TryRelay"/>).</summary>
    private readonly struct Dispatcher(Hub hub) : IHubDispatch<object?>
    {
        public object? Resume(HubWaiter waiter)
        {
            var greenlet = (Greenlet)waiter.Party;
            hub._dispatching = greenlet;
            hub._relayable = true;
            return greenlet.Switch(waiter);
        }

        public bool CanStart(object task) => ((GreenTask)task).CanStartNow;

        public object? Start(object task)
        {
            var start = (GreenTask)task;
            hub._dispatching = start;
            hub._relayable = true;
            start.StartChecked();
            return null;
        }

        public object? Call(Action callback)
        {
            hub._dispatching = hub;
            callback();
            return null;
        }

        public object? CallAsync(Func<ValueTask<object?>> callback) => throw new UnreachableException("an async hub's entry in a thread hub");

        public object? ResumeForeign(AsyncForeignContinuation continuation) => throw new UnreachableException("an async hub's entry in a thread hub");
    }

    /// <summary>
    /// From a greenlet about to park: when the hub would do nothing but resume the next ready waiter, resumes it
    /// directly, in the hub's place, and gives what the parking greenlet is resumed with later; false when the hub
    /// must run (the caller switches to it).
    /// </summary>
    /// <remarks>
    /// <para>Exactly what the hub would do next (<see cref="HubLoopCore.TryTakeRelay"/>: the head of the FIFO queue, a
    /// woken waiter, within the budget that makes the loop look at its timers, no schedule chooser, no posts pending),
    /// taken while the hub waits in <see cref="Dispatch"/> (not inside a callback, whose notifier loop must go on
    /// first), with no tracer (which would see the hub's two switches). The order of every greenlet, and every value,
    /// is the hub's own; only the baton skips the hub's thread: one thread handoff per wait instead of two, and two
    /// greenlets taking turns become a hot pair.</para>
    /// <para>The hub is still suspended in <see cref="Dispatch"/>: a failure escaping the relayed greenlet reaches it
    /// there, reported as that greenlet's (<see cref="_dispatching"/>).</para>
    /// </remarks>
    private bool TryRelay(out object? resumedWith)
    {
        resumedWith = null;
        if (!_relayable || Greenlet.GetTrace() is not null || !_loop.TryTakeRelay(out HubWaiter next))
        {
            return false;
        }

        var greenlet = (Greenlet)next.Party;
        _dispatching = greenlet;
        resumedWith = greenlet.Switch(next);
        return true;
    }

    /// <summary>Nothing can ever run again: throws <see cref="HubLoopExitException"/> into the main greenlet (gevent's
    /// <c>LoopExit</c>); false when the hub must end.</summary>
    private bool ThrowLoopExit()
    {
        try
        {
            Parent!.Throw(new HubLoopExitException(_loop.DescribeBlockedForever(Dump()), _loop.Waiting()));
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

    /// <summary>Runs the ready callbacks until none is left or the switch interval passed; false when the hub must end.</summary>
    private bool RunCallbacks()
    {
        _loop.BeginCallbacks();
        while (_loop.TryNextCallback(out HubReadyItem item))
        {
            if (!Dispatch(item))
            {
                return false;
            }
        }

        return true;
    }
}
