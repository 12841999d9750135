namespace Greenlets.Internal;

/// <summary>
/// The baton gate of one fiber thread: <see cref="Signal"/> lets its single waiter through exactly once.
/// </summary>
/// <remarks>
/// Every switch between greenlets is one <see cref="Signal"/> of the target's gate followed by a
/// <see cref="Wait()"/> on the switcher's own. On Linux the gate is a raw futex word (0 closed, 1 open,
/// 2 closed with a sleeper); elsewhere a <see cref="SemaphoreSlim"/>. Only the owning thread ever waits.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A gate lives as long as its fiber thread; the semaphore holds no unmanaged handle until waited on with a timeout.")]
internal sealed unsafe class HandoffGate
{
    private const int Closed = 0;
    private const int Open = 1;
    private const int Sleeping = 2;

    private readonly int[]? _word;
    private readonly int* _address;
    private readonly SemaphoreSlim? _fallback;

    public HandoffGate()
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
            _fallback = new SemaphoreSlim(0, 1);
        }
    }

    /// <summary>Opens the gate, waking the waiter if it sleeps.</summary>
    public void Signal()
    {
        if (_fallback is not null)
        {
            _fallback.Release();
            return;
        }

        if (Interlocked.Exchange(ref *_address, Open) == Sleeping)
        {
            Futex.WakeOne(_address);
        }
    }

    /// <summary>Waits until the gate is opened, then closes it again.</summary>
    public void Wait() => Wait(Timeout.Infinite);

    /// <summary>Waits until the gate is opened or the timeout passes; true when it was opened.</summary>
    public bool Wait(int millisecondsTimeout)
    {
        if (_fallback is not null)
        {
            return _fallback.Wait(millisecondsTimeout);
        }

        for (int spin = 0; spin < SpinLimit; spin++)
        {
            if (Volatile.Read(ref *_address) == Open && Interlocked.CompareExchange(ref *_address, Closed, Open) == Open)
            {
                return true;
            }

            Thread.SpinWait(8);
        }

        long deadline = millisecondsTimeout < 0 ? long.MaxValue : Environment.TickCount64 + millisecondsTimeout;
        while (true)
        {
            int state = Interlocked.CompareExchange(ref *_address, Sleeping, Closed);
            if (state == Open)
            {
                if (Interlocked.CompareExchange(ref *_address, Closed, Open) == Open)
                {
                    return true;
                }

                continue;
            }

            int remaining = millisecondsTimeout < 0 ? -1 : (int)Math.Max(0, deadline - Environment.TickCount64);
            if (millisecondsTimeout >= 0 && remaining == 0)
            {
                // Give up, unless a signal arrived since the last look.
                if (Interlocked.CompareExchange(ref *_address, Closed, Sleeping) == Open)
                {
                    Volatile.Write(ref *_address, Closed);
                    return true;
                }

                return false;
            }

            Futex.Wait(_address, Sleeping, remaining);
        }
    }

    /// <summary>Gets how many spin rounds a waiter makes before it sleeps; zero on a single CPU.</summary>
    private static int SpinLimit { get; } = Environment.ProcessorCount > 1 ? 64 : 0;
}
