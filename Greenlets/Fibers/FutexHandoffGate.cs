using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Greenlets.Internal;

/// <summary>
/// The Linux handoff mechanism: a raw futex word (<see cref="FutexWord"/>), CPU placement of fiber threads, and hot
/// pairs that spin.
/// </summary>
/// <remarks>
/// <para>How a handoff is made is decided at the signal, from what the signaller knows about its target (baseline.md
/// section 7):</para>
/// <list type="bullet">
/// <item>Cold (the default): the signaller first places a fiber target on its own CPU, so that the wake-up is a
/// same-CPU one (~1 µs, against ~20 µs to a halted other vCPU), opens the gate, yields its CPU once so that the target
/// runs at once, and only then sleeps on the futex. A target that answers during that yield is never slept on at all.</item>
/// <item>Hot: two gates that have handed the baton straight back to each other <see cref="HandoffGate.HotStreak"/> times
/// in a row are a hot pair. If more than one CPU is allowed and spinning is on, the fiber of the pair moves to a CPU other
/// than its partner's, and from then on each side spins (bounded by <see cref="FiberSettings.SpinTicks"/>) instead of
/// sleeping: a 30-40 ns handoff. A spin that runs out means the partner is busy: the waiter sleeps, and the pair stays
/// cold for a while that doubles with each such miss, so rings, hubs and slow partners never burn CPU.</item>
/// </list>
/// <para>A fiber whose work finished in a hot pair with the thread that started it (create, hand off, finish in a loop)
/// spins in the pool for its next start the same way. A waiter never spins on the CPU its partner was placed on, and
/// nothing spins when the process may use one CPU.</para>
/// <para>Every field except the futex word is written only by the thread holding the baton, which orders them: the
/// signaller writes its target's line and its own counters, the owner its own counters after it took the baton. The
/// one exception, a finished fiber rented by another thread before its last handoff is done, can only misplace a
/// thread or spin once in vain, never lose a wake-up: only the futex word carries the baton.</para>
/// </remarks>
internal sealed unsafe class FutexHandoffGate : HandoffGate
{
    /// <summary>The name <see cref="HandoffGate.Mechanism"/> reports.</summary>
    public const string Name = "futex";

    // Three whole 64-byte cache lines of a pinned block that nothing else shares, so that a hot handoff moves as few lines
    // between the two cores as a bare flag would:
    // - the futex word alone: the owner polls it while hot, and a signaller's other reads and writes must not disturb it;
    // - what a signaller reads on its target: who signalled it last and from which CPU, where it is pinned, whether it is
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

    private readonly int[] _block;
    private readonly int* _line;
    private readonly FutexWord _word;
    private readonly int _id = Interlocked.Increment(ref lastId);

    // Set once, by the owner before its first wait or by a placement the kernel refused.
    private bool _pinnable;
    private int _tid;
    private int _wantCpu = -1;

    /// <summary>Creates a gate; a <paramref name="pinnable"/> one belongs to a fiber thread that placement may move.</summary>
    public FutexHandoffGate(bool pinnable)
    {
        _block = GC.AllocateArray<int>(BlockInts + 16, pinned: true);
        fixed (int* p = _block)
        {
            _line = (int*)(((nint)p + 63) & ~(nint)63);
        }

        _word = new FutexWord(_line);
        SignallerCpu = -1;
        Cpu = -1;
        _pinnable = pinnable && CpuPlacement.IsSupported;
    }

    // Two CPUs by affinity and by the runtime's count, which also honours a container's CPU quota.
    private static bool SpinAllowed => MultiCpu && FiberSettings.SpinTicks > 0;

    private static bool MultiCpu { get; } = CpuPlacement.AllowedCount >= 2 && Environment.ProcessorCount >= 2;

    private ref int Signaller => ref _line[SignallerSlot];

    private ref int SignallerCpu => ref _line[SignallerCpuSlot];

    private ref int Cpu => ref _line[CpuSlot];

