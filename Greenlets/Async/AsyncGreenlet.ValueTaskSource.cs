using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>The reusable await source behind a greenlet's pending switch: one per greenlet, so a switch allocates nothing.</summary>
public partial class AsyncGreenlet : IValueTaskSource<object?>
{
    // _signal: who came first, the await (Awaited) or the resume (ResumedFirst).
    private const int NotYet = 0;
    private const int Awaited = 1;
    private const int ResumedFirst = 2;

    // The incoming transfer (written by the switcher), and the continuation of this greenlet's pending switch. The
    // continuation and its state are kept between switches (an async method awaits with the same pair every time), so
    // the steady state rewrites neither.
    private object? _value;
    private ExceptionDispatchInfo? _error;
    private Action<object?>? _continuation;
    private object? _continuationState;
    private int _signal;
    private short _version;
    private bool _completed;

    // Set while this greenlet's switch was made inside a trampoline step that has not returned yet: an await made then
    // cannot race with the resume, which comes from a later step of the same loop.
    private bool _switchedInStep;

    // Set on the main greenlet while outside code's switch is pending: taking its result ends the tree's claim on
    // the main greenlet (see AsyncTree.TryClaimMain).
    private bool _holdsMainClaim;

    /// <inheritdoc/>
    ValueTaskSourceStatus IValueTaskSource<object?>.GetStatus(short token)
    {
        ValidateToken(token);
        return !_completed ? ValueTaskSourceStatus.Pending
            : _error is null ? ValueTaskSourceStatus.Succeeded
            : _error.SourceException is OperationCanceledException ? ValueTaskSourceStatus.Canceled
            : ValueTaskSourceStatus.Faulted;
    }

    /// <inheritdoc/>
    object? IValueTaskSource<object?>.GetResult(short token)
    {
        ValidateToken(token);
        if (!_completed)
        {
            throw new InvalidOperationException("the switch has not completed yet");
        }

        object? value = _value;
        ExceptionDispatchInfo? error = _error;
        _value = null;
        _error = null;
        _completed = false;

        // A switch is awaited once: the token dies with its result.
        _version++;
        if (_holdsMainClaim)
        {
            _holdsMainClaim = false;
            _tree!.ReleaseMain();
        }

        error?.Throw();
        return value;
    }

    /// <inheritdoc/>
    void IValueTaskSource<object?>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        ValidateToken(token);
        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0 ||
            ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0 && _tree is { } t && t.Main == this))
        {
            AsyncResume resume = AsyncResume.Capture(continuation, state, flags, IsMain);
            continuation = AsyncResume.Invoke;
            state = resume;
        }

        int signal = Volatile.Read(ref _signal);
        if (signal == NotYet)
        {
            if (_continuation != continuation)
            {
                _continuation = continuation;
            }

            if (_continuationState != state)
            {
                _continuationState = state;
            }

            if (_switchedInStep)
            {
                _signal = Awaited;
                return;
            }

            // Anywhere else another thread may resume this greenlet concurrently.
            signal = Interlocked.CompareExchange(ref _signal, Awaited, NotYet);
            if (signal == NotYet)
            {
                return;
            }
        }

        if (signal == Awaited)
        {
            throw new InvalidOperationException("this switch is already awaited: a switch may be awaited only once");
        }

        // Resumed before anyone awaited: run the continuation off this stack, never re-entering the awaiting frame.
        ThreadPool.UnsafeQueueUserWorkItem(continuation, state, preferLocal: false);
    }

    private void ValidateToken(short token)
    {
        if (token != _version)
        {
            throw new InvalidOperationException("this switch's task was already awaited, or belongs to an older switch: await a switch exactly once");
        }
    }

    /// <summary>Prepares the source for a new pending switch of this greenlet.</summary>
    private void ResetSource()
    {
        _version++;
        _completed = false;
        _signal = NotYet;
        _value = null;
        _error = null;
    }

    /// <summary>Called by the loop when this greenlet's step returns: an await from now on may race with its resume.</summary>
    internal void EndStep() => _switchedInStep = false;

    /// <summary>Marks the delivered value ready for a caller that has not awaited yet (the trampoline's root).</summary>
    internal void CompleteInline() => _completed = true;

    /// <summary>Takes the value delivered to the trampoline's root, which its switch returns synchronously.</summary>
    internal object? TakeInline()
    {
        object? value = _value;
        _value = null;
        _completed = false;
        _version++;
        return value;
    }

    /// <summary>Completes this greenlet's pending switch and resumes its continuation inline, if it has one yet.</summary>
    private void Signal()
    {
        _completed = true;
        if (Volatile.Read(ref _signal) == Awaited || Interlocked.CompareExchange(ref _signal, ResumedFirst, NotYet) == Awaited)
        {
            _continuation!(_continuationState);
        }
    }
}
