namespace Greenlets;

/// <summary>The <see cref="CancellationToken"/> overloads (the rule: <see cref="Hub"/>'s token overloads).</summary>
public partial class GreenTask
{
    /// <summary>Waits until the task finishes, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the task goes on.</param>
    /// <returns>True (the task is ready).</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first (checked before anything, even when ready).</exception>
    /// <exception cref="GreenletError">The task belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    public bool Join(CancellationToken cancellationToken) => JoinChecked(null, cancellationToken);

    /// <summary>Waits until the task finishes; false when the timeout passes first, throws when the token is cancelled.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the task goes on.</param>
    /// <returns>Whether the task is ready.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The task belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    public bool Join(TimeSpan? timeout, CancellationToken cancellationToken) => JoinChecked(timeout, cancellationToken);

    /// <summary>Waits for the task and returns its value, or throws when <paramref name="cancellationToken"/> is cancelled first.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the task goes on.</param>
    /// <returns>The value.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The task belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="Exception">The task's own failure.</exception>
    public object? Get(CancellationToken cancellationToken) => GetChecked(null, cancellationToken);

    /// <summary>Waits for the task and returns its value; the timeout throws <see cref="GreenTimeoutException"/>, the
    /// token <see cref="OperationCanceledException"/>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the task goes on.</param>
    /// <returns>The value.</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The task belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="Exception">The task's own failure.</exception>
    public object? Get(TimeSpan? timeout, CancellationToken cancellationToken) => GetChecked(timeout, cancellationToken);
}
