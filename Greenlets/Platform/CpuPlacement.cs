using System.Runtime.InteropServices;

namespace Greenlets.Internal;

/// <summary>
/// Linux CPU placement of fiber threads through <c>sched_setaffinity(2)</c>: the cheapest wake-up on a VM is one to a
/// thread on the waker's own CPU (~1 µs), against ~20 µs to a halted other vCPU.
/// </summary>
/// <remarks>
/// Only fiber threads are ever pinned, never a tree's main thread: CoreCLR resets a new thread's affinity to that of the
/// process's initial thread, so pinning fibers does not leak into threads they create, while pinning the initial thread
/// would.
/// </remarks>
internal static unsafe partial class CpuPlacement
{
    private const int MaskWords = 16; // 1,024 CPUs

    private static readonly long SysGettid = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 186,
        Architecture.Arm64 => 178,
        _ => -1,
    };

    private static readonly int[] Allowed = ReadAllowed();

    /// <summary>Gets whether threads can be placed: Linux, and at least two CPUs allowed to this process.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && SysGettid > 0 && Allowed.Length >= 2;

    /// <summary>Gets the number of CPUs this process may run on (1 if unknown).</summary>
    public static int AllowedCount => Math.Max(1, Allowed.Length);

    /// <summary>Gets the OS id (tid) of the calling thread, or 0 if unsupported.</summary>
    public static int CurrentThreadId() => IsSupported ? (int)Syscall(SysGettid) : 0;

    /// <summary>Gets the CPU the calling thread runs on, or -1 if unknown.</summary>
    public static int CurrentCpu() => IsSupported ? SchedGetCpu() : -1;

    /// <summary>Gets an allowed CPU other than <paramref name="cpu"/>, for the second thread of a hot pair.</summary>
    public static int OtherThan(int cpu)
    {
        int i = Array.IndexOf(Allowed, cpu);
        return Allowed[(i + 1) % Allowed.Length];
    }

    /// <summary>Restricts thread <paramref name="tid"/> (0: the caller) to <paramref name="cpu"/>; false if the kernel refused.</summary>
    public static bool Pin(int tid, int cpu)
    {
        if (!IsSupported || cpu < 0 || cpu >= MaskWords * 64)
        {
            return false;
        }

        ulong* mask = stackalloc ulong[MaskWords];
        new Span<ulong>(mask, MaskWords).Clear();
        mask[cpu / 64] = 1UL << (cpu % 64);
        return SchedSetAffinity(tid, MaskWords * sizeof(ulong), mask) == 0;
    }

    private static int[] ReadAllowed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        try
        {
            ulong* mask = stackalloc ulong[MaskWords];
            new Span<ulong>(mask, MaskWords).Clear();

            // The process's mask is the initial thread's (pid), the one CoreCLR gives every new thread.
            if (SchedGetAffinity(Environment.ProcessId, MaskWords * sizeof(ulong), mask) != 0)
            {
                return [];
            }

            var cpus = new List<int>();
            for (int cpu = 0; cpu < MaskWords * 64; cpu++)
            {
                if ((mask[cpu / 64] & (1UL << (cpu % 64))) != 0)
                {
                    cpus.Add(cpu);
                }
            }

            return [.. cpus];
        }
        catch (DllNotFoundException)
        {
            return [];
        }
        catch (EntryPointNotFoundException)
        {
            return [];
        }
    }

    [LibraryImport("libc", EntryPoint = "syscall")]
    [SuppressGCTransition]
    private static partial long Syscall(long number);

    [LibraryImport("libc", EntryPoint = "sched_getcpu")]
    [SuppressGCTransition]
    private static partial int SchedGetCpu();

    [LibraryImport("libc", EntryPoint = "sched_setaffinity")]
    private static partial int SchedSetAffinity(int pid, nuint size, ulong* mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity")]
    private static partial int SchedGetAffinity(int pid, nuint size, ulong* mask);
}
