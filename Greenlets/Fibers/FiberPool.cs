using System.Diagnostics;

namespace Greenlets.Internal;

/// <summary>The process-wide pool of fiber threads, capped by <see cref="FiberSettings.MaxThreads"/>.</summary>
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

    /// <summary>Gets whether <see cref="TryRent"/> would find a fiber now: one is idle, or the cap leaves room for a new
    /// thread (which the OS may still refuse). Another thread may take it first: a hint for backing off, not a promise.</summary>
    public bool CanRent
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count > 0 || _total < FiberSettings.MaxThreads;
            }
        }
    }

    /// <summary>Takes an idle fiber, or starts a new one when under the cap; the fiber's thread is running and parked.</summary>
    /// <remarks>The caller rents before it changes any state of its own, so a refusal leaves everything as it was; the
    /// caller words the error for its users.</remarks>
    /// <param name="refusal">When no fiber is returned: null if the cap (<see cref="FiberSettings.MaxThreads"/>) is
    /// reached, else the error with which the OS refused a new thread.</param>
    /// <returns>The fiber, or null when none can be had now.</returns>
    public Fiber? TryRent(out Exception? refusal)
    {
        refusal = null;
        lock (_lock)
        {
            AssertInvariants();
            if (_idle.Count > 0)
            {
                // The most recently parked thread: its stack is the likeliest to be warm.
                Fiber fiber = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                return fiber;
            }

            if (_total >= FiberSettings.MaxThreads)
            {
                return null;
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
            // to the fiber yet, so the caller can fail cleanly and try again later.
            lock (_lock)
            {
                _total--;
                AssertInvariants();
            }

            refusal = e;
            return null;
        }
    }

    /// <summary>Gives back a fiber whose work has finished; false when the fiber must exit instead.</summary>
    public bool Return(Fiber fiber)
    {
        lock (_lock)
        {
            if (_idle.Count >= FiberSettings.MaxIdleThreads)
            {
                _total--;
                AssertInvariants();
                return false;
            }

            _idle.Add(fiber);
            AssertInvariants();
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
            AssertInvariants();
            return true;
        }
    }

    /// <summary>Checks, in Debug builds and under the lock, that every idle fiber is counted among the live ones.</summary>
    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "The pool's state was read or written outside its lock.");
        Debug.Assert(_idle.Count <= _total, $"{_idle.Count} idle fibers but {_total} live ones.");
    }
}
