namespace Greenlets;

/// <summary>The <see cref="CancellationToken"/> overloads (the rule: <see cref="Hub"/>'s token overloads).</summary>
public sealed partial class GreenSemaphore
{
    /// <summary>Takes a permit, waiting cooperatively until one is free or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; no permit is taken.</param>
    /// <returns>True (a permit was taken).</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first (checked before anything, even with a free permit).</exception>
    /// <exception cref="GreenletError">The semaphore belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while no permit is free.</exception>
    public bool Acquire(CancellationToken cancellationToken) => AcquireCore(null, cancellationToken);

    /// <summary>Takes a permit; false when the timeout passes first, <see cref="OperationCanceledException"/> when the token is cancelled.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; no permit is taken.</param>
    /// <returns>True when a permit was taken; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The semaphore belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while no permit is free.</exception>
    public bool Acquire(TimeSpan? timeout, CancellationToken cancellationToken) => AcquireCore(timeout, cancellationToken);
}
