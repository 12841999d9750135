using System.Runtime.InteropServices;

namespace Greenlets.Internal;

/// <summary>
/// Wakes a hub that sleeps while it has nothing to run: a raw futex word on Linux (0 idle, 1 signalled, 2 sleeping),
/// a <see cref="ManualResetEventSlim"/> elsewhere. Any thread may <see cref="Set"/>; only the hub's thread waits.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A signal lives as long as its hub.")]
internal sealed unsafe partial class HubSignal
{
    private const int FutexWaitPrivate = 128;
    private const int Idle = 0;
    private const int Signalled = 1;
    private const int Sleeping = 2;

    private readonly int[]? _word;
    private readonly int* _address;
    private readonly ManualResetEventSlim? _fallback;

    public HubSignal()
    {
        if (Futex.IsSupported)
        {
            _word = GC.AllocateArray<int>(1, pinned: true);
            fixed (int* p = _word)
            {
                _address = p;
            }
        }
        else
        {
            _fallback = new ManualResetEventSlim(false, spinCount: 0);
        }
    }

    /// <summary>Wakes the hub if it sleeps, or makes its next <see cref="Wait"/> return at once.</summary>
    public void Set()
    {
        if (_fallback is not null)
        {
            _fallback.Set();
            return;
        }

        if (Interlocked.Exchange(ref *_address, Signalled) == Sleeping)
        {
            Futex.WakeOne(_address);
        }
    }

    /// <summary>Sleeps until <see cref="Set"/> or the timeout (null: none); the caller re-checks its queues and clock.</summary>
    /// <remarks>The futex wait takes the timeout to the microsecond (the core's <see cref="Futex"/> rounds to
    /// milliseconds, which would make every timer up to a millisecond late).</remarks>
    public void Wait(TimeSpan? timeout)
    {
        if (_fallback is not null)
        {
            _fallback.Wait(timeout is { } t ? (int)Math.Ceiling(t.TotalMilliseconds) : -1);
            _fallback.Reset();
            return;
        }

        if (Interlocked.CompareExchange(ref *_address, Sleeping, Idle) == Idle)
        {
            if (timeout is { } span)
            {
                long microseconds = Math.Max(1, (long)span.TotalMicroseconds);
                var ts = new Timespec { Seconds = microseconds / 1_000_000, Nanoseconds = microseconds % 1_000_000 * 1000 };
                Syscall(SysFutex, _address, FutexWaitPrivate, Sleeping, &ts, null, 0);
            }
            else
            {
                Syscall(SysFutex, _address, FutexWaitPrivate, Sleeping, null, null, 0);
            }
        }

        Volatile.Write(ref *_address, Idle);
    }

    private static long SysFutex { get; } = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 98 : 202;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int* address, int operation, int value, Timespec* timeout, int* address2, int value3);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
