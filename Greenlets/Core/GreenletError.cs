namespace Greenlets;

/// <summary>Python's <c>greenlet.error</c>: a switch that is not allowed, such as into another thread's tree.</summary>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public class GreenletError : Exception
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"{GetType().Name}: {Message}";

    /// <summary>Creates the error with a default message.</summary>
    public GreenletError()
        : base("Invalid greenlet switch.")
    {
    }

    /// <summary>Creates the error with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public GreenletError(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a message and an inner exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying exception.</param>
    public GreenletError(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
