namespace Greenlets;

/// <summary>gevent's <c>with_timeout(seconds, function, timeout_value=...)</c>.</summary>
public sealed partial class Hub
{
    /// <summary>Runs <paramref name="function"/> under a <see cref="GreenTimeout"/>; its own expiry throws: gevent's
    /// <c>with_timeout</c> without a default.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="timeout">The time limit; <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="function">The function; it can only be interrupted while it waits cooperatively.</param>
    /// <returns>What <paramref name="function"/> returned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenTimeoutException">The time limit passed; its <see cref="GreenTimeoutException.Timeout"/> is the limit's.</exception>
    /// <exception cref="Exception">What <paramref name="function"/> throws.</exception>
    public static T WithTimeout<T>(TimeSpan timeout, Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        using var limit = new GreenTimeout(timeout);
        return function();
    }

    /// <summary>Runs <paramref name="function"/> under a <see cref="GreenTimeout"/> and returns
    /// <paramref name="timeoutValue"/> if that limit passes first: gevent's <c>with_timeout(..., timeout_value=v)</c>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="timeout">The time limit; <see cref="Timeout.InfiniteTimeSpan"/> for none.</param>
    /// <param name="function">The function; it can only be interrupted while it waits cooperatively.</param>
    /// <param name="timeoutValue">What to return when the limit passes.</param>
    /// <returns>What <paramref name="function"/> returned, or <paramref name="timeoutValue"/>.</returns>
    /// <remarks>Only this call's own limit turns into the value: an outer <see cref="GreenTimeout"/>, or a timeout of a
    /// wait inside <paramref name="function"/> that it lets escape, propagates as usual.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="Exception">What <paramref name="function"/> throws.</exception>
    public static T WithTimeout<T>(TimeSpan timeout, Func<T> function, T timeoutValue)
    {
        ArgumentNullException.ThrowIfNull(function);
        using var limit = new GreenTimeout(timeout);
        try
        {
            return function();
        }
        catch (GreenTimeoutException e) when (e.Timeout == limit)
        {
            return timeoutValue;
        }
    }
}
