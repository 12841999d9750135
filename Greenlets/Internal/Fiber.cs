using System.Runtime.CompilerServices;
namespace Greenlets.Internal;

/// <summary>A pooled OS thread that runs one greenlet at a time, parked on its <see cref="HandoffGate"/>.</summary>
/// <remarks><see cref="FiberPool.Rent"/> starts the thread before a switch commits to it: the only step of a switch
/// that the OS can refuse happens while nothing has changed yet.</remarks>
internal sealed class Fiber
{
    private readonly FiberPool _pool;
    private GreenletCore? _assigned;

    public Fiber(FiberPool pool)
    {
        _pool = pool;
        Thread = new Thread(Loop, GreenletOptions.StackSize) { IsBackground = true, Name = "Greenlet fiber" };
    }

    /// <summary>Gets the gate the running greenlet of this fiber parks on.</summary>
    public HandoffGate Gate { get; } = new(pinnable: true);

    /// <summary>Gets the OS thread.</summary>
    public Thread Thread { get; }

    /// <summary>Runs <paramref name="core"/> on this (started, parked) fiber; the caller already set up its incoming payload.</summary>
    /// <param name="core">The greenlet to run.</param>
    /// <param name="from">The switcher's gate (see <see cref="HandoffGate.Signal"/>).</param>
    public void Start(GreenletCore core, HandoffGate? from)
    {
        _assigned = core;
        Gate.Signal(from);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Loop()
    {
        Gate.Attach();

        // A new fiber is rented already: its first greenlet is on the way, however long the idle timeout.
        bool rented = true;
        while (true)
        {
            if (!Gate.Wait(rented ? Timeout.Infinite : (int)GreenletOptions.IdleThreadTimeout.TotalMilliseconds))
            {
                if (_pool.TryRetire(this))
                {
                    return;
                }

                continue;
            }

            GreenletCore core = _assigned!;
            _assigned = null;
            if (!core.RunOnFiber())
            {
                // The pool was full when the greenlet finished: this thread is no longer counted, so it exits.
                return;
            }

            rented = false;
        }
    }
}
