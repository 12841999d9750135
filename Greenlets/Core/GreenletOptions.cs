using Greenlets.Internal;

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
    // The values live in the fiber layer's own settings (FiberSettings), which this public API validates and writes;
    // the two time spans are kept here as given, so that a read returns exactly what was set.
    private static TimeSpan idleThreadTimeout = TimeSpan.FromMilliseconds(FiberSettings.IdleTimeoutMilliseconds);
    private static TimeSpan handoffSpinLimit = FiberSettings.DefaultSpinLimit;

    /// <summary>Gets or sets the cap on live fiber threads (running, suspended or pooled).</summary>
    /// <remarks>
    /// <para>Starting a greenlet past the cap, or when the OS refuses a new thread, throws
    /// <see cref="InvalidOperationException"/> (the OS error as its inner exception) before anything changes: the greenlet
    /// stays pending, the switcher keeps running, and the same switch may be retried once threads are free.</para>
    /// <para>The default, computed once at start-up on Linux, is three quarters of the smallest headroom of the process's
    /// real limits: the cgroup's <c>pids.max</c> less <c>pids.current</c> (v1 and v2, with every ancestor cgroup),
    /// <c>ulimit -u</c> (<c>RLIMIT_NPROC</c>) less the threads already in the process, <c>vm.max_map_count</c> less the
    /// maps in use, over four maps per thread (past the map count the .NET runtime aborts the whole process),
    /// <c>kernel.threads-max</c>, and, under <c>ulimit -v</c> or strict overcommit, the address space of
    /// <see cref="StackSize"/> per thread. The quarter left is for the runtime's and the application's own threads. With
    /// the default map count of 65,530 and no lower limit that is about 12,000; elsewhere 12,000. At least 1. Raise
    /// <see cref="StackSize"/> under an address-space limit, or start many threads of your own, and lower this too.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxThreads
    {
        get => FiberSettings.MaxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            FiberSettings.MaxThreads = value;
        }
    }

    /// <summary>Gets or sets the stack size, in bytes, of new fiber threads (default 1.5 MiB, as for the runtime's own threads on Linux).</summary>
    /// <remarks>
    /// <para>A stack is reserved address space; only the pages a greenlet touches cost memory, so a suspended greenlet
    /// costs the same RSS (~24 KB) with a 256 KiB or a 1.5 MiB stack. A recursion as deep as a thread-pool thread
    /// allows runs on a fiber too (tens of thousands of small frames); a tree's main thread usually has more (8 MiB).</para>
    /// <para>A fiber that overflows its stack kills the process, as any .NET stack overflow does: the runtime prints
    /// <c>Stack overflow.</c>, <c>Repeated N times:</c> with the recursing frames, then the frames below them, to standard
    /// error, and the exit code is 134 (SIGABRT) on Linux; no <c>catch</c> or <c>finally</c> runs. The bottom frames
    /// <c>Greenlets.Internal.GreenletCore.Begin</c> ... <c>Greenlets.Internal.Fiber.Loop</c> say it was a greenlet's stack,
    /// and the frame above them is its run function. If the recursion is legitimate, raise this value at start-up (it
    /// applies to fiber threads started afterwards; pooled ones keep theirs).</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 64 KiB.</exception>
    public static int StackSize
    {
        get => FiberSettings.StackSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64 * 1024);
            FiberSettings.StackSize = value;
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
            FiberSettings.SetIdleTimeout(value);
        }
    }

    /// <summary>Gets or sets how many idle fiber threads the pool keeps; a thread freed past this exits at once (default 64).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static int MaxIdleThreads
    {
        get => FiberSettings.MaxIdleThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            FiberSettings.MaxIdleThreads = value;
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
            FiberSettings.SetSpinLimit(value);
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
    /// <para>Why the default is true (<c>Greenlets.Bench/pin-compare.sh</c>, 2026-12-03, a 2-vCPU VM shared with other
    /// builds; ns per operation, pinned against not pinned): ping-pong 538 against 1,232 idle and 423 against 32,959
    /// beside two CPU-bound competitors; a ring of 100, 1,694 against 2,457 idle and 2,635 against 59,974 loaded;
    /// <c>Hub.Sleep(0)</c> between two greenlets the same either way (4,203 and 4,104; 5,764 and 5,801). The one loss is
    /// create + first switch + finish under load, 91,186 against 21,295 (6,992 and 8,636 idle): a new fiber placed on a
    /// CPU that a competitor keeps busy waits for it.</para>
    /// </remarks>
    public static bool PinFiberThreads
    {
        get => FiberSettings.PinThreads;
        set => FiberSettings.PinThreads = value;
    }
}
