namespace Greenlets;

/// <summary>The <see cref="CancellationToken"/> overloads (the rule: <see cref="Hub"/>'s token overloads).</summary>
public sealed partial class GreenEvent
{
    /// <summary>Waits cooperatively until the flag is set, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>True (the flag was set).</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the flag was set (checked first, even when it is set).</exception>
    /// <exception cref="GreenletError">The event belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public bool Wait(CancellationToken cancellationToken) => Wait(null, "GreenEvent.Wait", cancellationToken);

    /// <summary>Waits cooperatively until the flag is set, the timeout passes (false) or the token is cancelled (throws).</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>True when the flag was set; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The event belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public bool Wait(TimeSpan? timeout, CancellationToken cancellationToken) => Wait(timeout, "GreenEvent.Wait", cancellationToken);
}
