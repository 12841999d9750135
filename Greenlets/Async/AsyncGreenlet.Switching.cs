using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Greenlets.Internal;
using Rules = Greenlets.Internal.SwitchRules<Greenlets.AsyncGreenlet.Backend, Greenlets.AsyncGreenlet, Greenlets.Internal.AsyncTree>;

namespace Greenlets;

public partial class AsyncGreenlet
{
    /// <summary>Hands control to this greenlet, delivering <paramref name="value"/>; completes with what is switched back.</summary>
    /// <param name="value">The value: the argument of the body on the first switch, else the result of this greenlet's pending switch.</param>
    /// <returns>A task that completes with the value delivered when control comes back to the caller; await it at once.</returns>
    /// <remarks>
    /// <para>The precise rules, as in Python's greenlet and <see cref="Greenlet.Switch(object?)"/>:</para>
    /// <list type="bullet">
    /// <item>The first switch into a pending greenlet starts its body with <paramref name="value"/>; later switches resume
    /// it, and its pending <see cref="SwitchAsync(object?)"/> completes with <paramref name="value"/>.</item>
    /// <item>Switching to the running greenlet completes at once with <paramref name="value"/> (S1).</item>
    /// <item>Switching to a dead greenlet goes to its first live ancestor; a pending ancestor is started with the value (S2, S3).</item>
    /// <item>When the body completes, its result goes to the parent (D1, D2). An exception escaping the body is rethrown
    /// in the parent with its original stack trace, and on up the chain while uncaught (E1, E2). An escaping
    /// <see cref="GreenletExit"/> is delivered to the parent as a value (X1).</item>
    /// <item>Only greenlets of the caller's own tree can be switched to. Code outside any async greenlet acts as the
    /// main greenlet of its flow's tree, and may switch only while the main greenlet holds the baton.</item>
    /// </list>
    /// <para>When this call is made outside a trampoline (by outside code, or by a greenlet resumed after awaiting
    /// something other than a switch), it runs the trampoline inline and returns a completed task if control came back
    /// before the tree had to wait; synchronous code may then block on it with
    /// <c>SwitchAsync(x).AsTask().GetAwaiter().GetResult()</c>.</para>
    /// </remarks>
    /// <exception cref="GreenletError">The greenlet belongs to another tree, or the tree is busy: outside code switched in
    /// while a greenlet of the tree runs or waits (for example from another flow, or before awaiting its previous switch).</exception>
    /// <exception cref="InvalidOperationException">The greenlet has no body to start (it stays pending), or the caller
    /// switched again before awaiting its previous switch.</exception>
    public ValueTask<object?> SwitchAsync(object? value = null) =>
        Switch(this, value, error: null, GreenletTraceEvent.Switch, exitValue: false);

    /// <summary>Raises <paramref name="exception"/> in this greenlet at its pending switch; completes with what is switched back.</summary>
    /// <param name="exception">The exception, or null for a new <see cref="GreenletExit"/> (a kill).</param>
    /// <returns>A task that completes with the value delivered when control comes back to the caller.</returns>
    /// <remarks>
    /// <para>Into a suspended greenlet the exception is raised where it waits (T6); uncaught, it kills the greenlet and
    /// goes to the parent (T7). Into a pending greenlet the body never runs: it dies at once and the exception goes to
    /// its parent (T8). Into a dead greenlet a <see cref="GreenletExit"/> becomes a plain value and any other exception
    /// is raised in the first live ancestor (T9). <c>Current.ThrowAsync(e)</c> completes at once, faulted with
    /// <paramref name="exception"/> (T12).</para>
    /// </remarks>
    /// <exception cref="GreenletError">The greenlet belongs to another tree, or the tree is busy (see <see cref="SwitchAsync(object?)"/>).</exception>
    /// <exception cref="InvalidOperationException">The greenlet is pending and has no body, or the caller switched again
    /// before awaiting its previous switch.</exception>
    public ValueTask<object?> ThrowAsync(Exception? exception = null)
    {
        exception = Rules.ThrownOrKill(exception);
        return Rules.ThrowsAsValue(this, exception)
            ? Switch(this, exception, error: null, GreenletTraceEvent.Switch, exitValue: true)
            : Switch(this, value: null, ExceptionDispatchInfo.Capture(exception), GreenletTraceEvent.Throw, exitValue: false);
    }

