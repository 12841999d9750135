namespace Greenlets;

/// <summary>Raised when a put gave up because the queue stayed full for its timeout: gevent's <c>queue.Full</c>.</summary>
/// <remarks>A <see cref="GreenTimeoutException"/>, so code that catches the timeout of any cooperative wait still does.</remarks>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public class GreenQueueFullException : GreenTimeoutException
{
    /// <summary>Creates the exception with the default message.</summary>
    public GreenQueueFullException()
        : base("The queue is full.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public GreenQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public GreenQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
