using Greenlets.Internal;

namespace Greenlets;

public sealed partial class GreenQueue<T>
{
    /// <summary>Puts an item from async greenlet code, waiting cooperatively while the queue is full (for a channel:
    /// until a getter takes it).</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>A task that completes when the item is in (for a channel: taken).</returns>
    /// <remarks>The same rules as <see cref="Put(T, TimeSpan?)"/>, on the caller's <see cref="AsyncHub"/>. From thread greenlet code
    /// it waits on the thread's <see cref="Hub"/>.</remarks>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed full.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is full.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever take an item.</exception>
    public ValueTask PutAsync(T item, TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenQueue.PutAsync");
        if (BeginPut(item, timeout, async: true, out HubWaiter? waiter) is { } outcome)
        {
            ThrowUnlessDone(outcome, timeout, put: true);
            return default;
        }

        return ParkPutAsync(waiter!, timeout);
    }

    /// <summary>Takes the first item from async greenlet code, waiting cooperatively while the queue is empty.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>The item.</returns>
    /// <remarks>The same rules as <see cref="Get(TimeSpan?)"/>, on the caller's <see cref="AsyncHub"/>.</remarks>
    /// <exception cref="GreenTimeoutException">The timeout passed while the queue stayed empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while the queue is empty.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever put an item.</exception>
    public ValueTask<T> GetAsync(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenQueue.GetAsync");
        if (BeginGet(out T item, timeout, async: true, out HubWaiter? waiter) is { } outcome)
        {
            ThrowUnlessDone(outcome, timeout, put: false);
            return new ValueTask<T>(item);
        }

        return ParkGetAsync(waiter!, timeout);
    }

    /// <summary>Waits cooperatively from async greenlet code until every item put has been marked done with
    /// <see cref="TaskDone"/>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>True when no unfinished item is left; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The queue belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the items.</exception>
    public ValueTask<bool> JoinAsync(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenQueue.JoinAsync");
        return _allDone.WaitAsync(timeout, "GreenQueue.JoinAsync");
    }

    private static async ValueTask ParkPutAsync(HubWaiter waiter, TimeSpan? timeout)
    {
        await waiter.ParkAsync(timeout);
        ThrowUnlessDone(EndPut(waiter, !waiter.TimedOut), timeout, put: true);
    }

    private async ValueTask<T> ParkGetAsync(HubWaiter waiter, TimeSpan? timeout)
    {
        await waiter.ParkAsync(timeout, giveBack: _giveBack);
        ThrowUnlessDone(EndGet(waiter, !waiter.TimedOut, out T item), timeout, put: false);
        return item;
    }
}
