namespace Greenlets;

/// <summary>An exception nobody observes in an <see cref="AsyncHub"/>'s tree, such as a failed
/// <see cref="AsyncGreenTask"/> with no link, joiner or <see cref="AsyncGreenTask.AsTask"/>.</summary>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class AsyncGreenletExceptionEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="greenlet">The async greenlet the exception came from.</param>
    /// <param name="exception">The exception.</param>
    /// <exception cref="ArgumentNullException"><paramref name="greenlet"/> or <paramref name="exception"/> is null.</exception>
    public AsyncGreenletExceptionEventArgs(AsyncGreenlet greenlet, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(greenlet);
        ArgumentNullException.ThrowIfNull(exception);
        Greenlet = greenlet;
        Exception = exception;
    }

    /// <summary>Gets the async greenlet the exception came from.</summary>
    public AsyncGreenlet Greenlet { get; }

    /// <summary>Gets the exception.</summary>
    public Exception Exception { get; }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"{Greenlet.Name}: {Exception.GetType().Name}: {Exception.Message}";
}
