using System.Diagnostics;
using System.Threading;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A re-entrant lock owned by a greenlet, waited on cooperatively (FIFO): gevent's <c>RLock</c>.</summary>
/// <remarks>Unlike a C# <c>lock</c>, holding it across a cooperative wait is fine: other greenlets wait for it in the
/// hub instead of deadlocking the tree. Built on a <see cref="GreenSemaphore"/> of one permit, as gevent's is: the last
/// release frees the lock and wakes the first waiter through the hub, so the releaser may take it again before that
/// waiter runs. Use it from one tree only.</remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed partial class GreenLock
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenLock IsLocked={IsLocked} owner={OwnerName} depth={_depth}";

    private readonly HubBinding _binding = new();
    private readonly GreenSemaphore _block = new(1);
    // The owning Greenlet, or AsyncGreenlet when taken with AcquireAsync from async greenlet code.
    private object? _owner;
    private int _depth;

    /// <summary>Gets whether some greenlet holds the lock.</summary>
    public bool IsLocked => _owner is not null;

    /// <summary>Takes the lock (again, if the running greenlet holds it), waiting cooperatively until it is free.</summary>
    /// <param name="timeout">The longest wait, or null for no limit; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>True when the lock was taken; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The lock belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while another greenlet holds the lock.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever release the lock.</exception>
    public bool Acquire(TimeSpan? timeout = null) => AcquireCore(timeout, default);

    private bool AcquireCore(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenLock.Acquire");
        cancellationToken.ThrowIfCancellationRequested();
        Greenlet current = Greenlet.Current;
        if (ReferenceEquals(_owner, current))
        {
            _depth++;
            return true;
        }

        if (!_block.AcquireCore(timeout, cancellationToken))
        {
            return false;
        }

        _owner = current;
        _depth = 1;
        return true;
    }

    private string OwnerName => _owner switch
    {
        Greenlet g => g.Name,
        AsyncGreenlet a => a.Name,
        _ => "(none)",
    };

    /// <summary>Releases one level of the lock; the last release frees it and schedules the wake-up of the first waiter.</summary>
    /// <exception cref="GreenletError">The lock belongs to another thread's hub (its owner is a greenlet of that hub).</exception>
    /// <exception cref="SynchronizationLockException">The running greenlet does not hold the lock.</exception>
    public void Release()
    {
        _binding.Enter("GreenLock.Release");
        if (!ReferenceEquals(_owner, CurrentOwner()))
        {
            throw new SynchronizationLockException("Cannot release an un-acquired lock: the running greenlet does not own it.");
        }

        if (--_depth > 0)
        {
            return;
        }

        _owner = null;
        _block.Release();
    }
}
