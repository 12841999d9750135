using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Greenlets.Internal;

/// <summary>
/// The baton gate of one thread (a fiber, or a tree's main thread): <see cref="Signal"/> lets its single waiter through
/// exactly once.
/// </summary>
/// <remarks>
/// <para>Every switch is one <see cref="Signal"/> of the target's gate by the switcher, then a <see cref="Wait()"/> on
/// the switcher's own. On Linux the gate is a raw futex word (0 closed, 1 open, 2 closed with a sleeper); elsewhere a
/// <see cref="SemaphoreSlim"/>. Only the owning thread ever waits. How a handoff is made is decided at the signal, from
/// what the switcher knows about its target (baseline.md section 7):</para>
/// <list type="bullet">
/// <item>Cold (the default): the switcher first places a fiber target on its own CPU, so that the wake-up is a same-CPU
/// one (~1 µs, against ~20 µs to a halted other vCPU), opens the gate, yields its CPU once so that the target runs at
/// once, and only then sleeps on the futex. A target that answers during that yield is never slept on at all.</item>
/// <item>Hot: two gates that have handed the baton straight back to each other <see cref="HotStreak"/> times in a row are
/// a hot pair. If more than one CPU is allowed and spinning is on, the fiber of the pair moves to a CPU other than its
/// partner's, and from then on each side spins (bounded by <see cref="GreenletOptions.HandoffSpinLimit"/>) instead of
/// sleeping: a 30-40 ns handoff. A spin that runs out means the partner is busy: the waiter sleeps, and the pair stays
/// cold for a while that doubles with each such miss, so rings, hubs and slow partners never burn CPU.</item>
/// </list>
/// <para>A fiber whose greenlet finished in a hot pair with its parent (create, switch, finish in a loop) spins in the
/// pool for its next start the same way. A waiter never spins on the CPU its partner was placed on, and nothing spins
/// when the process may use one CPU.</para>
/// <para>Every field except the futex word is written only by the thread holding the tree's baton, which orders them.
/// The one exception, a finished greenlet's pooled fiber rented by another tree before its last handoff is done, can
/// only misplace a thread or spin once in vain, never lose a wake-up: only the futex word carries the baton.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A gate lives as long as its thread; the semaphore holds no unmanaged handle until waited on with a timeout.")]
internal sealed unsafe class HandoffGate
{
    /// <summary>How many straight back-and-forth handoffs make a hot pair.</summary>
    public const int HotStreak = 8;

    private const int Closed = 0;
    private const int Open = 1;
    private const int Sleeping = 2;

    // Three whole 64-byte cache lines of a pinned block that nothing else shares, so that a hot handoff moves as few lines
    // between the two cores as a bare flag would:
    // - the futex word alone: the owner polls it while hot, and a switcher's other reads and writes must not disturb it;
    // - what a switcher reads on its target: who signalled it last and from which CPU, where it is pinned, whether it is
    //   hot. Written only when a value changes, so in a steady pair the line stays shared by both cores;
    // - the owner's own counters, written at every handoff.
    private const int BlockInts = 64;
    private const int SignallerSlot = 16;
    private const int SignallerCpuSlot = 17;
    private const int CpuSlot = 18;
    private const int HotSlot = 19;
    private const int StreakSlot = 32;
    private const int CoolDownSlot = 33;
    private const int MissesSlot = 34;
    private const int SpinNextSlot = 35;

    private static int lastId;

    private readonly int[]? _block;
    private readonly int* _line;
    private readonly SemaphoreSlim? _fallback;
    private readonly int _id = Interlocked.Increment(ref lastId);

    // Set once, by the owner before its first wait or by a placement the kernel refused.
    private bool _pinnable;
    private int _tid;
    private int _wantCpu = -1;

    /// <summary>Creates a gate; a <paramref name="pinnable"/> one belongs to a fiber thread that placement may move.</summary>
    public HandoffGate(bool pinnable = false)
    {
        if (Futex.IsSupported)
        {
            _block = GC.AllocateArray<int>(BlockInts + 16, pinned: true);
            fixed (int* p = _block)
            {
                _line = (int*)(((nint)p + 63) & ~(nint)63);
            }

            SignallerCpu = -1;
            Cpu = -1;
            _pinnable = pinnable && CpuPlacement.IsSupported;
        }
        else
        {
            _fallback = new SemaphoreSlim(0, 1);
        }
    }

    /// <summary>Gets the CPU the owning fiber thread is pinned to, or -1.</summary>
    public int PinnedCpu => _line is null ? -1 : Cpu;

