using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Greenlets.Internal;

/// <summary>
/// Greenlet's switching rules, written once for both backends: the transfer (S1-S3, T8, D3), the death (D1-D3, E1, X1),
/// the throw (T9), the parent (P2-P6), the tracer (TR4) and the description. The IDs are those of the reference spec
/// and of <see cref="Greenlet.Switch(object?)"/>'s remarks.
/// </summary>
/// <remarks>
/// The rules decide who receives control and what it receives; the backend then hands control over by its own
/// mechanism (<see cref="GreenletCore"/>'s fiber gates, <see cref="AsyncGreenlet"/>'s trampoline). Instantiated over a
/// struct backend, so every call through the seam is direct.
/// </remarks>
/// <typeparam name="TBackend">The backend.</typeparam>
/// <typeparam name="TGreenlet">The public greenlet type.</typeparam>
/// <typeparam name="TTree">The tree type.</typeparam>
internal static class SwitchRules<TBackend, TGreenlet, TTree>
    where TBackend : struct, ISwitchBackend<TGreenlet, TTree>
    where TGreenlet : class
    where TTree : class
{
    /// <summary>
    /// Resolves the greenlet that takes a transfer from <paramref name="cur"/> to <paramref name="target"/>: dead targets
    /// give way to their first live ancestor, pending ones are started (or, thrown into, die at once); returns null for a
    /// switch to the caller itself (S1), whose traced result is left in <paramref name="value"/>/<paramref name="error"/>.
    /// </summary>
    /// <param name="tree">The caller's tree.</param>
    /// <param name="cur">The caller (when <paramref name="dying"/>, the greenlet that just died).</param>
    /// <param name="origin">Who the receiver's tracer sees switching; a greenlet dying on the way (T8) takes over.</param>
    /// <param name="target">The greenlet switched to.</param>
    /// <param name="value">The value delivered (when <paramref name="error"/> is null).</param>
    /// <param name="error">The exception delivered, or null.</param>
    /// <param name="traceEvent">The event the receiver's tracer sees.</param>
    /// <param name="exitValue">The value is a <see cref="GreenletExit"/> standing in for a death: a pending receiver starts with null.</param>
    /// <param name="dying">The caller has died: a failure to start the receiver goes on up the chain instead of being thrown (D3).</param>
    /// <returns>The greenlet to hand control to (suspended, or pending and ready to start), or null for S1.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TGreenlet? Transfer(TTree tree, TGreenlet cur, ref TGreenlet origin, TGreenlet target, ref object? value, ref ExceptionDispatchInfo? error, ref GreenletTraceEvent traceEvent, bool exitValue, bool dying)
    {
        // The hot path: a suspended greenlet takes the transfer as it is; no other rule applies to it.
        if (TBackend.StateOf(target) == GreenletState.Suspended)
        {
            return target;
        }

        return Resolve(tree, cur, ref origin, target, ref value, ref error, ref traceEvent, exitValue, dying);
    }

    /// <summary>
    /// Marks <paramref name="dead"/> dead and resolves who receives its result or exception (D1-D3, E1, X1); never null.
    /// </summary>
    /// <param name="tree">The tree.</param>
    /// <param name="dead">The greenlet whose body has just finished.</param>
    /// <param name="result">The body's result; becomes what the receiver gets.</param>
    /// <param name="error">The body's exception, or null; becomes what the receiver gets.</param>
    /// <param name="traceEvent">The event the receiver's tracer sees.</param>
    /// <param name="origin">Who the receiver's tracer sees switching.</param>
    /// <returns>The greenlet to hand control to.</returns>
    public static TGreenlet Die(TTree tree, TGreenlet dead, ref object? result, ref ExceptionDispatchInfo? error, out GreenletTraceEvent traceEvent, out TGreenlet origin)
    {
        TBackend.MarkDead(tree, dead);
        traceEvent = GreenletTraceEvent.Switch;
        bool exitValue = false;
        if (error?.SourceException is GreenletExit exit)
        {
            // X1: an escaping GreenletExit is the parent's value, not an error.
            result = exit;
            error = null;
            exitValue = true;
        }
        else if (error is not null)
        {
            // E1: an escaping exception is raised in the parent.
            traceEvent = GreenletTraceEvent.Throw;
        }

        origin = dead;
        return Transfer(tree, dead, ref origin, TBackend.ParentOf(dead)!, ref result, ref error, ref traceEvent, exitValue, dying: true)!;
    }

    /// <summary>The exception a throw delivers: the one given, or a new <see cref="GreenletExit"/> (a kill).</summary>
    /// <param name="exception">The exception given, or null.</param>
    /// <returns>The exception to deliver.</returns>
    public static Exception ThrownOrKill(Exception? exception) => exception ?? new GreenletExit();

    /// <summary>
    /// Whether a throw of <paramref name="exception"/> into <paramref name="target"/> delivers it as a plain value (T9: a
    /// <see cref="GreenletExit"/> into a dead greenlet, for its first live ancestor, standing in for a death) rather than
    /// raising it (T6-T8, T12).
    /// </summary>
    /// <param name="target">The greenlet thrown into.</param>
    /// <param name="exception">The exception, from <see cref="ThrownOrKill(Exception?)"/>.</param>
    /// <returns>True to switch with the exception as the value and <c>exitValue</c> set; false to throw it.</returns>
    /// <remarks>A predicate, not out parameters: a thrower parks inside its switch, and locals taken by reference would
    /// stay reported to the GC for the whole park.</remarks>
    public static bool ThrowsAsValue(TGreenlet target, Exception exception) =>
        TBackend.StateOf(target) == GreenletState.Dead && exception is GreenletExit;

    /// <summary>Refuses a switch into a tree other than the caller's (TH1, TH2).</summary>
    /// <param name="tree">The caller's tree.</param>
    /// <param name="target">The greenlet switched to.</param>
    /// <exception cref="GreenletError">The target belongs to another tree.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckTree(TTree tree, TGreenlet target)
    {
        TTree? targetTree = TBackend.TreeOf(target);
        if (targetTree != tree)
        {
            throw ForeignTree(targetTree);
        }
    }

    /// <summary>The error for a switch into a tree that is not the caller's.</summary>
    /// <param name="targetTree">The target's tree, or null when it has none.</param>
    /// <returns>The error.</returns>
    public static GreenletError ForeignTree(TTree? targetTree) => targetTree is null
        ? new GreenletError("cannot switch to a garbage collected greenlet")
        : new GreenletError($"cannot switch to a different {TBackend.TreeHome} ({TBackend.Whose(targetTree)})");

    /// <summary>Sets the parent of <paramref name="greenlet"/> (P2-P6), checking everything before anything changes.</summary>
    /// <param name="greenlet">The greenlet.</param>
    /// <param name="value">The new parent.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null (P2).</exception>
    /// <exception cref="InvalidOperationException"><paramref name="greenlet"/> is a main greenlet (P4).</exception>
    /// <exception cref="ArgumentException">A cycle (P3), or a parent in another tree once committed to one (P6).</exception>
    public static void SetParent(TGreenlet greenlet, TGreenlet? value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (TBackend.IsMain(greenlet))
        {
            throw new InvalidOperationException("cannot set the parent of a main greenlet");
        }

        lock (TBackend.ParentLock)
        {
            for (TGreenlet? p = value; p is not null; p = TBackend.ParentOf(p))
            {
                if (p == greenlet)
                {
                    throw new ArgumentException("cyclic parent chain", nameof(value));
                }
            }

            // P6: committed to a tree (started, or starting in its own tree right now), the parent must stay there; a
            // pending greenlet's tree is its parent chain's, and the start commits it under this same lock.
            TTree? own = TBackend.OwnTree(greenlet);
            if ((TBackend.StateOf(greenlet) != GreenletState.Pending || own is not null) && TBackend.TreeOf(value) != own)
            {
                throw new ArgumentException($"parent cannot be on a different {TBackend.TreeHome}", nameof(value));
            }

            TBackend.SetParentOf(greenlet, value);
        }
    }

    /// <summary>Describes a greenlet in the spirit of greenlet's repr, e.g. <c>&lt;Greenlet "gr1" suspended active started&gt;</c>.</summary>
    /// <param name="greenlet">The greenlet.</param>
    /// <param name="state">Its public state.</param>
    /// <param name="exited">Its thread has exited (thread backend only).</param>
    /// <returns>The type, name and state.</returns>
    public static string Describe(TGreenlet greenlet, GreenletState state, bool exited)
    {
        string suffix = state switch
        {
            GreenletState.Pending => " pending",
            GreenletState.Dead => exited ? " (thread exited) dead" : " dead",
            GreenletState.Running => " current active started",
            _ => " suspended active started",
        };
        if (TBackend.IsMain(greenlet) && state != GreenletState.Dead)
        {
            suffix += " main";
        }

        return $"<{greenlet.GetType().Name} \"{TBackend.NameOf(greenlet)}\"{suffix}>";
    }

    /// <summary>Calls the tree's tracer; a throwing tracer is removed and its exception replaces the transfer (TR4, E5).</summary>
    /// <param name="tree">The tree.</param>
    /// <param name="traceEvent">The event.</param>
    /// <param name="origin">The greenlet that switched.</param>
    /// <param name="target">The greenlet that receives control.</param>
    /// <param name="value">The value in transfer; null if the tracer throws.</param>
    /// <param name="error">The exception in transfer; the tracer's if it throws.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Trace(TTree tree, GreenletTraceEvent traceEvent, TGreenlet origin, TGreenlet target, ref object? value, ref ExceptionDispatchInfo? error)
    {
        if (TBackend.HasTracer(tree))
        {
            CallTracer(tree, traceEvent, origin, target, ref value, ref error);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CallTracer(TTree tree, GreenletTraceEvent traceEvent, TGreenlet origin, TGreenlet target, ref object? value, ref ExceptionDispatchInfo? error)
    {
        try
        {
            TBackend.CallTracer(tree, traceEvent, origin, target);
        }
        catch (Exception e)
        {
            TBackend.RemoveTracer(tree);
            value = null;
            error = ExceptionDispatchInfo.Capture(e);
        }
    }

    /// <summary>The transfer's rules for a target that is not suspended: dead, pending, or the caller itself.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TGreenlet? Resolve(TTree tree, TGreenlet cur, ref TGreenlet origin, TGreenlet target, ref object? value, ref ExceptionDispatchInfo? error, ref GreenletTraceEvent traceEvent, bool exitValue, bool dying)
    {
        while (true)
        {
            // S2: a dead target gives way to its first live ancestor.
            while (TBackend.StateOf(target) == GreenletState.Dead)
            {
                target = TBackend.ParentOf(target)!;
            }

            if (target == cur)
            {
                // S1: a switch to yourself returns the value at once; the tracer still sees it.
                Trace(tree, traceEvent, origin, target, ref value, ref error);
                return null;
            }

            if (TBackend.StateOf(target) != GreenletState.Pending)
            {
                return target;
            }

            // S3: a pending target starts, with the value.
            if (Start(tree, target, rent: error is null) is { } failure)
            {
                if (!dying)
                {
                    throw failure;
                }

                // D3: the start failed, so its error goes on to the next parent.
                error = ExceptionDispatchInfo.Capture(failure);
                value = null;
                exitValue = false;
                traceEvent = GreenletTraceEvent.Throw;
                target = TBackend.ParentOf(target)!;
                continue;
            }

            if (error is not null)
            {
                // T8: an exception into a greenlet that never ran: it dies without running, and the exception (a
                // GreenletExit as a value) goes on to its parent.
                Trace(tree, traceEvent, origin, target, ref value, ref error);
                TBackend.DieUnstarted(target);
                if (error!.SourceException is GreenletExit exit)
                {
                    value = exit;
                    error = null;
                    exitValue = true;
                    traceEvent = GreenletTraceEvent.Switch;
                }
                else
                {
                    exitValue = false;
                    traceEvent = GreenletTraceEvent.Throw;
                }

                origin = target;
                target = TBackend.ParentOf(target)!;
                continue;
            }

            if (exitValue)
            {
                // A death by GreenletExit starts a pending receiver with no value, as greenlet does.
                value = null;
            }

            return target;
        }
    }

    /// <summary>
    /// Commits a pending <paramref name="target"/> to <paramref name="tree"/> and (if <paramref name="rent"/>) gets it ready
    /// to start; returns the failure, with the greenlet left pending and uncommitted, or null.
    /// </summary>
    private static Exception? Start(TTree tree, TGreenlet target, bool rent)
    {
        // A pending greenlet's tree is its parent chain's, which another thread or flow may change until the commit (then
        // the parent setter refuses foreign parents), so the check and the commit are one step under the parent lock.
        TTree? targetTree;
        bool hasRun;
        lock (TBackend.ParentLock)
        {
            targetTree = TBackend.TreeOf(target);
            hasRun = TBackend.HasRun(target);
            if (targetTree == tree && hasRun)
            {
                TBackend.Commit(target, tree);
            }
        }

        if (targetTree != tree)
        {
            return ForeignTree(targetTree);
        }

        if (!hasRun)
        {
            return TBackend.MissingRun();
        }

        return rent ? TBackend.PrepareStart(target, tree) : null;
    }
}
