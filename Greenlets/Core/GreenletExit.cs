namespace Greenlets;

/// <summary>The kill signal: thrown into a greenlet to end it; escaping <c>Run</c> it is not an error.</summary>
/// <remarks>
/// <para>A <see cref="GreenletExit"/> (or a subclass) that escapes a greenlet's <c>Run</c> is not propagated as an
/// error: the exception object is delivered to the parent as the value of its pending switch.</para>
/// <para>Unlike Python, where <c>GreenletExit</c> derives from <c>BaseException</c>, .NET has a single exception root,
/// so <c>catch (Exception)</c> also catches it. Filter it out with <c>catch (Exception e) when (e is not GreenletExit)</c>.</para>
/// </remarks>
[System.Diagnostics.DebuggerDisplay("{DebuggerDisplay,nq}")]
public class GreenletExit : Exception
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"{GetType().Name}: {Message}";

    /// <summary>Creates a kill signal with the default message.</summary>
    public GreenletExit()
        : base("The greenlet was killed.")
    {
    }

    /// <summary>Creates a kill signal with a message.</summary>
    /// <param name="message">The reason for the kill.</param>
    public GreenletExit(string message)
        : base(message)
    {
    }

    /// <summary>Creates a kill signal with a message and an inner exception.</summary>
    /// <param name="message">The reason for the kill.</param>
    /// <param name="innerException">The exception that caused the kill.</param>
    public GreenletExit(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
