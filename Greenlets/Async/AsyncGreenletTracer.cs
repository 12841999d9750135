namespace Greenlets;

/// <summary>Observes a transfer of control between async greenlets of one tree; see <see cref="AsyncGreenlet.SetTrace(AsyncGreenletTracer?)"/>.</summary>
/// <param name="traceEvent">The kind of transfer; callers ignore kinds they do not know.</param>
/// <param name="origin">The greenlet control leaves.</param>
/// <param name="target">The greenlet control goes to (a dead target already resolved to its live ancestor).</param>
public delegate void AsyncGreenletTracer(GreenletTraceEvent traceEvent, AsyncGreenlet origin, AsyncGreenlet target);
