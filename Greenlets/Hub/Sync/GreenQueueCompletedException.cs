namespace Greenlets;

/// <summary>Raised by a put on a completed <see cref="GreenQueue{T}"/>, or by a get once it is completed and drained.</summary>
/// <remarks>An <see cref="InvalidOperationException"/>, as .NET's <c>ChannelClosedException</c> is: the queue will never
/// take or give an item again, so waiting longer cannot help.</remarks>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public class GreenQueueCompletedException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public GreenQueueCompletedException()
        : base("The queue is completed: no more items will be put.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public GreenQueueCompletedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public GreenQueueCompletedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"{GetType().Name}: {Message}";
}
