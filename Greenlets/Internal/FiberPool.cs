namespace Greenlets.Internal;

/// <summary>The process-wide pool of fiber threads, capped by <see cref="GreenletOptions.MaxThreads"/>.</summary>
internal sealed class FiberPool
{
    private readonly Lock _lock = new();
    private readonly List<Fiber> _idle = [];
    private int _total;

    /// <summary>Gets the shared pool.</summary>
    public static FiberPool Shared { get; } = new();

    /// <summary>Gets the number of fiber threads alive (busy or idle).</summary>
    public int TotalThreads => Volatile.Read(ref _total);

    /// <summary>Gets the number of idle pooled fiber threads.</summary>
    public int IdleThreads
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>Takes an idle fiber, or makes a new one when under the cap.</summary>
    /// <exception cref="InvalidOperationException">The cap on live fiber threads is reached.</exception>
    public Fiber Rent()
    {
        lock (_lock)
        {
            if (_idle.Count > 0)
            {
                // The most recently parked thread: its stack is the likeliest to be warm.
                Fiber fiber = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                return fiber;
            }

            int cap = GreenletOptions.MaxThreads;
            if (_total >= cap)
            {
                throw new InvalidOperationException(
                    $"Cannot start another greenlet: {cap} fiber threads are live, the cap of GreenletOptions.MaxThreads. "
                    + "Finish or kill suspended greenlets, or use AsyncGreenlet for very many greenlets.");
            }

            _total++;
        }

        return new Fiber(this);
    }

    /// <summary>Gives back a fiber whose greenlet has finished; false when the fiber must exit instead.</summary>
    public bool Return(Fiber fiber)
    {
        lock (_lock)
        {
            if (_idle.Count >= GreenletOptions.MaxIdleThreads)
            {
                _total--;
                return false;
            }

            _idle.Add(fiber);
            return true;
        }
    }

    /// <summary>Removes an idle fiber whose idle timeout passed; false if it was rented meanwhile.</summary>
    public bool TryRetire(Fiber fiber)
    {
        lock (_lock)
        {
            if (!_idle.Remove(fiber))
            {
                return false;
            }

            _total--;
            return true;
        }
    }
}
