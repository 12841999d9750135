using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Greenlets.Internal;

/// <summary>The transfer of control: greenlet's switching rules (S1-S6, D1-D3, T6-T9, X1-X2).</summary>
internal sealed partial class GreenletCore
{
    private bool _keepThread;

    /// <summary>Gets the running core of this thread, creating the thread's main greenlet, and runs deferred kills.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GreenletCore Ensure()
    {
        GreenletCore cur = current ?? CreateMain();
        if (cur.Tree!.HasDoomed)
        {
            cur.Tree.DrainDoomed();
        }

        return cur;
    }

    /// <summary>Transfers control from the running greenlet to <paramref name="target"/> and returns what comes back.</summary>
    /// <param name="target">The greenlet to switch to.</param>
    /// <param name="value">The value to deliver (when <paramref name="error"/> is null).</param>
    /// <param name="error">The exception to deliver, or null.</param>
    /// <param name="traceEvent">The event the tracer sees.</param>
    /// <param name="exitValue">The value is a <see cref="GreenletExit"/> standing in for a death: a pending receiver starts with null.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static object? Switch(Greenlet target, object? value, ExceptionDispatchInfo? error, GreenletTraceEvent traceEvent, bool exitValue = false)
    {
        GreenletCore cur = Ensure();
        TreeState? targetTree = TreeOf(target);
        if (targetTree != cur.Tree)
        {
            throw ForeignTree(targetTree);
        }

        return Deliver(cur, cur.Strong!, target, value, error, traceEvent, exitValue, dying: false);
    }

    /// <summary>The error for a switch into a tree that is not the caller's.</summary>
    public static GreenletError ForeignTree(TreeState? tree) => tree switch
    {
        null => new GreenletError("cannot switch to a garbage collected greenlet"),
        { IsExited: true } => new GreenletError("cannot switch to a different thread (which happens to have exited)"),
        _ => new GreenletError($"cannot switch to a different thread (the target belongs to thread {tree.Owner.ManagedThreadId}, the caller runs in thread {Environment.CurrentManagedThreadId})"),
    };

    private static GreenletCore CreateMain()
    {
        var tree = new TreeState(Thread.CurrentThread);
        var main = new Greenlet(tree);
        tree.Main = main;
        current = main.Core;
        return main.Core;
    }

    /// <summary>
    /// Delivers a value or an exception to <paramref name="target"/>, resolving dead targets to their first live ancestor,
    /// starting pending ones, and (unless <paramref name="dying"/>) parks the caller until control comes back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static object? Deliver(GreenletCore cur, Greenlet origin, Greenlet target, object? value, ExceptionDispatchInfo? error, GreenletTraceEvent traceEvent, bool exitValue, bool dying)
    {
        TreeState tree = cur.Tree!;
        while (true)
        {
            while (target.Core.State == GreenletState.Dead)
            {
                target = target.Core.Parent!;
            }

            GreenletCore tc = target.Core;
            if (tc == cur)
            {
                // S1: a switch to yourself returns the value at once; the tracer still sees it.
                Trace(tree, traceEvent, origin, target, ref value, ref error);
                error?.Throw();
                return value;
            }

            Fiber? fresh = null;
            if (tc.State == GreenletState.Pending)
            {
                // The start commits the greenlet to this tree under the parent lock: a pending greenlet's tree is its
                // parent chain's, which another thread may change until the commit (then the setter refuses foreign
                // parents), so the check and the commit must be one step.
                Exception? failure = null;
                TreeState? targetTree;
                lock (ParentLock)
                {
                    targetTree = TreeOf(target);
                    if (targetTree == tree && target.HasRun)
                    {
                        tc.Tree = tree;
                    }
                }

                if (targetTree != tree)
                {
                    failure = ForeignTree(targetTree);
                }
                else if (!target.HasRun)
                {
                    failure = Greenlet.MissingRun();
                }
                else if (error is null)
                {
                    try
                    {
                        fresh = RentFiber();
                    }
                    catch (InvalidOperationException e)
                    {
                        // Nothing ran: the greenlet stays pending and free to be re-parented anywhere.
                        lock (ParentLock)
                        {
                            tc.Tree = null;
                        }

                        failure = e;
                    }
                }

                if (failure is not null)
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
                    target = tc.Parent!;
                    continue;
                }

                if (fresh is null)
                {
                    // T8: an exception into a greenlet that never ran: it dies without running, and the exception
                    // (a GreenletExit as a value) goes on to its parent.
                    Trace(tree, traceEvent, origin, target, ref value, ref error);
                    tc.State = GreenletState.Dead;
                    target.DropRun();
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
                    target = tc.Parent!;
                    continue;
                }

                tc.Fiber = fresh;
                tree.AddLive(tc);
                if (exitValue)
                {
                    // A death by GreenletExit starts a pending receiver with no value, as greenlet does.
                    value = null;
                }
            }

            tc.Accept(target, value, error, origin, traceEvent);
            tree.Switches++;

            // The switcher's own gate tells the target's how to hand off (hot pair, CPU placement); taken before a dying
            // greenlet gives its fiber back, as the fiber's next wait (in the pool) follows from this handoff too.
            HandoffGate from = cur.Gate;
            if (dying)
            {
                cur._keepThread = FiberPool.Shared.Return(cur.Fiber!);
                cur.Fiber = null;
            }
            else
            {
                cur.State = GreenletState.Suspended;
                if (!cur.IsMain)
                {
                    cur.Strong = null;
                }
            }

            // Drop every reference to greenlets before parking: a suspended fiber must not keep them reachable.
            value = null;
            error = null;
            origin = null!;
            target = null!;
            if (fresh is not null)
            {
                fresh.Start(tc, from);
            }
            else
            {
                tc.Gate.Signal(from);
            }

            if (dying)
            {
                return null;
            }

            cur.Gate.Wait();
            return cur.Receive();
        }
    }

    /// <summary>Runs the greenlet's body on its fiber, then dies and hands control to its parent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Live()
    {
        object? result = null;
        ExceptionDispatchInfo? error = null;
        try
        {
            result = Begin();
        }
        catch (Exception e)
        {
            error = ExceptionDispatchInfo.Capture(e);
        }

        Die(result, error);
        return _keepThread;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private object? Begin()
    {
        object? argument = Receive();
        NameThread(Strong!);
        return Greenlet.InvokeRun(Strong!, argument);
    }

    /// <summary>Names the fiber thread after its greenlet (<c>Greenlet: name</c>), for debuggers and <c>dotnet-stack</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void NameThread(Greenlet greenlet)
    {
        string name = "Greenlet: " + greenlet.Name;
        Thread thread = Thread.CurrentThread;
        if (thread.Name != name)
        {
            thread.Name = name;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void Die(object? result, ExceptionDispatchInfo? error)
    {
        Greenlet origin = Strong!;
        State = GreenletState.Dead;
        Strong = null;
        Tree!.RemoveLive(this);
        GreenletTraceEvent traceEvent = GreenletTraceEvent.Switch;
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
            traceEvent = GreenletTraceEvent.Throw;
        }

        Deliver(this, origin, Parent!, result, error, traceEvent, exitValue, dying: true);
    }
}
