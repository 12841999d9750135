namespace Greenlets.Internal;

/// <summary>The process-wide pool of fiber threads, capped by <see cref="GreenletOptions.MaxThreads"/>.</summary>
internal sealed class FiberPool
{
    private readonly Lock _lock = new();
    private readonly List<Fiber> _idle = [];
    private int _total;

    /// <summary>Gets the shared pool.</summary>
    public static FiberPool Shared { get; } = new();

    /// <summary>Gets or sets a test hook: when it returns an exception, the next new fiber thread "fails to start" with it.</summary>
    internal static Func<Exception?>? StartFault { get; set; }

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

    /// <summary>Gets whether <see cref="Rent"/> would find a fiber now: one is idle, or the cap leaves room for a new
    /// thread (which the OS may still refuse). Another thread may take it first: a hint for backing off, not a promise.</summary>
    public bool CanRent
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count > 0 || _total < GreenletOptions.MaxThreads;
            }
        }
    }

    /// <summary>Takes an idle fiber, or starts a new one when under the cap; the fiber's thread is running and parked.</summary>
    /// <remarks>The switch calls this before it changes any state, so a failure here leaves every greenlet as it was.</remarks>
    /// <exception cref="InvalidOperationException">The cap on live fiber threads is reached, or the OS refused a new thread
    /// (its error is the inner exception).</exception>
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

        try
        {
            var fresh = new Fiber(this);
            if (StartFault?.Invoke() is { } fault)
            {
                throw fault;
            }

            fresh.Thread.UnsafeStart();
            return fresh;
        }
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException or ThreadStateException)
        {
            // The OS is out of threads (pids.max, RLIMIT_NPROC, vm.max_map_count, address space): nothing was handed
            // to the fiber yet, so the caller's switch can fail cleanly and be retried later.
            lock (_lock)
            {
                _total--;
            }

            throw new InvalidOperationException(
                $"Cannot start another greenlet: the OS refused a new fiber thread ({e.Message}) with {TotalThreads} fiber threads live. "
                + "A process limit (cgroup pids.max, ulimit -u, vm.max_map_count, address space) is lower than GreenletOptions.MaxThreads: "
                + "finish or kill suspended greenlets, lower GreenletOptions.MaxThreads, or raise the limit.",
                e);
        }
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
