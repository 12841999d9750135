using Greenlets.Internal;

namespace Greenlets;

/// <summary><c>using (lk.Lock()) { ... }</c>: the lock held for a scope.</summary>
public sealed partial class GreenLock
{
    private HeldScope? _spareScope;

    /// <summary>Takes the lock (again, if the running greenlet holds it), waiting cooperatively, and returns the scope that releases it.</summary>
    /// <returns>A releaser whose <see cref="Releaser.Dispose"/> releases this level of the lock once, however often it is called.</returns>
    /// <exception cref="GreenletError">The lock belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while another greenlet holds the lock.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever release the lock.</exception>
    public Releaser Lock()
    {
        AcquireCore(null, default);
        return NewScope();
    }

    /// <summary>Takes the lock within <paramref name="timeout"/> and returns the scope that releases it.</summary>
    /// <param name="timeout">The longest wait; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>A releaser whose <see cref="Releaser.Dispose"/> releases this level of the lock once.</returns>
    /// <exception cref="GreenTimeoutException">The lock stayed held by another greenlet for the timeout (nothing is held).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The lock belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while another greenlet holds the lock.</exception>
    public Releaser Lock(TimeSpan timeout) => Lock(timeout, default);

    /// <summary>Takes the lock, or throws when <paramref name="cancellationToken"/> is cancelled first, and returns the scope.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is held.</param>
    /// <returns>A releaser whose <see cref="Releaser.Dispose"/> releases this level of the lock once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The lock belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while another greenlet holds the lock.</exception>
    public Releaser Lock(CancellationToken cancellationToken) => Lock(null, cancellationToken);

    private Releaser Lock(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (!AcquireCore(timeout, cancellationToken))
        {
            throw new GreenTimeoutException($"GreenLock.Lock: the lock stayed held for {timeout}.");
        }

        return NewScope();
    }

    private Releaser NewScope() => new(this, HeldScope.Begin(ref _spareScope));

    private void Exit(HeldScope.Ticket ticket)
    {
        // Checked before the hold ends: a wrong greenlet's dispose throws and leaves the scope releasable by its owner.
        _binding.Enter("GreenLock.Release");
        if (_owner != Greenlet.Current)
        {
            throw new SynchronizationLockException("Cannot release an un-acquired lock: the running greenlet does not own it.");
        }

        if (ticket.TryEnd(ref _spareScope))
        {
            Release();
        }
    }

    /// <summary>Releases one level of the lock taken by <see cref="Lock()"/> when disposed.</summary>
    /// <remarks>Disposing it again, or disposing a copy of it, does nothing; <c>default</c> holds nothing.</remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1034", Justification = "Named after its lock, next to it.")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1815", Justification = "A scope is not compared.")]
    public readonly struct Releaser : IDisposable
    {
        private readonly GreenLock? _lock;
        private readonly HeldScope.Ticket _ticket;

        internal Releaser(GreenLock owner, HeldScope.Ticket ticket)
        {
            _lock = owner;
            _ticket = ticket;
        }

        /// <summary>Releases this level of the lock the first time; later calls do nothing.</summary>
        /// <exception cref="GreenletError">The lock belongs to another thread's hub.</exception>
        /// <exception cref="SynchronizationLockException">The running greenlet does not hold the lock.</exception>
        public void Dispose() => _lock?.Exit(_ticket);
    }
}
