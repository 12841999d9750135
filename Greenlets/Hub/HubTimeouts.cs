namespace Greenlets.Internal;

/// <summary>.NET's timeout convention for every timeout and delay of the hub layer, checked before anything changes:
/// <see cref="Timeout.InfiniteTimeSpan"/> (and -1 ms) means forever, zero or more is a limit, any other negative value
/// throws <see cref="ArgumentOutOfRangeException"/>. A null <see cref="TimeSpan"/>? also means forever.</summary>
internal static class HubTimeouts
{
    /// <summary>Checks an optional timeout; returns it unchanged.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative value other than <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public static TimeSpan? Check(TimeSpan? timeout, string paramName)
    {
        if (timeout is { } span)
        {
            Check(span, paramName);
        }

        return timeout;
    }

    /// <summary>Checks a timeout or delay; returns it unchanged.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative value other than <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public static TimeSpan Check(TimeSpan timeout, string paramName)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "The timeout must be Timeout.InfiniteTimeSpan (forever), or zero or more.");
        }

        return timeout;
    }

    /// <summary>Converts milliseconds, -1 (<see cref="Timeout.Infinite"/>) meaning forever.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative value other than -1.</exception>
    public static TimeSpan FromMilliseconds(int milliseconds, string paramName)
    {
        if (milliseconds == Timeout.Infinite)
        {
            return Timeout.InfiniteTimeSpan;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, paramName);
        return TimeSpan.FromMilliseconds(milliseconds);
    }

    /// <summary>Gets whether <paramref name="timeout"/> means "wait forever".</summary>
    public static bool IsInfinite(TimeSpan? timeout) => timeout is null || timeout == Timeout.InfiniteTimeSpan;
}
