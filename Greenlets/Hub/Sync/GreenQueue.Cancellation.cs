namespace Greenlets;

/// <summary>The <see cref="CancellationToken"/> overloads (the rule: <see cref="Hub"/>'s token overloads).</summary>
public sealed partial class GreenQueue<T>
{
    /// <summary>Puts an item, waiting cooperatively while the queue is full, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is not put.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled first (checked before anything, even with room).</exception>
    /// <exception cref="GreenQueueCompletedException"><see cref="Complete"/> was called.</exception>
    /// <exception cref="GreenletError">The queue is bounded and belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is full.</exception>
    public void Put(T item, CancellationToken cancellationToken) => PutCore(item, null, cancellationToken);

    /// <summary>Puts an item; the timeout throws <see cref="GreenTimeoutException"/>, the token <see cref="OperationCanceledException"/>.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is not put.</param>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed full.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenQueueCompletedException"><see cref="Complete"/> was called.</exception>
    /// <exception cref="GreenletError">The queue is bounded and belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is full.</exception>
    public void Put(T item, TimeSpan? timeout, CancellationToken cancellationToken) => PutCore(item, timeout, cancellationToken);

    /// <summary>Takes the first item, waiting cooperatively while the queue is empty, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is taken.</param>
    /// <returns>The item.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first (checked before anything, even with items).</exception>
    /// <exception cref="GreenQueueCompletedException">The queue is completed and drained.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is empty.</exception>
    public T Get(CancellationToken cancellationToken) => GetCore(null, cancellationToken);

    /// <summary>Takes the first item; the timeout throws <see cref="GreenTimeoutException"/>, the token <see cref="OperationCanceledException"/>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is taken.</param>
    /// <returns>The item.</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenQueueCompletedException">The queue is completed and drained.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is empty.</exception>
    public T Get(TimeSpan? timeout, CancellationToken cancellationToken) => GetCore(timeout, cancellationToken);

    /// <summary>Waits until every item put has been marked done, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>True (no unfinished item is left).</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public bool Join(CancellationToken cancellationToken) => JoinCore(null, cancellationToken);

    /// <summary>Waits until every item put has been marked done; false when the timeout passes, throws when the token is cancelled.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>True when no unfinished item is left; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public bool Join(TimeSpan? timeout, CancellationToken cancellationToken) => JoinCore(timeout, cancellationToken);
}
