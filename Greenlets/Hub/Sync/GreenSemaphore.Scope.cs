using Greenlets.Internal;

namespace Greenlets;

/// <summary><c>using (sem.Enter()) { ... }</c>: a permit held for a scope.</summary>
public sealed partial class GreenSemaphore
{
    private HeldScope? _spareScope;

    /// <summary>Takes a permit, waiting cooperatively until one is free, and returns the scope that gives it back.</summary>
    /// <returns>A releaser whose <see cref="Releaser.Dispose"/> releases the permit once, however often it is called.</returns>
    /// <exception cref="GreenletError">The semaphore belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while no permit is free.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever release a permit.</exception>
    public Releaser Enter()
    {
        AcquireCore(null, default);
        return NewScope();
    }

    /// <summary>Takes a permit within <paramref name="timeout"/> and returns the scope that gives it back.</summary>
    /// <param name="timeout">The longest wait; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>A releaser whose <see cref="Releaser.Dispose"/> releases the permit once.</returns>
    /// <exception cref="GreenTimeoutException">No permit was free within the timeout (nothing is held).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The semaphore belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while no permit is free.</exception>
    public Releaser Enter(TimeSpan timeout) => Enter(timeout, default);

    /// <summary>Takes a permit, or throws when <paramref name="cancellationToken"/> is cancelled first, and returns the scope.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is held.</param>
    /// <returns>A releaser whose <see cref="Releaser.Dispose"/> releases the permit once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="GreenletError">The semaphore belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself while no permit is free.</exception>
    public Releaser Enter(CancellationToken cancellationToken) => Enter(null, cancellationToken);

    private Releaser Enter(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (!AcquireCore(timeout, cancellationToken))
        {
            throw new GreenTimeoutException($"GreenSemaphore.Enter: no permit was free within {timeout}.");
        }

        return NewScope();
    }

    private Releaser NewScope() => new(this, HeldScope.Begin(ref _spareScope));

    private void Exit(HeldScope.Ticket ticket)
    {
        if (_maxCount is not null)
        {
            // A bounded release must run in the owning tree: checked before the hold ends, so the owner can still end it.
            _binding.Enter("GreenSemaphore.Release");
        }

        if (ticket.TryEnd(ref _spareScope))
        {
            Release();
        }
    }

    /// <summary>Gives back the permit of one <see cref="Enter()"/> scope when disposed.</summary>
    /// <remarks>Disposing it again, or disposing a copy of it, does nothing; <c>default</c> holds nothing. Like
    /// <see cref="Release"/>, callable from another thread for a semaphore without a maximum count.</remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1034", Justification = "Named after its semaphore, as SemaphoreSlim's callers expect a scope type next to it.")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1815", Justification = "A scope is not compared.")]
    public readonly struct Releaser : IDisposable
    {
        private readonly GreenSemaphore? _semaphore;
        private readonly HeldScope.Ticket _ticket;

        internal Releaser(GreenSemaphore semaphore, HeldScope.Ticket ticket)
        {
            _semaphore = semaphore;
            _ticket = ticket;
        }

        /// <summary>Releases the permit the first time; later calls do nothing.</summary>
        /// <exception cref="SemaphoreFullException">The semaphore is bounded and already holds its maximum count.</exception>
        public void Dispose() => _semaphore?.Exit(_ticket);
    }
}
