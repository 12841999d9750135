namespace Greenlets;

/// <summary>Raised when a get gave up because the queue stayed empty for its timeout: gevent's <c>queue.Empty</c>.</summary>
/// <remarks>A <see cref="GreenTimeoutException"/>, so code that catches the timeout of any cooperative wait still does.</remarks>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public class GreenQueueEmptyException : GreenTimeoutException
{
    /// <summary>Creates the exception with the default message.</summary>
    public GreenQueueEmptyException()
        : base("The queue is empty.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public GreenQueueEmptyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public GreenQueueEmptyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
