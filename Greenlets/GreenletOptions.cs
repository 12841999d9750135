namespace Greenlets;

/// <summary>Process-wide settings of the thread fibers behind <see cref="Greenlet"/>.</summary>
/// <remarks>
/// Each started, unfinished greenlet owns one OS thread. Threads of finished greenlets are pooled and reused;
/// idle ones are trimmed. Change these settings at start-up, before greenlets run.
/// </remarks>
public static class GreenletOptions
{
    private static int maxThreads = DefaultMaxThreads();
    private static int stackSize = 256 * 1024;
    private static TimeSpan idleThreadTimeout = TimeSpan.FromSeconds(10);
    private static int maxIdleThreads = 64;

    /// <summary>Gets or sets the cap on live fiber threads (running, suspended or pooled).</summary>
    /// <remarks>
    /// Near 16,000 threads the .NET runtime aborts the whole process (the default <c>vm.max_map_count</c> of
    /// 65,530 maps, four per thread). The default is 12,000 or three quarters of what the map count allows, whichever
    /// is lower. Starting a greenlet past the cap throws <see cref="InvalidOperationException"/>; the greenlet stays
    /// pending and the process lives on.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => Volatile.Read(ref maxThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref maxThreads, value);
        }
    }

    /// <summary>Gets or sets the stack size, in bytes, of new fiber threads (default 256 KiB).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 64 KiB.</exception>
    public static int StackSize
    {
        get => Volatile.Read(ref stackSize);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64 * 1024);
            Volatile.Write(ref stackSize, value);
        }
    }

    /// <summary>Gets or sets how long a pooled fiber thread stays idle before it exits (default 10 s).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static TimeSpan IdleThreadTimeout
    {
        get => idleThreadTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            idleThreadTimeout = value;
        }
    }

    /// <summary>Gets or sets how many idle fiber threads the pool keeps; a thread freed past this exits at once (default 64).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static int MaxIdleThreads
    {
        get => Volatile.Read(ref maxIdleThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref maxIdleThreads, value);
        }
    }

    private static int DefaultMaxThreads()
    {
        const int ceiling = 12_000;
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/sys/vm/max_map_count")
                && int.TryParse(File.ReadAllText("/proc/sys/vm/max_map_count").Trim(), out int maps))
            {
                return Math.Clamp(maps / 4 * 3 / 4, 64, ceiling);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return ceiling;
    }
}
