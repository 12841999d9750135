using System.Diagnostics;

namespace Greenlets.Internal;

/// <summary>
/// The fiber layer's own settings: the pool's caps, new threads' stack size, the idle timeout, spinning and pinning.
/// </summary>
/// <remarks>The public options type above this layer validates values and writes them here, so that fiber code reads
/// plain fields on its hot paths and knows nothing of the layers that use it. Writes take effect at the next read.</remarks>
internal static class FiberSettings
{
    /// <summary>The default stack size: that of a thread the runtime starts itself (new Thread(), the thread pool) on
    /// Linux, so that code that runs there runs on a fiber too. Reserved, not committed: a parked fiber's RSS is what
    /// its stack touched.</summary>
    public const int DefaultStackSize = 1536 * 1024;

    /// <summary>The default spin limit of a hot pair: it covers a wake-up of a halted vCPU on a virtual machine (~20 µs).</summary>
    public static readonly TimeSpan DefaultSpinLimit = TimeSpan.FromMicroseconds(50);

    private static int stackSize = DefaultStackSize;
    private static int maxThreads = ProcessLimits.DefaultMaxThreads(DefaultStackSize);
    private static int maxIdleThreads = 64;
    private static int idleTimeoutMilliseconds = 10_000;
    private static long spinTicks = ToTicks(DefaultSpinLimit);
    private static bool pinThreads = true;

    /// <summary>Gets or sets the stack size, in bytes, of fiber threads started from now on.</summary>
    public static int StackSize
    {
        get => Volatile.Read(ref stackSize);
        set => Volatile.Write(ref stackSize, value);
    }

    /// <summary>Gets or sets the cap on live fiber threads (busy or idle).</summary>
    public static int MaxThreads
    {
        get => Volatile.Read(ref maxThreads);
        set => Volatile.Write(ref maxThreads, value);
    }

    /// <summary>Gets or sets how many idle fiber threads the pool keeps.</summary>
    public static int MaxIdleThreads
    {
        get => Volatile.Read(ref maxIdleThreads);
        set => Volatile.Write(ref maxIdleThreads, value);
    }

    /// <summary>Gets or sets how long, in milliseconds, a pooled fiber thread stays idle before it exits.</summary>
    public static int IdleTimeoutMilliseconds
    {
        get => Volatile.Read(ref idleTimeoutMilliseconds);
        set => Volatile.Write(ref idleTimeoutMilliseconds, value);
    }

    /// <summary>Gets how long, in <see cref="Stopwatch"/> ticks, a waiter of a hot pair spins before it sleeps (0: never spins).</summary>
    public static long SpinTicks => Volatile.Read(ref spinTicks);

    /// <summary>Gets or sets whether fiber threads are pinned to the CPU of the thread that hands them the baton.</summary>
    public static bool PinThreads
    {
        get => Volatile.Read(ref pinThreads);
        set => Volatile.Write(ref pinThreads, value);
    }

    /// <summary>Sets the spin limit of a hot pair (<see cref="TimeSpan.Zero"/>: no spinning).</summary>
    public static void SetSpinLimit(TimeSpan limit) => Volatile.Write(ref spinTicks, ToTicks(limit));

    /// <summary>Sets the idle timeout, clamped to what a timed wait takes.</summary>
    public static void SetIdleTimeout(TimeSpan timeout) =>
        IdleTimeoutMilliseconds = (int)Math.Min(timeout.TotalMilliseconds, int.MaxValue - 1);

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
