namespace Greenlets;

/// <summary>A per-thread callback told of every transfer of control between greenlets of one tree.</summary>
/// <param name="traceEvent">What was delivered: a value (<see cref="GreenletTraceEvent.Switch"/>) or an exception.</param>
/// <param name="origin">The greenlet that gave up control.</param>
/// <param name="target">The greenlet that receives control; it is <see cref="Greenlet.Current"/> during the call.</param>
/// <remarks>
/// The tracer runs in the target's context after the transfer. If it throws, tracing is removed for the
/// tree and the exception is delivered to the target as if by <see cref="Greenlet.Throw(Exception?)"/>.
/// </remarks>
public delegate void GreenletTracer(GreenletTraceEvent traceEvent, Greenlet origin, Greenlet target);
