using System.Runtime.ExceptionServices;
using Greenlets.Internal;
using Rules = Greenlets.Internal.SwitchRules<Greenlets.AsyncGreenlet.Backend, Greenlets.AsyncGreenlet, Greenlets.Internal.AsyncTree>;

namespace Greenlets;

/// <summary>Foreign awaits on a tree with a scheduler (see <see cref="AsyncSchedulerLink"/>): parking, resuming, killing.</summary>
public partial class AsyncGreenlet
{
    private static readonly SendOrPostCallback Nothing = static _ => { };

    // This greenlet's synchronization context and foreign-await state; created at its first step on a scheduled tree.
    private AsyncTreeSynchronizationContext? _foreign;

    /// <summary>Gets or sets a test hook called on the baton when a step of a scheduled tree's greenlet has just been
    /// marked ended, before that step looks at the body: lets a test complete the body from another thread exactly
    /// there (the window of the completion handshake). Null outside tests.</summary>
    internal static Action<AsyncGreenlet>? StepLeftHook { get; set; }

    /// <summary>Gets the foreign-await state, or null before the greenlet's first step on a scheduled tree.</summary>
    internal AsyncTreeSynchronizationContext? ForeignState => _foreign;

    /// <summary>Gets whether the greenlet can be switched into: it has a body, or has started.</summary>
    internal bool CanRun => _run is not null || IsStarted;

    /// <summary>Returns the foreign-await state, creating it.</summary>
    internal AsyncTreeSynchronizationContext EnsureForeignState() => _foreign ??= new AsyncTreeSynchronizationContext(this);

    /// <summary>Whether code of <paramref name="greenlet"/>, holding the baton, may continue outside the trampoline.</summary>
    internal static bool MayContinueOutside(AsyncGreenlet greenlet) => greenlet._foreign is { HoldsBatonOutside: true };