    /// <summary>Sets the calling flow's tree's tracer and returns the previous one.</summary>
    /// <param name="tracer">The tracer, or null to stop tracing.</param>
    /// <returns>The tracer that was set before, or null.</returns>
    /// <remarks>Tracers are per tree. A tracer runs in the target's context, just before the target resumes; if it
    /// throws, it is removed and its exception is delivered to the target instead (TR4).</remarks>
    public static AsyncGreenletTracer? SetTrace(AsyncGreenletTracer? tracer)
    {
        AsyncTree tree = AsyncTree.OfFlow();
        AsyncGreenletTracer? previous = tree.Tracer;
        tree.Tracer = tracer;
        return previous;
    }

    /// <summary>Gets the calling flow's tree's tracer, or null.</summary>
    /// <returns>The tracer set by <see cref="SetTrace(AsyncGreenletTracer?)"/>, or null.</returns>
    public static AsyncGreenletTracer? GetTrace() => AsyncTree.OfFlow().Tracer;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ValueTask<object?> Switch(AsyncGreenlet target, object? value, ExceptionDispatchInfo? error, GreenletTraceEvent traceEvent, bool exitValue)
    {
        if (target._tree is { } tree && tree.FrameOnThisThread() is { } frame)
        {
            return SwitchInLoop(tree, frame, target, value, error, traceEvent, exitValue);
        }

        return SwitchSlow(target, value, error, traceEvent, exitValue);
    }

    /// <summary>A switch made by the greenlet whose trampoline step runs on this thread: record the target, return pending.</summary>
    private static ValueTask<object?> SwitchInLoop(AsyncTree tree, AsyncLoopFrame frame, AsyncGreenlet target, object? value, ExceptionDispatchInfo? error, GreenletTraceEvent traceEvent, bool exitValue)
    {
        if (frame.Next is not null)
        {
            throw SwitchInProgress(frame);
        }

        AsyncGreenlet cur = tree.Current;
        AsyncGreenlet origin = cur;
        AsyncGreenlet? resumed = Rules.Transfer(tree, cur, ref origin, target, ref value, ref error, ref traceEvent, exitValue, dying: false);
        if (resumed is null)
        {
            return Immediate(value, error);
        }

        HandOver(tree, cur, origin, resumed, value, error, traceEvent, dying: false);
        cur._switchedInStep = true;
        frame.Next = resumed;
        return new ValueTask<object?>(cur, cur._version);
    }

    /// <summary>A switch made outside a step of the target's tree on this thread: validate the caller, then run the trampoline inline.</summary>
    private static ValueTask<object?> SwitchSlow(AsyncGreenlet target, object? value, ExceptionDispatchInfo? error, GreenletTraceEvent traceEvent, bool exitValue)
    {
        AsyncTree tree = TreeOf(target);
        if (tree.FrameOnThisThread() is { } frame)
        {
            return SwitchInLoop(tree, frame, target, value, error, traceEvent, exitValue);
        }

        // Outside code claims the main greenlet until its switch's result is taken; greenlet code resumed after a
        // foreign await holds the baton already and needs no claim.
        bool outside = AsyncTree.Flow is not AsyncTree;
        if (outside && !tree.TryClaimMain())
        {
            throw Busy(tree);
        }

        bool claimHandedOn = false;
        try
        {
            if (!tree.TryEnter())
            {
                throw Busy(tree);
            }

            AsyncGreenlet cur;
            AsyncGreenlet? resumed;
            try
            {
                cur = Caller(tree);
                AsyncGreenlet origin = cur;
                resumed = Rules.Transfer(tree, cur, ref origin, target, ref value, ref error, ref traceEvent, exitValue, dying: false);
                if (resumed is not null)
                {
                    HandOver(tree, cur, origin, resumed, value, error, traceEvent, dying: false);
                }
            }
            finally
            {
                tree.Leave();
            }

            if (resumed is null)
            {
                return Immediate(value, error);
            }

            if (AsyncTrampoline.Run(tree, resumed, root: cur) && cur._error is null)
            {
                return new ValueTask<object?>(cur.TakeInline());
            }

            // The result is taken later, by the await: GetResult ends the claim then.
            if (outside)
            {
                cur._holdsMainClaim = true;
                claimHandedOn = true;
            }

            return new ValueTask<object?>(cur, cur._version);
        }
        finally
        {
            if (outside && !claimHandedOn)
            {
                tree.ReleaseMain();
            }
        }
    }