    private ref int Word => ref _line[0];

    private ref int Signaller => ref _line[SignallerSlot];

    private ref int SignallerCpu => ref _line[SignallerCpuSlot];

    private ref int Cpu => ref _line[CpuSlot];

    private ref int Hot => ref _line[HotSlot];

    private ref int Streak => ref _line[StreakSlot];

    private ref int CoolDown => ref _line[CoolDownSlot];

    private ref int Misses => ref _line[MissesSlot];

    private ref int SpinNext => ref _line[SpinNextSlot];

    /// <summary>Binds a fiber gate to the calling thread (its owner) and applies any placement asked before it ran.</summary>
    public void Attach()
    {
        if (!_pinnable)
        {
            return;
        }

        // The thread starts before its first switch places it (FiberPool.Rent), so a placement may race this: publish the
        // tid, then look for a wish, while PlaceOn records the wish, then looks for a tid (both with full fences). One side
        // sees the other, and at worst both pin the thread to the same CPU.
        Interlocked.Exchange(ref _tid, CpuPlacement.CurrentThreadId());
        int want = Volatile.Read(ref _wantCpu);
        if (want >= 0 && CpuPlacement.Pin(0, want))
        {
            Cpu = want;
        }
    }

    /// <summary>Opens the gate for a switch from <paramref name="from"/> (the switcher's own gate, which it waits on
    /// next, in the pool if the switcher is finishing; null if unknown), waking the waiter if it sleeps.</summary>
    public void Signal(HandoffGate? from = null)
    {
        Prepare(from);
        Release();
    }

    /// <summary>The first half of <see cref="Signal"/>: decides hot or cold and places the target; then call <see cref="Release"/>.</summary>
    public void Prepare(HandoffGate? from)
    {
        if (_fallback is not null)
        {
            return;
        }

        int myCpu;
        int fromId = 0;
        if (from is null)
        {
            myCpu = CpuPlacement.CurrentCpu();
        }
        else
        {
            fromId = from._id;
            int fromCpu = from.Cpu;
            myCpu = fromCpu >= 0 ? fromCpu : CpuPlacement.CurrentCpu();
            bool hot = false;
            if (from.Signaller == _id && Signaller == fromId)
            {
                if (++from.Streak >= HotStreak && SpinAllowed)
                {
                    if (from.CoolDown > 0)
                    {
                        from.CoolDown--;
                    }
                    else
                    {
                        // The partner's CPU: where it is pinned, else where it was when it last signalled the switcher.
                        int partnerCpu = Cpu >= 0 ? Cpu : from.SignallerCpu;
                        if (partnerCpu >= 0 && partnerCpu == myCpu && from._pinnable && from._tid != 0 && GreenletOptions.PinFiberThreads)
                        {
                            int other = CpuPlacement.OtherThan(partnerCpu);
                            if (CpuPlacement.Pin(0, other))
                            {
                                from.Cpu = other;
                                myCpu = other;
                            }
                        }

                        hot = partnerCpu >= 0 && myCpu >= 0 && partnerCpu != myCpu;
                    }
                }
            }
            else
            {
                from.Streak = 0;
            }

            int hotValue = hot ? 1 : 0;
            if (from.Hot != hotValue)
            {
                from.Hot = hotValue;
            }

            from.SpinNext = hotValue;
        }

        if (Hot == 0 && _pinnable && myCpu >= 0 && Cpu != myCpu && GreenletOptions.PinFiberThreads)
        {
            PlaceOn(myCpu);
        }

        if (Signaller != fromId)
        {
            Signaller = fromId;
        }

        if (SignallerCpu != myCpu)
        {
            SignallerCpu = myCpu;
        }
    }

    /// <summary>The second half of <see cref="Signal"/>: opens the gate, waking the waiter if it sleeps.</summary>
    public void Release()
    {
        if (_fallback is not null)
        {
            _fallback.Release();
            return;
        }

        if (Interlocked.Exchange(ref Word, Open) == Sleeping)
        {
            Futex.WakeOne(_line);
        }
    }

    /// <summary>Waits until the gate is opened, then closes it again; the owner calls it right after a <see cref="Signal"/>.</summary>
    public void Wait()
    {
        if (_fallback is not null)
        {
            _fallback.Wait();
            return;
        }

        if (SpinNext != 0)
        {
            if (SpinWhileHot())
            {
                return;
            }
        }
        else
        {
            if (TryTake())
            {
                return;
            }

            // Let a target placed on this CPU run now; if it answers meanwhile, there is no sleep at all.
            Thread.Yield();
        }

        Sleep();
    }

