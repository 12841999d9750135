using System.Runtime.CompilerServices;
namespace Greenlets.Internal;

/// <summary>A pooled OS thread that runs one greenlet at a time, parked on its <see cref="HandoffGate"/>.</summary>
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
    public HandoffGate Gate { get; } = new();

    /// <summary>Gets the OS thread.</summary>
    public Thread Thread { get; }

    /// <summary>Gets or sets whether the OS thread has been started.</summary>
    public bool Started { get; set; }

    /// <summary>Runs <paramref name="core"/> on this fiber; the caller already set up its incoming payload.</summary>
    public void Start(GreenletCore core)
    {
        _assigned = core;
        if (!Started)
        {
            Started = true;
            Thread.UnsafeStart();
        }

        Gate.Signal();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Loop()
    {
        while (true)
        {
            if (!Gate.Wait((int)GreenletOptions.IdleThreadTimeout.TotalMilliseconds))
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
                return;
            }
        }
    }
}