    /// <summary>Who makes a switch from outside any trampoline step: greenlet code resumed after a foreign await (the
    /// greenlet holding the baton) or outside code acting as the main greenlet; refuses callers that may not switch.</summary>
    private static AsyncGreenlet Caller(AsyncTree tree)
    {
        AsyncGreenlet cur;
        object? flow = AsyncTree.Flow;
        if (flow is AsyncTree inner)
        {
            // Greenlet code resumed after awaiting something that is not a switch.
            if (inner != tree)
            {
                throw Rules.ForeignTree(tree);
            }

            cur = tree.Current;
            if (tree.Scheduler is not null && !MayContinueOutside(cur))
            {
                // On a scheduled tree greenlet code runs in trampoline steps only: this code escaped them.
                throw AsyncSchedulerLink.Escaped(tree);
            }

            if (cur == tree.Main)
            {
                throw new GreenletError("greenlet code ran while the main greenlet holds the baton: a greenlet's stray task may not switch");
            }
        }
        else
        {
            // Outside code acts as the main greenlet of the tree.
            if (flow is AsyncGreenlet main && main._tree != tree)
            {
                throw Rules.ForeignTree(tree);
            }

            cur = tree.Main;
            if (tree.Current != cur)
            {
                throw Busy(tree);
            }

            if (flow is null)
            {
                AsyncTree.Flow = cur;
            }
        }

        return cur;
    }

    private static ValueTask<object?> Immediate(object? value, ExceptionDispatchInfo? error) =>
        error is null ? new ValueTask<object?>(value) : ValueTask.FromException<object?>(error.SourceException);

    private static GreenletError Busy(AsyncTree tree) =>
        new($"the tree is busy: {tree.Current.Name} holds the baton, so outside code (the main greenlet) cannot switch now; " +
            "a switch came from another flow, or before the previous switch was awaited");

    /// <summary>Why a switch made while the step's frame has a switch recorded is refused: the step already switched,
    /// or a stray continuation runs in it (whose refusal the frame carries).</summary>
    private static Exception SwitchInProgress(AsyncLoopFrame frame) =>
        frame.Refusal is { } refusal ? refusal()
        : new InvalidOperationException("this greenlet already switched away and has not awaited that switch: await each SwitchAsync/ThrowAsync before the next");

    /// <summary>
    /// Hands the baton from <paramref name="cur"/> to <paramref name="receiver"/> (suspended, or pending) as the rules
    /// resolved it; the receiver's trampoline step then resumes or starts it and traces the transfer (TR3).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void HandOver(AsyncTree tree, AsyncGreenlet cur, AsyncGreenlet origin, AsyncGreenlet receiver, object? value, ExceptionDispatchInfo? error, GreenletTraceEvent traceEvent, bool dying)
    {
        // A receiver's _value and _error are null (its own switch away reset them, and a pending greenlet has received
        // nothing): write only what is set, sparing the hot path two write barriers.
        Debug.Assert(receiver._value is null && receiver._error is null, "a greenlet receiving control holds no undelivered transfer");
        if (value is not null)
        {
            receiver._value = value;
        }

        if (error is not null)
        {
            receiver._error = error;
        }

        if (tree.Tracer is not null)
        {
            tree.InOrigin = origin;
            tree.InEvent = traceEvent;
        }
        else
        {
            tree.InOrigin = null;
        }

        receiver._state = GreenletState.Running;
        if (!dying)
        {
            cur._state = GreenletState.Suspended;
            cur.ResetSource();
        }

        tree.Current = receiver;
    }
}
