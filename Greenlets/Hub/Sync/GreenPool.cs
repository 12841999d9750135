namespace Greenlets;

/// <summary>A group limited to a number of unfinished tasks: gevent's <c>Pool</c>.</summary>
/// <remarks><see cref="GreenGroup.Spawn(Action)"/> and <see cref="GreenGroup.Add(GreenTask)"/> wait cooperatively for a free slot
/// (FIFO). A slot frees when the finished task's link notifier runs (as in gevent: a task killed before it ran still
/// counts until the hub runs). A pool of size 0 never has one. Use a pool from one tree only.</remarks>
public sealed partial class GreenPool : GreenGroup
{
    private readonly GreenSemaphore _slots;

    /// <summary>Creates a pool.</summary>
    /// <param name="size">The most unfinished tasks at once.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public GreenPool(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Size = size;
        _slots = new GreenSemaphore(size);
    }

    /// <summary>Gets the most unfinished tasks at once.</summary>
    public int Size { get; }

    /// <summary>Gets the number of free slots.</summary>
    public int FreeCount => Math.Max(0, Size - Count);

    /// <summary>Waits cooperatively until a slot is free, without taking it.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>True when a slot is free; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The pool belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the pool is full.</exception>
    /// <exception cref="HubLoopExitException">No slot could ever be freed.</exception>
    public bool WaitAvailable(TimeSpan? timeout = null)
    {
        Internal.HubTimeouts.Check(timeout, nameof(timeout));
        Binding.Enter("GreenPool.WaitAvailable");

        // gevent's Semaphore.wait: woken with the acquirers, in order, while a slot is free; it takes nothing.
        return _slots.WaitAvailable(timeout, "GreenPool.WaitAvailable");
    }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal override string DebuggerDisplay => $"GreenPool Count={Count} FreeCount={FreeCount} Size={Size}";

    internal override void AcquireSlot() => _slots.Acquire();

    internal override void ReleaseSlot() => _slots.Release();
}
