using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A value or an exception that greenlets can wait for: gevent's <c>AsyncResult</c>.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <remarks><see cref="Set"/> and <see cref="SetException"/> may be called from any thread; waiters resume through
/// their hub. As in gevent, a value once set wins over an exception (<see cref="Get(TimeSpan?)"/> returns it, even after a later
/// <see cref="SetException"/>), a later <see cref="Set"/> replaces the value, and one hub callback wakes every waiter.
/// A setter on another thread does not keep the hub alive: wait with a timeout for cross-thread results, or the waiter may get <see cref="HubLoopExitException"/> first.</remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed partial class GreenResult<T>
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenResult<{typeof(T).Name}> IsReady={IsReady}";

    private readonly HubBinding _binding = new();
    private readonly Lock _sync = new();
    private readonly WaitList _waiters;
    private volatile bool _isReady;
    private bool _hasValue;
    private T _value = default!;
    private ExceptionDispatchInfo? _error;

    /// <summary>Creates an unset result.</summary>
    public GreenResult()
    {
        _waiters = new WaitList(() => _isReady, notifyAll: true);
    }

    /// <summary>Gets whether a value or an exception was set.</summary>
    public bool IsReady => _isReady;

    /// <summary>Gets whether a value was set (it wins over an exception, as in gevent).</summary>
    public bool IsSuccessful => _isReady && _hasValue;

    /// <summary>Gets the exception that was set, or null; kept even when a value wins over it.</summary>
    public Exception? Exception => _isReady ? _error?.SourceException : null;

    /// <summary>Sets the value and wakes every waiter; a later <see cref="Set"/> replaces it.</summary>
    /// <param name="value">The value.</param>
    /// <remarks>Callable from any thread: posted into the owning hub, which wakes at once.</remarks>
    public void Set(T value)
    {
        if (_binding.Marshal("GreenResult.Set", static s => s.Result.Set(s.Value), (Result: this, Value: value)))
        {
            return;
        }

        lock (_sync)
        {
            _value = value;
            _hasValue = true;
            _isReady = true;
            _waiters.Notify();
        }
    }

    /// <summary>Sets an exception, rethrown by <see cref="Get(TimeSpan?)"/> unless a value was set, and wakes every waiter.</summary>
    /// <param name="e">The exception.</param>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is null.</exception>
    /// <remarks>Callable from any thread: posted into the owning hub, which wakes at once.</remarks>
    public void SetException(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_binding.Marshal("GreenResult.SetException", static s => s.Result.SetException(s.Error), (Result: this, Error: e)))
        {
            return;
        }

        lock (_sync)
        {
            _error = ExceptionDispatchInfo.Capture(e);
            _isReady = true;
            _waiters.Notify();
        }
    }

    /// <summary>Waits cooperatively until the result is set; true when it is, false when the timeout passed first.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>Whether the result is ready.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The result belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever set the result.</exception>
    public bool Wait(TimeSpan? timeout = null) => WaitReady(timeout, default);

    private bool WaitReady(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenResult.Wait");
        cancellationToken.ThrowIfCancellationRequested();
        if (_isReady)
        {
            // gevent: ready, but the wake-up of the earlier waiters is still pending: they run first.
            _waiters.WaitForNotifier("GreenResult.Wait");
            return true;
        }

        return WaitCore(timeout, "GreenResult.Wait", cancellationToken);
    }

    /// <summary>Waits cooperatively for the result and returns the value, or rethrows the exception that was set.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>The value.</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The result belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever set the result.</exception>
    /// <exception cref="Exception">The exception that was set, with its original stack trace.</exception>
    public T Get(TimeSpan? timeout = null) => GetCore(timeout, default);

    private T GetCore(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenResult.Get");
        cancellationToken.ThrowIfCancellationRequested();

        // Unlike Wait, a ready result is returned at once, without waiting for the pending wake-ups (gevent).
        if (!_isReady && !WaitCore(timeout, "GreenResult.Get", cancellationToken))
        {
            throw new GreenTimeoutException($"The result was not set within {timeout}.");
        }

        return Outcome();
    }

    /// <summary>The value, or the exception that was set rethrown; the result is ready.</summary>
    private T Outcome()
    {
        if (!_hasValue)
        {
            _error!.Throw();
        }

        return _value;
    }

    private bool WaitCore(TimeSpan? timeout, string what, CancellationToken cancellationToken)
    {
        if (LinkUnlessReady(HubWaiter.Begin(what)) is { } waiter)
        {
            _waiters.Block(waiter, timeout, cancellationToken);
        }

        return _isReady;
    }

    /// <summary>Links <paramref name="waiter"/> unless the result was set meanwhile (then the wait is abandoned and
    /// null returned), under the lock a setter on another thread takes.</summary>
    private HubWaiter? LinkUnlessReady(HubWaiter waiter)
    {
        lock (_sync)
        {
            if (_isReady)
            {
                waiter.Abandon();
                return null;
            }

            return _waiters.Link(waiter);
        }
    }
}
