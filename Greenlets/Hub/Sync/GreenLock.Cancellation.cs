namespace Greenlets;

/// <summary>The <see cref="CancellationToken"/> overloads (the rule: <see cref="Hub"/>'s token overloads).</summary>
public sealed partial class GreenLock
{
    /// <summary>Takes the lock, waiting cooperatively until it is free or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the lock is not taken.</param>
    /// <returns>True (the lock was taken).</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first (checked before anything, even when the lock is free).</exception>
    /// <exception cref="GreenletError">The lock belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while another greenlet holds the lock.</exception>
    public bool Acquire(CancellationToken cancellationToken) => AcquireCore(null, cancellationToken);

    /// <summary>Takes the lock; false when the timeout passes first, <see cref="OperationCanceledException"/> when the token is cancelled.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the lock is not taken.</param>
    /// <returns>True when the lock was taken; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The lock belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while another greenlet holds the lock.</exception>
    public bool Acquire(TimeSpan? timeout, CancellationToken cancellationToken) => AcquireCore(timeout, cancellationToken);
}
