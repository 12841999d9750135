namespace Greenlets;

/// <summary>The timed <c>Try*</c> members: a bool for "full", "empty" and "completed", never an exception for them.</summary>
public sealed partial class GreenQueue<T>
{
    /// <summary>Puts an item, waiting cooperatively up to <paramref name="timeout"/> for room (for a channel: for a getter).</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">The longest wait; <see cref="TimeSpan.Zero"/> is <see cref="TryPut(T)"/>, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>True when the item was put; false when the queue stayed full, or is completed (<see cref="IsCompleted"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue is bounded and belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is full.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever take an item.</exception>
    public bool TryPut(T item, TimeSpan timeout) => PutOrFail(item, timeout, default) == Outcome.Done;

    /// <summary>Puts an item as <see cref="TryPut(T, TimeSpan)"/> does, or throws when <paramref name="cancellationToken"/> is cancelled first.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is not put.</param>
    /// <returns>True when the item was put; false when the queue stayed full or is completed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The queue is bounded and belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is full.</exception>
    public bool TryPut(T item, TimeSpan timeout, CancellationToken cancellationToken) => PutOrFail(item, timeout, cancellationToken) == Outcome.Done;

    /// <summary>Takes the first item, waiting cooperatively up to <paramref name="timeout"/> while the queue is empty.</summary>
    /// <param name="item">The item, or the default when none was taken.</param>
    /// <param name="timeout">The longest wait; <see cref="TimeSpan.Zero"/> is <see cref="TryGet(out T)"/>, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>True when an item was taken; false when the queue stayed empty, or is completed and drained
    /// (<see cref="IsCompleted"/> tells the two apart).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is empty.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever put an item.</exception>
    public bool TryGet(out T item, TimeSpan timeout) => GetOrFail(out item, timeout, default) == Outcome.Done;

    /// <summary>Takes the first item as <see cref="TryGet(out T, TimeSpan)"/> does, or throws when <paramref name="cancellationToken"/> is cancelled first.</summary>
    /// <param name="item">The item, or the default when none was taken.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is taken.</param>
    /// <returns>True when an item was taken; false when the queue stayed empty, or is completed and drained.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The queue belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is empty.</exception>
    public bool TryGet(out T item, TimeSpan timeout, CancellationToken cancellationToken) => GetOrFail(out item, timeout, cancellationToken) == Outcome.Done;
}
