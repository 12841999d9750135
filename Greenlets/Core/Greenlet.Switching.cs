using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Greenlets.Internal;
using Rules = Greenlets.Internal.SwitchRules<Greenlets.Internal.GreenletCore.Backend, Greenlets.Greenlet, Greenlets.Internal.TreeState>;

namespace Greenlets;

public partial class Greenlet
{
    /// <summary>Hands control to this greenlet, delivering <paramref name="value"/>; returns what is switched back.</summary>
    /// <param name="value">The value: the argument of <c>Run</c> on the first switch, else the result of this greenlet's pending switch.</param>
    /// <returns>The value delivered when control comes back to the caller.</returns>
    /// <remarks>
    /// <para>The precise rules, as in Python's greenlet:</para>
    /// <list type="bullet">
    /// <item>The first switch into a pending greenlet starts <c>Run(value)</c>; later switches resume it, and its pending
    /// <see cref="Switch(object?)"/> returns <paramref name="value"/>. <c>Switch()</c> delivers <see langword="null"/>.</item>
    /// <item>Switching to the running greenlet returns <paramref name="value"/> at once (S1).</item>
    /// <item>Switching to a dead greenlet goes to its first live ancestor; a pending ancestor is started with the value (S2, S3).</item>
    /// <item>When <c>Run</c> returns, its value goes to the parent (D1, D2). An exception escaping <c>Run</c> is rethrown in
    /// the parent with its original stack trace, and on up the chain while uncaught (E1, E2). An escaping
    /// <see cref="GreenletExit"/> is delivered to the parent as a value (X1).</item>
    /// <item>Only greenlets of the caller's own thread tree can be switched to (TH1, TH2).</item>
    /// </list>
    /// </remarks>
    /// <exception cref="GreenletError">The greenlet belongs to another thread's tree, or to that of a thread that has exited.</exception>
    /// <exception cref="InvalidOperationException">The greenlet has no body to start, or the cap on fiber threads is reached; it stays pending.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public object? Switch(object? value = null) =>
        GreenletCore.Switch(this, value, error: null, GreenletTraceEvent.Switch);

    /// <summary>Raises <paramref name="exception"/> in this greenlet at its pending switch; returns what is switched back.</summary>
    /// <param name="exception">The exception, or null for a new <see cref="GreenletExit"/> (a kill).</param>
    /// <returns>The value delivered when control comes back to the caller.</returns>
    /// <remarks>
    /// <para>Into a suspended greenlet the exception is raised where it waits (T6); uncaught, it kills the greenlet and
    /// goes to the parent (T7). Into a pending greenlet <c>Run</c> never runs: it dies at once and the exception goes to
    /// its parent (T8). Into a dead greenlet a <see cref="GreenletExit"/> becomes a plain value and any other exception
    /// is raised in the first live ancestor (T9). <c>Current.Throw(e)</c> raises <paramref name="exception"/> at once (T12).</para>
    /// </remarks>
    /// <exception cref="GreenletError">The greenlet belongs to another thread's tree, or to that of a thread that has exited.</exception>
    /// <exception cref="InvalidOperationException">The greenlet is pending and has no body.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public object? Throw(Exception? exception = null)
    {
        exception = Rules.ThrownOrKill(exception);
        return Rules.ThrowsAsValue(this, exception)
            ? GreenletCore.Switch(this, exception, error: null, GreenletTraceEvent.Switch, exitValue: true)
            : GreenletCore.Switch(this, value: null, ExceptionDispatchInfo.Capture(exception), GreenletTraceEvent.Throw);
    }

    /// <summary>Sets this thread's tracer and returns the previous one.</summary>
    /// <param name="tracer">The tracer, or null to stop tracing.</param>
    /// <returns>The tracer that was set before, or null.</returns>
    /// <remarks>Tracers are per thread tree: a new thread starts without one (TH6).</remarks>
    public static GreenletTracer? SetTrace(GreenletTracer? tracer)
    {
        TreeState tree = GreenletCore.Ensure().Tree!;
        GreenletTracer? previous = tree.Tracer;
        tree.Tracer = tracer;
        return previous;
    }

    /// <summary>Gets this thread's tracer, or null.</summary>
    /// <returns>The tracer set by <see cref="SetTrace(GreenletTracer?)"/>, or null.</returns>
    public static GreenletTracer? GetTrace() => GreenletCore.Ensure().Tree!.Tracer;
}
