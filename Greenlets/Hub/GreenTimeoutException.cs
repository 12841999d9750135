using System.Globalization;

namespace Greenlets;

/// <summary>Raised when a <see cref="GreenTimeout"/> expires, or a cooperative wait with a timeout gives up: gevent's <c>Timeout</c>.</summary>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public class GreenTimeoutException : TimeoutException
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"{GetType().Name}: {Message}";

    /// <summary>Creates the exception with the default message.</summary>
    public GreenTimeoutException()
        : base("The cooperative operation timed out.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public GreenTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public GreenTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal GreenTimeoutException(GreenTimeout source)
        : base(string.Create(CultureInfo.InvariantCulture, $"{source.Duration.TotalSeconds:0.###} seconds"))
    {
        Timeout = source;
    }

    /// <summary>Gets the <see cref="GreenTimeout"/> that raised this exception, or null; nested timeouts check
    /// <c>e.Timeout == myTimeout</c> to tell their own expiry from an outer one.</summary>
    public GreenTimeout? Timeout { get; }
}
