namespace Greenlets;

/// <summary>Process-wide settings of the thread fibers behind <see cref="Greenlet"/>.</summary>
/// <remarks>
/// <para>Each started, unfinished greenlet owns one OS thread. Threads of finished greenlets are pooled and reused;
/// idle ones are trimmed. Change these settings at start-up, before greenlets run.</para>
/// <para>A switch wakes the target's thread and parks the switcher's. By default a sleeping target is first moved to
/// the switcher's CPU (<see cref="PinFiberThreads"/>), the switcher yields its CPU once so that the target runs at
/// once, and only then sleeps: about a microsecond per switch on Linux, where a wake-up on another, idle CPU costs
/// several (~20 µs on a virtual machine). Two greenlets that keep switching straight back to each other run on two
/// CPUs and spin for each other instead (<see cref="HandoffSpinLimit"/>): tens of nanoseconds per switch.</para>
/// </remarks>
public static class GreenletOptions
{
    private static int maxThreads = DefaultMaxThreads();
    private static int stackSize = 256 * 1024;
    private static TimeSpan idleThreadTimeout = TimeSpan.FromSeconds(10);
    private static int maxIdleThreads = 64;
    private static TimeSpan handoffSpinLimit = TimeSpan.FromMicroseconds(50);
    private static long handoffSpinTicks = ToTicks(handoffSpinLimit);
    private static bool pinFiberThreads = true;

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

    /// <summary>Gets or sets how long a greenlet of a hot pair spins for the baton before it sleeps (default 50 µs).</summary>
    /// <remarks>
    /// <para>Two greenlets that keep switching straight back to each other (ping-pong, a generator and its consumer) are a
    /// hot pair: once they have done so eight times in a row, and the process may use two CPUs or more, the pair runs on
    /// two CPUs and each side waits for the baton by spinning instead of sleeping. A handoff then costs tens of
    /// nanoseconds instead of the 1-20 µs of waking a sleeping thread, at the price of keeping a second CPU busy while
    /// the pair runs. A greenlet that creates short-lived greenlets in a loop forms such a pair with the pooled thread
    /// they run on: that thread spins for its next greenlet before it sleeps in the pool.</para>
    /// <para>A spin that runs out of time means the partner is busy: the waiter sleeps, and the pair does not spin again
    /// for a number of handoffs that doubles with each such miss (16 up to 1,024). Rings, hubs and everything else that
    /// is not a strict back-and-forth never spin, and nothing spins when the process may use only one CPU.</para>
    /// <para>The default covers a wake-up of a halted vCPU on a virtual machine (~20 µs); on bare metal a few microseconds
    /// would do. <see cref="TimeSpan.Zero"/> turns spinning off: for a machine whose CPUs are all busy with other work, or
    /// to save power.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than one second.</exception>
    public static TimeSpan HandoffSpinLimit
    {
        get => handoffSpinLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromSeconds(1));
            handoffSpinLimit = value;
            Volatile.Write(ref handoffSpinTicks, ToTicks(value));
        }
    }

    /// <summary>Gets or sets whether fiber threads are pinned to the CPU of the greenlet that switches to them (default true, Linux).</summary>
    /// <remarks>
    /// <para>Waking a thread that sleeps on the switcher's own CPU costs about a microsecond; waking one on another CPU
    /// costs several, and ~20 µs on a virtual machine whose idle vCPUs halt. So a switch into a sleeping greenlet first
    /// pins its fiber thread to the switcher's CPU (one <c>sched_setaffinity</c> call, only when the CPU changes), and one
    /// tree's greenlets end up sharing the CPU where the tree runs, while other trees spread over the other CPUs. A hot
    /// pair (see <see cref="HandoffSpinLimit"/>) is the exception: its fiber moves to another CPU so that both run.</para>
    /// <para>Only fiber threads are pinned, never the thread that owns a tree; threads that a greenlet creates do not
    /// inherit the pin (the runtime resets a new thread's affinity). A pinned fiber cannot be moved off a CPU that other
    /// processes keep busy: set this to false when greenlets run long stretches of CPU-bound code in parallel trees on a
    /// loaded machine. Takes effect at the next switch.</para>
    /// </remarks>
    public static bool PinFiberThreads
    {
        get => Volatile.Read(ref pinFiberThreads);
        set => Volatile.Write(ref pinFiberThreads, value);
    }

    /// <summary>Gets <see cref="HandoffSpinLimit"/> in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    internal static long HandoffSpinTicks => Volatile.Read(ref handoffSpinTicks);

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);

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
