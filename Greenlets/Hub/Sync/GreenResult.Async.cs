using Greenlets.Internal;

namespace Greenlets;

public sealed partial class GreenResult<T>
{
    /// <summary>Waits cooperatively for the result from async greenlet code and returns the value, or rethrows the
    /// exception that was set.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>The value.</returns>
    /// <remarks>The same rules as <see cref="Get(TimeSpan?)"/>, on the caller's <see cref="AsyncHub"/>; a ready result
    /// completes at once. From thread greenlet code it waits on the thread's <see cref="Hub"/>.</remarks>
    /// <exception cref="GreenTimeoutException">The timeout passed first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The result belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever set the result.</exception>
    /// <exception cref="Exception">The exception that was set, with its original stack trace.</exception>
    public ValueTask<T> GetAsync(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenResult.GetAsync");
        return _isReady ? Ready() : GetSlowAsync(timeout);
    }

    /// <summary>Waits cooperatively from async greenlet code until the result is set; true when it is, false when the
    /// timeout passed first.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>Whether the result is ready.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The result belongs to another hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever set the result.</exception>
    public ValueTask<bool> WaitAsync(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.EnterEither("GreenResult.WaitAsync");
        return _isReady ? ReadyAfterNotifier() : WaitCoreAsync(timeout, "GreenResult.WaitAsync");
    }

    private ValueTask<T> Ready()
    {
        try
        {
            return new ValueTask<T>(Outcome());
        }
        catch (Exception e)
        {
            return ValueTask.FromException<T>(e);
        }
    }

    private async ValueTask<bool> ReadyAfterNotifier()
    {
        // gevent: ready, but the wake-up of the earlier waiters is still pending: they run first.
        await _waiters.WaitForNotifierAsync("GreenResult.WaitAsync");
        return true;
    }

    private async ValueTask<T> GetSlowAsync(TimeSpan? timeout)
    {
        if (!await WaitCoreAsync(timeout, "GreenResult.GetAsync"))
        {
            throw new GreenTimeoutException($"The result was not set within {timeout}.");
        }

        return Outcome();
    }

    private async ValueTask<bool> WaitCoreAsync(TimeSpan? timeout, string what)
    {
        if (LinkUnlessReady(HubWaiter.BeginEither(what)) is { } waiter)
        {
            await _waiters.BlockAsync(waiter, timeout);
        }

        return _isReady;
    }
}
