using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>The reusable await source behind a greenlet's pending switch: one per greenlet, so a switch allocates nothing.</summary>
public partial class AsyncGreenlet : IValueTaskSource<object?>
{
    private static readonly Action<object?> Completed = static _ => { };

    // The incoming transfer (written by the switcher), and the continuation of this greenlet's pending switch.
    private object? _value;
    private ExceptionDispatchInfo? _error;
    private Action<object?>? _continuation;
    private object? _continuationState;
    private short _version;
    private bool _completed;

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

        Action<object?>? previous = _continuation;
        if (previous is not null && previous != Completed)
        {
            throw new InvalidOperationException("this switch is already awaited: a switch may be awaited only once");
        }

        _continuationState = state;
        if (previous is null)
        {
            // Registering inside a trampoline step of this tree cannot race with the resume: the resume comes from a
            // later step of the same loop. Anywhere else another thread may resume this greenlet concurrently.
            if (_tree?.FrameOnThisThread() is not null)
            {
                _continuation = continuation;
                return;
            }

            previous = Interlocked.CompareExchange(ref _continuation, continuation, null);
            if (previous is null)
            {
                return;
            }
        }

        // Completed before anyone awaited: run the continuation off this stack, never re-entering the awaiting frame.
        _continuationState = null;
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
        _value = null;
        _error = null;
        _continuation = null;
        _continuationState = null;
    }

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
        Action<object?>? continuation = _continuation ?? Interlocked.CompareExchange(ref _continuation, Completed, null);
        if (continuation is not null)
        {
            continuation(_continuationState);
        }
    }
}
