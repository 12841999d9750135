using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Greenlets.Internal;

/// <summary>A pooled OS thread that runs one <see cref="IFiberWork"/> at a time, parked on its <see cref="HandoffGate"/>.</summary>
/// <remarks><see cref="FiberPool.TryRent"/> starts the thread before the caller commits to it: the only step of a
/// handoff that the OS can refuse happens while nothing has changed yet.</remarks>
internal sealed class Fiber
{
    private readonly FiberPool _pool;
    private IFiberWork? _assigned;

    public Fiber(FiberPool pool)
    {
        _pool = pool;
        Thread = new Thread(Loop, FiberSettings.StackSize) { IsBackground = true, Name = "Fiber" };
    }

    /// <summary>Gets the gate the work running on this fiber parks on.</summary>
    public HandoffGate Gate { get; } = HandoffGate.Create(pinnable: true);

    /// <summary>Gets the OS thread.</summary>
    public Thread Thread { get; }

    /// <summary>Runs <paramref name="work"/> on this (started, parked) fiber; the caller already set up what it needs.</summary>
    /// <param name="work">The work item.</param>
    /// <param name="from">The caller's gate (see <see cref="HandoffGate.Signal"/>).</param>
    public void Start(IFiberWork work, HandoffGate? from)
    {
        // One work item at a time: a fiber is rented by one caller, and its previous item has given it back.
        Debug.Assert(_assigned is null, "A fiber was started while it still had a work item.");
        _assigned = work;
        Gate.Signal(from);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Loop()
    {
        Gate.Attach();

        // A new fiber is rented already: its first work item is on the way, however long the idle timeout.
        bool rented = true;
        while (true)
        {
            if (!Gate.Wait(rented ? Timeout.Infinite : FiberSettings.IdleTimeoutMilliseconds))
            {
                if (_pool.TryRetire(this))
                {
                    return;
                }

                continue;
            }

            IFiberWork? work = _assigned;
            Debug.Assert(work is not null, "A fiber's gate opened without a work item.");
            _assigned = null;
            if (!work.Run())
            {
                // The pool was full when the work finished: this thread is no longer counted, so it exits.
                return;
            }

            rented = false;
        }
    }
}
