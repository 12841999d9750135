namespace Greenlets.Internal;

/// <summary>
/// Wakes a hub that sleeps while it has nothing to run: a raw futex word on Linux (0 idle, 1 signalled, 2 sleeping),
/// a <see cref="ManualResetEventSlim"/> elsewhere. Any thread may <see cref="Set"/>; only the hub's thread waits.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A signal lives as long as its hub.")]
internal sealed unsafe class HubSignal
{
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
    /// <remarks>The futex wait takes the timeout to the microsecond, so that no timer is up to a millisecond late.</remarks>
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
            Futex.Wait(_address, Sleeping, timeout);
        }

        Volatile.Write(ref *_address, Idle);
    }
}