    /// <summary>Waits until the gate is opened or the timeout passes, without spinning; true when it was opened.</summary>
    public bool Wait(int millisecondsTimeout)
    {
        if (_fallback is not null)
        {
            return _fallback.Wait(millisecondsTimeout);
        }

        // A fiber whose greenlet finished in a hot pair with its parent (create, switch, finish in a loop) spins for
        // the next start before it sleeps in the pool.
        if (SpinNext != 0 && SpinWhileHot())
        {
            return true;
        }

        if (millisecondsTimeout < 0)
        {
            Sleep();
            return true;
        }

        long deadline = Environment.TickCount64 + millisecondsTimeout;
        while (true)
        {
            int state = Interlocked.CompareExchange(ref Word, Sleeping, Closed);
            if (state == Open)
            {
                if (Interlocked.CompareExchange(ref Word, Closed, Open) == Open)
                {
                    return true;
                }

                continue;
            }

            int remaining = (int)Math.Max(0, deadline - Environment.TickCount64);
            if (remaining == 0)
            {
                // Give up, unless a signal arrived since the last look.
                if (Interlocked.CompareExchange(ref Word, Closed, Sleeping) == Open)
                {
                    Volatile.Write(ref Word, Closed);
                    return true;
                }

                return false;
            }

            Futex.Wait(_line, Sleeping, remaining);
        }
    }

    // Two CPUs by affinity and by the runtime's count, which also honours a container's CPU quota.
    private static bool SpinAllowed => MultiCpu && GreenletOptions.HandoffSpinTicks > 0;

    private static bool MultiCpu { get; } = CpuPlacement.AllowedCount >= 2 && Environment.ProcessorCount >= 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryTake() =>
        Volatile.Read(ref Word) == Open && Interlocked.CompareExchange(ref Word, Closed, Open) == Open;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pause()
    {
        if (X86Base.IsSupported)
        {
            X86Base.Pause();
        }
        else if (ArmBase.IsSupported)
        {
            ArmBase.Yield();
        }
        else
        {
            Thread.SpinWait(1);
        }
    }

    /// <summary>Spins for the gate as the switch that preceded this wait decided; false (and cold for a while) on a miss.</summary>
    private bool SpinWhileHot()
    {
        SpinNext = 0;
        if (Spin())
        {
            Misses = 0;
            return true;
        }

        // The partner is busy: sleep, and stay cold for a while that doubles with each miss.
        Hot = 0;
        Streak = 0;
        CoolDown = 16 << Math.Min(Misses, 6);
        Misses++;
        return false;
    }

    /// <summary>Spins for the gate, bounded by <see cref="GreenletOptions.HandoffSpinLimit"/>; true when it opened.</summary>
    private bool Spin()
    {
        // A hot partner answers within a few hundred nanoseconds: look at the clock only after that.
        for (int i = 0; i < 256; i++)
        {
            if (TryTake())
            {
                return true;
            }

            Pause();
        }

        long deadline = Stopwatch.GetTimestamp() + GreenletOptions.HandoffSpinTicks;
        while (true)
        {
            // Should the partner have landed on this CPU after all, let it run.
            Thread.Yield();
            for (int i = 0; i < 256; i++)
            {
                if (TryTake())
                {
                    return true;
                }

                Pause();
            }

            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return TryTake();
            }
        }
    }

    /// <summary>Sleeps on the futex until the gate is opened, then closes it.</summary>
    private void Sleep()
    {
        while (true)
        {
            int state = Interlocked.CompareExchange(ref Word, Sleeping, Closed);
            if (state == Open)
            {
                if (Interlocked.CompareExchange(ref Word, Closed, Open) == Open)
                {
                    return;
                }

                continue;
            }

            Futex.Wait(_line, Sleeping, -1);
        }
    }

    /// <summary>Pins the owning fiber thread to <paramref name="cpu"/>, or asks it to pin itself once it runs.</summary>
    private void PlaceOn(int cpu)
    {
        int tid = Volatile.Read(ref _tid);
        if (tid == 0)
        {
            Interlocked.Exchange(ref _wantCpu, cpu);
            tid = Volatile.Read(ref _tid);
            if (tid == 0)
            {
                // The thread pins itself when it attaches.
                Cpu = cpu;
                return;
            }
        }

        if (CpuPlacement.Pin(tid, cpu))
        {
            Cpu = cpu;
        }
        else
        {
            // Refused (a cpuset changed under us, say): stop trying rather than pay a failing syscall per switch.
            _pinnable = false;
        }
    }
}
