using Greenlets.Internal;

namespace Greenlets;

public sealed partial class GreenEvent
{
    /// <summary>Waits cooperatively until the flag is set, from async greenlet code; completes at once if it is.</summary>
    /// <param name="timeout">The longest wait, or null (or <see cref="Timeout.InfiniteTimeSpan"/>) for no limit.</param>
    /// <returns>True when the flag was set; false when the timeout passed first.</returns>
    /// <remarks>The same rules as <see cref="Wait(TimeSpan?)"/>, on the caller's <see cref="AsyncHub"/>. From thread
    /// greenlet code it waits on the thread's <see cref="Hub"/> and the task is complete when it returns.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The event belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever set the flag (thrown into the main greenlet).</exception>
    public ValueTask<bool> WaitAsync(TimeSpan? timeout = null) => WaitAsync(timeout, "GreenEvent.WaitAsync");

    /// <summary>Waits as <see cref="WaitAsync(TimeSpan?)"/>, named <paramref name="what"/> for diagnostics.</summary>
    internal ValueTask<bool> WaitAsync(TimeSpan? timeout, string what)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenEvent.WaitAsync");
        if (_isSet)
        {
            return SetAfterNotifier(_waiters.WaitForNotifierAsync(what));
        }

        return LinkUnlessSet(HubWaiter.BeginEither(what)) is { } waiter ? _waiters.BlockAsync(waiter, timeout) : new ValueTask<bool>(true);
    }

    private static async ValueTask<bool> SetAfterNotifier(ValueTask notifier)
    {
        await notifier;
        return true;
    }
}