    /// <summary>Runs one step on a scheduled tree: resumes a parked greenlet's continuation, kills a parked greenlet that
    /// received a transfer, or steps as usual with the greenlet's synchronization context current.</summary>
    internal void StepScheduled(AsyncTree tree, AsyncLoopFrame frame)
    {
        if (this == tree.Main)
        {
            // Outside code keeps its own contexts.
            Step();
            return;
        }

        AsyncSchedulerLink link = tree.Scheduler!;
        AsyncTreeSynchronizationContext foreign = EnsureForeignState();
        if (foreign.Parked)
        {
            foreign.Parked = false;
            link.CountParked(-1);
            if (foreign.Resuming is { } continuation)
            {
                foreign.Resuming = null;
                foreign.StepScheduled = true;
                foreign.EnterStep();
                RunContinuation(foreign, continuation, link);
                return;
            }

            // Not its continuation: a throw, a switch or a child's result came in while it awaits.
            KillParked(frame, foreign, link);
            return;
        }

        foreign.HoldsBatonOutside = false;
        foreign.StepScheduled = true;
        foreign.EnterStep();
        SynchronizationContext? previous = SynchronizationContext.Current;

        // The scheduler's own awaits keep the baton (see AsyncSchedulerLink): it gets no greenlet context.
        SynchronizationContext.SetSynchronizationContext(this == link.Greenlet ? null : foreign);
        try
        {
            Step();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>
    /// Called on a scheduled tree when a step made no switch and the body has not finished: parks this greenlet (the
    /// baton and <see cref="AsyncSchedulerLink.Parked"/> go to the scheduler's greenlet, returned in
    /// <paramref name="next"/>), or lets the scheduler wait for work; false when it keeps the baton as on a plain tree.
    /// </summary>
    private bool AfterForeignStep(out AsyncGreenlet? next)
    {
        AsyncSchedulerLink link = _tree!.Scheduler!;
        AsyncTreeSynchronizationContext foreign = EnsureForeignState();
        bool scheduled = foreign.StepScheduled;
        foreign.StepScheduled = false;
        foreign.LeaveStep();
        StepLeftHook?.Invoke(this);
        bool rejoinPosted = false;
        if (_runTask.IsCompleted)
        {
            // Completed by escaped code on another thread as the step ended (AfterStep had not seen it yet). Exactly
            // one side takes the death: this step, or the watcher, which then posted the re-join.
            if (foreign.TryClaimDeath())
            {
                next = Finish();
                return true;
            }

            rejoinPosted = true;
        }

        if (scheduled)
        {
            if (this == link.Greenlet)
            {
                if (link.TryIdle(out bool woken))
                {
                    next = woken ? this : null;
                    return true;
                }
            }
            else if (!link.Greenlet.IsDead)
            {
                foreign.Parked = true;
                link.CountParked(1);
                next = Park(link);

                // A body that finishes outside (escaped) is re-joined through the context (see OnFinishedOutside).
                WatchBody();
                return true;
            }
        }

        if (rejoinPosted)
        {
            // The re-join cannot reach a parked greenlet here: die now (it then finds the greenlet dead, a harmless stray).
            next = Finish();
            return true;
        }

        foreign.HoldsBatonOutside = true;
        next = null;
        return false;
    }

    /// <summary>Hands the baton from this greenlet, parked, to the scheduler's greenlet (started if pending), traced as a switch.</summary>
    private AsyncGreenlet Park(AsyncSchedulerLink link)
    {
        AsyncTree tree = _tree!;
        AsyncGreenlet origin = this;
        object? value = AsyncSchedulerLink.Parked;
        ExceptionDispatchInfo? error = null;
        GreenletTraceEvent traceEvent = GreenletTraceEvent.Switch;

        // The scheduler's greenlet is alive, runnable and not this one: the rules resolve it to itself.
        AsyncGreenlet receiver = Rules.Transfer(tree, this, ref origin, link.Greenlet, ref value, ref error, ref traceEvent, exitValue: false, dying: false)!;
        HandOver(tree, this, origin, receiver, value, error, traceEvent, dying: false);
        return receiver;
    }

    /// <summary>Called when the body finished outside any step of a scheduled tree: true if its death is re-joined
    /// through the greenlet's context (it was parked, its code escaped), false if it held the baton out there.</summary>
    private bool RejoinFinished()
    {
        if (_foreign is not { HoldsBatonOutside: false } foreign)
        {
            return false;
        }

        if (((Volatile.Read(ref _life) & Finished) != 0 && (!foreign.Killed || foreign.LateObserved)) || !foreign.TryClaimRejoin())
        {
            // Dead already, or the body completed in a step of the greenlet (this callback was only scheduled off it,
            // because the greenlet's context was current) or as its step ended: that step takes the death.
            return true;
        }

        // The scheduler resumes it with this no-op; that step sees the finished body and the greenlet dies there.
        foreign.Post(Nothing, null);
        return true;
    }

    /// <summary>What <see cref="AsyncForeignContinuation.ResumeAsync"/> does.</summary>
    internal static ValueTask<object?> ResumeForeign(AsyncForeignContinuation continuation)
    {
        AsyncGreenlet greenlet = continuation.Greenlet;
        AsyncTree tree = TreeOf(greenlet);
        if (tree.FrameOnThisThread() is not { } frame || tree.Scheduler is not { } link)
        {
            throw new GreenletError("resume a foreign continuation from a trampoline step of its greenlet's tree (the scheduler's), " +
                "not from outside code or another tree");
        }

        if (frame.Next is not null)
        {
            throw SwitchInProgress(frame);
        }

        continuation.Claim();
        AsyncTreeSynchronizationContext foreign = greenlet.EnsureForeignState();
        AsyncGreenlet cur = tree.Current;
        if (foreign.Parked && foreign.Resuming is null && greenlet._state == GreenletState.Suspended)
        {
            // A baton transfer whose receiving step runs the continuation instead of completing a switch.
            foreign.Resuming = continuation;
            HandOver(tree, cur, cur, greenlet, value: null, error: null, GreenletTraceEvent.Switch, dying: false);
            cur._switchedInStep = true;
            frame.Next = greenlet;
            return new ValueTask<object?>(cur, cur._version);
        }

        greenlet.RunStray(frame, foreign, continuation, link);
        return new ValueTask<object?>(AsyncSchedulerLink.Parked);
    }

    /// <summary>Makes the scheduler's greenlet wait for a wake: its switch source, pending, while it keeps the baton.</summary>
    internal ValueTask<object?> PendForWork()
    {
        ResetSource();
        _switchedInStep = true;
        return new ValueTask<object?>(this, _version);
    }

    /// <summary>Runs a posted continuation as this greenlet, in its context; a callback that throws is reported, not lost.</summary>
    private void RunContinuation(AsyncTreeSynchronizationContext foreign, AsyncForeignContinuation continuation, AsyncSchedulerLink link)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(foreign);
        try
        {
            continuation.Invoke();
        }
        catch (Exception e)
        {
            link.Scheduler.ReportError(this, e);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>
    /// Runs a continuation of this greenlet that is not the one it is parked on (a task it did not await, or the
    /// unwinding after a kill) inline in the caller's step, with switches refused: the frame's recorded switch sends
    /// them to the refusal, so the scheduler's own state is never touched by that code.
    /// </summary>
    private void RunStray(AsyncLoopFrame frame, AsyncTreeSynchronizationContext foreign, AsyncForeignContinuation continuation, AsyncSchedulerLink link)
    {
        string name = Name;
        foreign.EnterStep();
        frame.Next = this;
        frame.Refusal = foreign.Killed
            ? () => new GreenletExit($"{name} was killed while it awaited a foreign task: its code unwinds and cannot switch")
            : () => new GreenletError($"a stray continuation of {name} (a task it did not await) runs in the scheduler's step " +
                "and cannot switch: await the task");
        try
        {
            RunContinuation(foreign, continuation, link);
        }
        finally
        {
            frame.Next = null;
            frame.Refusal = null;
        }

        foreign.LeaveStep();
        if (foreign.Killed && !foreign.LateObserved && _runTask.IsCompleted && foreign.TryClaimDeath())
        {
            // Otherwise the watcher claimed it and its re-join, another stray, observes it.
            ObserveLate(foreign, link);
        }
    }

    /// <summary>
    /// A transfer came into this greenlet while it is parked: it dies at once, of the thrown exception (a switch's value
    /// or a child's result becomes a <see cref="GreenletError"/>), and its foreign cancellation is cancelled. The step's
    /// recorded switch becomes the death's receiver.
    /// </summary>
    private void KillParked(AsyncLoopFrame frame, AsyncTreeSynchronizationContext foreign, AsyncSchedulerLink link)
    {
        ExceptionDispatchInfo error = _error ?? ExceptionDispatchInfo.Capture(new GreenletError(
            $"{Name} was switched into while it awaits a foreign task: only its continuation, through the tree's scheduler, " +
            "resumes it, so it dies of this error"));
        _error = null;
        _value = null;
        foreign.Killed = true;

        // The body's eventual outcome is not this greenlet's death: it is observed later, unwinding (ObserveLate).
        Interlocked.Or(ref _life, Finished);
        foreign.CancelForeign(link);
        frame.Next = Die(result: null, error);
    }

    /// <summary>Takes the outcome of a killed greenlet's body once it has unwound; a failure other than the kill is reported.</summary>
    private void ObserveLate(AsyncTreeSynchronizationContext foreign, AsyncSchedulerLink link)
    {
        foreign.LateObserved = true;
        try
        {
            _runTask.GetAwaiter().GetResult();
        }
        catch (GreenletExit)
        {
            // The kill, unwinding as it should.
        }
        catch (OperationCanceledException) when (foreign.IsCancelled)
        {
            // The foreign operation, stopped by the kill's cancellation.
        }
        catch (Exception e)
        {
            link.Scheduler.ReportError(this, e);
        }
    }
}
