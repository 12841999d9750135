using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Greenlets.Internal;

/// <summary>
/// The baton gate of one thread (a fiber, or a thread that hands batons to fibers): <see cref="Signal"/> lets its
/// single waiter through exactly once. Every handoff is one <see cref="Signal"/> of the target's gate by the thread
/// that holds the baton, then a <see cref="Wait()"/> on its own.
/// </summary>
/// <remarks>
/// <para>Two mechanisms sit behind this seam, one per process, chosen once at start-up (<see cref="Mechanism"/>):
/// <see cref="FutexHandoffGate"/> on Linux (a raw futex word, CPU placement, hot pairs that spin) and
/// <see cref="PortableHandoffGate"/> elsewhere (a semaphore). The environment variable <c>GREENLETS_HANDOFF=portable</c>
/// forces the portable one (see <see cref="Futex.IsSupported"/>), so that CI runs it on Linux too.</para>
/// <para>The seam is closed (a private protected constructor, two sealed mechanisms), so each entry point dispatches
/// with a type check on a sealed class instead of a virtual call: one compare of the method table, and the mechanism's
/// method is called directly and may be inlined into the switch.</para>
/// <para>The rules, asserted in Debug builds: only the owning thread waits on a gate; a gate holds at most one baton
/// (it is never signalled twice before its owner takes it); a thread never signals its own gate; and a switcher's own
/// gate, whose counters it updates at the signal, is its own.</para>
/// </remarks>
internal abstract class HandoffGate
{
    /// <summary>How many straight back-and-forth handoffs make a hot pair.</summary>
    public const int HotStreak = 8;

#if DEBUG
    // The owning thread, once known: at Attach for a fiber, at the first wait for any other thread. A thread that exited
    // hands its gate on: the reaper stands in for a dead thread's main greenlet.
    private Thread? _owner;
#endif

    private protected HandoffGate()
    {
    }

    /// <summary>Gets the name of the mechanism every gate of this process uses: <c>futex</c> or <c>portable</c>.</summary>
    public static string Mechanism { get; } = Futex.IsSupported ? FutexHandoffGate.Name : PortableHandoffGate.Name;

    /// <summary>Creates a gate of this process's mechanism; a <paramref name="pinnable"/> one belongs to a fiber thread
    /// that placement may move.</summary>
    public static HandoffGate Create(bool pinnable = false) =>
        Futex.IsSupported ? new FutexHandoffGate(pinnable) : new PortableHandoffGate();

    /// <summary>Binds a fiber's gate to the calling thread (its owner) before its first wait.</summary>
    public void Attach()
    {
        BindOwner();
        if (this is FutexHandoffGate futex)
        {
            futex.AttachCore();
        }
    }

    /// <summary>Opens the gate for a handoff from <paramref name="from"/> (the signaller's own gate, which it waits on
    /// next, in the pool if its work is finishing; null if unknown), waking the waiter if it sleeps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Signal(HandoffGate? from = null)
    {
        AssertSignaller(from);
        if (this is FutexHandoffGate futex)
        {
            Debug.Assert(from is null or FutexHandoffGate, "Gates of two mechanisms in one process.");
            futex.SignalCore(Unsafe.As<FutexHandoffGate?>(from));
        }
        else
        {
            Portable.SignalCore();
        }
    }

    /// <summary>Waits until the gate is opened, then closes it again; the owner calls it right after a <see cref="Signal"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Wait()
    {
        AssertOwner();
        if (this is FutexHandoffGate futex)
        {
            futex.WaitCore();
        }
        else
        {
            Portable.WaitCore(Timeout.Infinite);
        }
    }

    /// <summary>Waits until the gate is opened or the timeout passes, without spinning unless the last handoff was a hot
    /// pair's; true when it was opened.</summary>
    public bool Wait(int millisecondsTimeout)
    {
        AssertOwner();
        return this is FutexHandoffGate futex ? futex.WaitCore(millisecondsTimeout) : Portable.WaitCore(millisecondsTimeout);
    }

    /// <summary>This gate as the portable mechanism, once the type check for the other one failed.</summary>
    private PortableHandoffGate Portable
    {
        get
        {
            Debug.Assert(this is PortableHandoffGate, "A gate of an unknown mechanism.");
            return Unsafe.As<PortableHandoffGate>(this);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Empty in Release builds; reads the owner in Debug builds.")]
    [Conditional("DEBUG")]
    private void BindOwner()
    {
#if DEBUG
        Thread me = Thread.CurrentThread;
        Thread? owner = Volatile.Read(ref _owner);
        if (owner != me && (owner is null || !owner.IsAlive))
        {
            Volatile.Write(ref _owner, me);
            owner = me;
        }

        Debug.Assert(owner == me, "A thread waited on (or attached) another live thread's gate.");
#endif
    }

    /// <summary>Asserts that the caller owns this gate: only the owner waits (binding the owner at its first wait).</summary>
    [Conditional("DEBUG")]
    private void AssertOwner() => BindOwner();

    /// <summary>Asserts the signaller's side of the rules: it signals another thread's gate, and the gate it names as
    /// its own (whose counters it writes) is its own or a dead thread's.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Empty in Release builds; reads the owner in Debug builds.")]
    [Conditional("DEBUG")]
    private void AssertSignaller(HandoffGate? from)
    {
#if DEBUG
        Thread me = Thread.CurrentThread;
        Debug.Assert(Volatile.Read(ref _owner) != me, "A thread signalled its own gate.");
        if (from is not null)
        {
            Thread? owner = Volatile.Read(ref from._owner);
            Debug.Assert(owner is null || owner == me || !owner.IsAlive, "A signaller named another thread's gate as its own.");
        }
#endif
    }
}
