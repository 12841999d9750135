namespace Greenlets.Internal;

/// <summary>
/// One continuation posted to a greenlet's <see cref="AsyncTreeSynchronizationContext"/>: the rest of that greenlet's
/// code after a foreign await, handed to the tree's <see cref="IAsyncTreeScheduler"/> to run when it chooses.
/// </summary>
internal sealed class AsyncForeignContinuation
{
    private readonly SendOrPostCallback _callback;
    private readonly object? _state;
    private int _resumed;

    public AsyncForeignContinuation(AsyncGreenlet greenlet, SendOrPostCallback callback, object? state)
    {
        Greenlet = greenlet;
        _callback = callback;
        _state = state;
    }

    /// <summary>Gets the greenlet whose code this continuation is.</summary>
    public AsyncGreenlet Greenlet { get; }

    /// <summary>
    /// Runs the continuation as its greenlet: call it from a trampoline step of the tree (normally the scheduler's), and
    /// await the result at once, exactly like <see cref="AsyncGreenlet.SwitchAsync(object?)"/>.
    /// </summary>
    /// <returns>
    /// When the greenlet is parked on a foreign await: the caller's pending switch. The baton goes to the greenlet, whose
    /// step runs the continuation instead of completing a switch; everything it does then (switches, further awaits)
    /// stays flat in the trampoline, and the caller gets control back with whatever comes to it: the greenlet's switch
    /// value, <see cref="AsyncSchedulerLink.Parked"/> when it parks again, or its result when it dies and the caller is
    /// its parent. Otherwise (a stray continuation: a task of the greenlet that it did not await, or the unwinding of a
    /// greenlet killed while it awaited): the continuation runs inline, at once, inside the caller's step, and the result
    /// is completed with <see cref="AsyncSchedulerLink.Parked"/> as well (nothing came back for the caller: carry on). A switch that stray code makes is refused: <see cref="GreenletExit"/> for a killed
    /// greenlet, so that its <c>finally</c> blocks run, else <see cref="GreenletError"/>.
    /// </returns>
    /// <exception cref="GreenletError">The caller is not in a trampoline step of the greenlet's tree on this thread.</exception>
    /// <exception cref="InvalidOperationException">The continuation was resumed already, or the caller switched and has
    /// not awaited that switch.</exception>
    public ValueTask<object?> ResumeAsync() => AsyncGreenlet.ResumeForeign(this);

    /// <summary>Claims the single resume, once the caller has been checked.</summary>
    internal void Claim()
    {
        if (Interlocked.Exchange(ref _resumed, 1) != 0)
        {
            throw new InvalidOperationException("this foreign continuation was resumed already: resume each exactly once");
        }
    }

    /// <summary>Runs the callback; the caller has set the greenlet's synchronization context.</summary>
    internal void Invoke() => _callback(_state);
}
