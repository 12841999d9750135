namespace Greenlets;

/// <summary>An exception that no greenlet could receive, such as one raised while a collected greenlet was killed.</summary>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class GreenletExceptionEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="greenlet">The greenlet the exception came from.</param>
    /// <param name="exception">The exception.</param>
    public GreenletExceptionEventArgs(Greenlet greenlet, Exception exception)
    {
        Greenlet = greenlet;
        Exception = exception;
    }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"{Greenlet.Name}: {Exception.GetType().Name}: {Exception.Message}";

    /// <summary>Gets the greenlet the exception came from.</summary>
    public Greenlet Greenlet { get; }

    /// <summary>Gets the exception.</summary>
    public Exception Exception { get; }
}