    private ref int Hot => ref _line[HotSlot];

    private ref int Streak => ref _line[StreakSlot];

    private ref int CoolDown => ref _line[CoolDownSlot];

    private ref int Misses => ref _line[MissesSlot];

    private ref int SpinNext => ref _line[SpinNextSlot];

    /// <summary>Publishes the owning fiber thread's tid and applies any placement asked before it ran.</summary>
    public void AttachCore()
    {
        if (!_pinnable)
        {
            return;
        }

        // The thread starts before its first handoff places it (FiberPool.TryRent), so a placement may race this:
        // publish the tid, then look for a wish, while PlaceOn records the wish, then looks for a tid (both with full
        // fences). One side sees the other, and at worst both pin the thread to the same CPU.
        Interlocked.Exchange(ref _tid, CpuPlacement.CurrentThreadId());
        int want = Volatile.Read(ref _wantCpu);
        if (want >= 0 && CpuPlacement.Pin(0, want))
        {
            Cpu = want;
        }
    }

    /// <summary>Decides hot or cold, places the target, then opens the gate (see <see cref="HandoffGate.Signal"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SignalCore(FutexHandoffGate? from)
    {
        Prepare(from);
        _word.Release();
    }

    /// <summary>Waits for the gate as the handoff that preceded this wait decided: spins if hot, else yields once, then sleeps.</summary>
    public void WaitCore()
    {
        if (SpinNext != 0)
        {
            if (SpinWhileHot())
            {
                return;
            }
        }
        else
        {
            if (_word.TryTake())
            {
                return;
            }

            // Let a target placed on this CPU run now; if it answers meanwhile, there is no sleep at all.
            Thread.Yield();
        }

        _word.Take(null);
    }

    /// <summary>Waits for the gate or the timeout (<see cref="Timeout.Infinite"/>: none); true when it was opened.</summary>
    public bool WaitCore(int millisecondsTimeout)
    {
        // A fiber whose work finished in a hot pair with the thread that started it (create, hand off, finish in a
        // loop) spins for the next start before it sleeps in the pool.
        if (SpinNext != 0 && SpinWhileHot())
        {
            return true;
        }

        return _word.Take(millisecondsTimeout < 0 ? null : TimeSpan.FromMilliseconds(millisecondsTimeout));
    }

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

    /// <summary>The first half of a signal: decides hot or cold and places the target.</summary>
    private void Prepare(FutexHandoffGate? from)
    {
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
                        // The partner's CPU: where it is pinned, else where it was when it last signalled the signaller.
                        int partnerCpu = Cpu >= 0 ? Cpu : from.SignallerCpu;
                        if (partnerCpu >= 0 && partnerCpu == myCpu && from._pinnable && from._tid != 0 && FiberSettings.PinThreads)
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

        if (Hot == 0 && _pinnable && myCpu >= 0 && Cpu != myCpu && FiberSettings.PinThreads)
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

    /// <summary>Spins for the gate as the handoff that preceded this wait decided; false (and cold for a while) on a miss.</summary>
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

    /// <summary>Spins for the gate, bounded by <see cref="FiberSettings.SpinTicks"/>; true when it opened.</summary>
    private bool Spin()
    {
        // A hot partner answers within a few hundred nanoseconds: look at the clock only after that.
        for (int i = 0; i < 256; i++)
        {
            if (_word.TryTake())
            {
                return true;
            }

            Pause();
        }

        long deadline = Stopwatch.GetTimestamp() + FiberSettings.SpinTicks;
        while (true)
        {
            // Should the partner have landed on this CPU after all, let it run.
            Thread.Yield();
            for (int i = 0; i < 256; i++)
            {
                if (_word.TryTake())
                {
                    return true;
                }

                Pause();
            }

            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return _word.TryTake();
            }
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
            // Refused (a cpuset changed under us, say): stop trying rather than pay a failing syscall per handoff.
            _pinnable = false;
        }
    }
}
