namespace Greenlets;

/// <summary>The kind of a traced transfer of control; an open set, so tracers ignore kinds they do not know.</summary>
public enum GreenletTraceEvent
{
    /// <summary>A value was delivered to the target (a switch, a return to a parent, a start).</summary>
    Switch,

    /// <summary>An exception was delivered to the target (a throw, or an error travelling to a parent).</summary>
    Throw,
}
