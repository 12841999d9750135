namespace Greenlets;

/// <summary>Thrown into the main greenlet when it waits and nothing could ever wake it: "this operation would block forever".</summary>
/// <remarks>gevent's <c>LoopExit</c>. It is a deadlock report: every greenlet waits on something that nothing left can
/// set. <see cref="Waiting"/> lists what still waits. The hub stays usable afterwards.</remarks>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public class HubLoopExitException : Exception
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"{GetType().Name}: {Message}";

    /// <summary>Creates the exception with the default message.</summary>
    public HubLoopExitException()
        : this("This operation would block forever.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public HubLoopExitException(string message)
        : base(message)
    {
        Waiting = [];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public HubLoopExitException(string message, Exception innerException)
        : base(message, innerException)
    {
        Waiting = [];
    }

    /// <summary>Creates the exception with a message and what still waits.</summary>
    /// <param name="message">The message.</param>
    /// <param name="waiting">One line per waiting greenlet: the greenlet and what it waits in.</param>
    public HubLoopExitException(string message, IReadOnlyList<string> waiting)
        : base(message)
    {
        Waiting = waiting ?? [];
    }

    /// <summary>Gets one line per greenlet still waiting when the loop ran dry, e.g. <c>&lt;GreenTask "t1" suspended&gt; in GreenEvent.Wait</c>.</summary>
    public IReadOnlyList<string> Waiting { get; }
}
