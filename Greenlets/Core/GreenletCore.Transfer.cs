using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Rules = Greenlets.Internal.SwitchRules<Greenlets.Internal.GreenletCore.Backend, Greenlets.Greenlet, Greenlets.Internal.TreeState>;

namespace Greenlets.Internal;

/// <summary>The transfer of control on fiber threads: the shared <see cref="SwitchRules{TBackend, TGreenlet, TTree}"/>
/// decide who receives control and what; this file hands it over through the fibers' gates.</summary>
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
        TreeState tree = cur.Tree!;
        Rules.CheckTree(tree, target);
        Greenlet origin = cur.Strong!;
        Greenlet? receiver = Rules.Transfer(tree, origin, ref origin, target, ref value, ref error, ref traceEvent, exitValue, dying: false);
        if (receiver is null)
        {
            // S1: the caller itself.
            error?.Throw();
            return value;
        }

        HandOver(cur, receiver, value, error, origin, traceEvent, dying: false);

        // Drop every reference to greenlets before parking: a suspended fiber must not keep them reachable (the rules
        // took some of these locals by reference, so the JIT reports them for the whole method unless cleared).
        target = null!;
        origin = null!;
        receiver = null;
        value = null;
        error = null;
        cur.Gate.Wait();
        return cur.Receive();
    }

    private static GreenletCore CreateMain()
    {
        var tree = new TreeState(Thread.CurrentThread);
        var main = new Greenlet(tree);
        tree.Main = main;
        current = main.Core;
        return main.Core;
    }

    /// <summary>
    /// Hands control from <paramref name="cur"/> to <paramref name="receiver"/> (suspended, or pending with its fiber
    /// rented) as the rules resolved it; the caller then parks on its gate, unless it is dying.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HandOver(GreenletCore cur, Greenlet receiver, object? value, ExceptionDispatchInfo? error, Greenlet origin, GreenletTraceEvent traceEvent, bool dying)
    {
        GreenletCore tc = receiver.Core;
        bool starting = tc.RawState == GreenletState.Pending;
        tc.Accept(receiver, value, error, origin, traceEvent);
        cur.Tree!.Switches++;

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
            cur.RawState = GreenletState.Suspended;
            if (!cur.IsMain)
            {
                cur.Strong = null;
            }
        }

        if (starting)
        {
            tc.Fiber!.Start(tc, from);
        }
        else
        {
            tc.Gate.Signal(from);
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
        Greenlet receiver = Rules.Die(Tree!, Strong!, ref result, ref error, out GreenletTraceEvent traceEvent, out Greenlet origin);
        HandOver(this, receiver, result, error, origin, traceEvent, dying: true);
    }
}
