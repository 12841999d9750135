using System.Runtime.InteropServices;

namespace Greenlets.Internal;

/// <summary>Raw Linux futex calls through <c>syscall(2)</c>; the cheapest way to park and wake one thread.</summary>
internal static unsafe partial class Futex
{
    private const int FutexWaitPrivate = 128;
    private const int FutexWakePrivate = 129;

    private static readonly long SysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    /// <summary>The environment variable that, set to <see cref="PortableValue"/>, turns raw futexes off.</summary>
    public const string SwitchVariable = "GREENLETS_HANDOFF";

    /// <summary>The value of <see cref="SwitchVariable"/> that forces the portable mechanisms.</summary>
    public const string PortableValue = "portable";

    /// <summary>Gets whether raw futexes are used: on Linux (x64, Arm64), unless <c>GREENLETS_HANDOFF=portable</c> forces
    /// the mechanisms of the other systems, so that they are tested on Linux too. Read once, at first use.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && SysFutex > 0 && !IsPortableForced();

    /// <summary>Sleeps while <paramref name="address"/> holds <paramref name="expected"/>, at most <paramref name="timeout"/>
    /// (to the microsecond; null: no limit); returns false on timeout.</summary>
    public static bool Wait(int* address, int expected, TimeSpan? timeout)
    {
        if (timeout is not { } span)
        {
            Syscall(SysFutex, address, FutexWaitPrivate, expected, null, null, 0);
            return true;
        }

        long microseconds = Math.Max(1, (long)span.TotalMicroseconds);
        var ts = new Timespec { Seconds = microseconds / 1_000_000, Nanoseconds = microseconds % 1_000_000 * 1000 };
        long rc = Syscall(SysFutex, address, FutexWaitPrivate, expected, &ts, null, 0);
        return rc == 0 || Marshal.GetLastPInvokeError() != 110; // ETIMEDOUT
    }

    /// <summary>Wakes at most one thread sleeping on <paramref name="address"/>.</summary>
    public static void WakeOne(int* address) => Syscall(SysFutex, address, FutexWakePrivate, 1, null, null, 0);

    private static bool IsPortableForced() =>
        string.Equals(Environment.GetEnvironmentVariable(SwitchVariable), PortableValue, StringComparison.OrdinalIgnoreCase);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int* address, int operation, int value, Timespec* timeout, int* address2, int value3);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
