namespace Greenlets;

/// <summary>The <see cref="CancellationToken"/> overloads (the rule: <see cref="Hub"/>'s token overloads).</summary>
public sealed partial class GreenResult<T>
{
    /// <summary>Waits cooperatively until the result is set, the timeout passes (false) or the token is cancelled (throws).</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>Whether the result is ready.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The result belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public bool Wait(TimeSpan? timeout, CancellationToken cancellationToken) => WaitReady(timeout, cancellationToken);

    /// <summary>Waits for the result and returns the value, or throws when <paramref name="cancellationToken"/> is cancelled first.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first (checked before anything, even when ready).</exception>
    /// <exception cref="GreenletError">The result belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="Exception">The exception that was set.</exception>
    public T Get(CancellationToken cancellationToken) => GetCore(null, cancellationToken);

    /// <summary>Waits for the result and returns the value; the timeout throws <see cref="GreenTimeoutException"/>, the
    /// token <see cref="OperationCanceledException"/>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The result belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="Exception">The exception that was set.</exception>
    public T Get(TimeSpan? timeout, CancellationToken cancellationToken) => GetCore(timeout, cancellationToken);
}
