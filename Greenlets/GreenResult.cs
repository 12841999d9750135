using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A value or an exception that greenlets can wait for: gevent's <c>AsyncResult</c>.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <remarks><see cref="Set"/> and <see cref="SetException"/> may be called from any thread; waiters resume through
/// their hub. Setting again replaces the outcome. A setter on another thread does not keep the hub alive: wait with
/// a timeout for cross-thread results, or the waiter may get <see cref="HubLoopExitException"/> first.</remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class GreenResult<T>
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenResult<{typeof(T).Name}> IsReady={IsReady}";

    private readonly HubBinding _binding = new();
    private readonly Lock _sync = new();
    private readonly WaitList _waiters = new();
    private volatile bool _isReady;
    private T _value = default!;
    private ExceptionDispatchInfo? _error;

    /// <summary>Gets whether a value or an exception was set.</summary>
    public bool IsReady => _isReady;

    /// <summary>Gets whether a value (not an exception) was set.</summary>
    public bool IsSuccessful => _isReady && _error is null;

    /// <summary>Gets the exception that was set, or null.</summary>
    public Exception? Exception => _error?.SourceException;

    /// <summary>Sets the value and wakes every waiter.</summary>
    /// <param name="value">The value.</param>
    /// <remarks>Callable from any thread: posted into the owning hub, which wakes at once.</remarks>
    public void Set(T value)
    {
        if (_binding.Marshal("GreenResult.Set", static s => s.Result.Set(s.Value), (Result: this, Value: value)))
        {
            return;
        }

        Complete(value, null);
    }

    /// <summary>Sets an exception, rethrown by <see cref="Get"/>, and wakes every waiter.</summary>
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

        Complete(default!, ExceptionDispatchInfo.Capture(e));
    }

    /// <summary>Waits cooperatively until the result is set; true when it is, false when the timeout passed first.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>Whether the result is ready.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="GreenletError">The result belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever set the result.</exception>
    public bool Wait(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenResult.Wait");
        if (_isReady)
        {
            return true;
        }

        Hub hub = Hub.Current;
        var waiter = new HubWaiter(hub, hub.CheckCanBlock(), "GreenResult.Get");
        LinkedListNode<HubWaiter> node;
        lock (_sync)
        {
            if (_isReady)
            {
                return true;
            }

            node = _waiters.Add(waiter);
        }

        try
        {
            hub.Block(waiter, timeout);
            return _isReady;
        }
        finally
        {
            lock (_sync)
            {
                _waiters.Remove(node);
            }
        }
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
    public T Get(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        _binding.Enter("GreenResult.Get");
        if (!Wait(timeout))
        {
            throw new GreenTimeoutException($"The result was not set within {timeout}.");
        }

        _error?.Throw();
        return _value;
    }

    private void Complete(T value, ExceptionDispatchInfo? error)
    {
        List<HubWaiter> woken = [];
        lock (_sync)
        {
            _value = value;
            _error = error;
            _isReady = true;
            while (_waiters.TakeFirst() is { } waiter)
            {
                woken.Add(waiter);
            }
        }

        foreach (HubWaiter waiter in woken)
        {
            waiter.WakeFromAnyThread(null);
        }
    }
}
