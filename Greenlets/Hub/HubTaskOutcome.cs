using System.Runtime.ExceptionServices;

namespace Greenlets.Internal;

/// <summary>The outcome of a hub task, written once for <see cref="GreenTask"/> and <see cref="AsyncGreenTask"/>: ready,
/// value or failure, the <see cref="Task"/> handed out by <c>AsTask</c>, and how many waiters observe it.</summary>
/// <remarks>A mutable struct kept in a field of its task (no object of its own: a million tasks carry no extra
/// allocation). Only the task's hub writes it, except <see cref="Completion"/>, which any thread may call: the task's
/// lock orders that against <see cref="Complete"/>.</remarks>
internal struct HubTaskOutcome
{
    private volatile bool _ready;
    private object? _value;
    private ExceptionDispatchInfo? _error;
    private TaskCompletionSource<object?>? _completion;

    /// <summary>The waiters (joins, gets) that count as observing a failure, so that it is not reported.</summary>
    public int Observers;

    /// <summary>Gets whether the task has finished: returned, failed, or been killed.</summary>
    public readonly bool IsReady => _ready;

    /// <summary>Gets the failure as captured, or null (also before the end).</summary>
    public readonly ExceptionDispatchInfo? Error => _error;

    /// <summary>Gets whether the task finished without an error.</summary>
    public readonly bool IsSuccessful => _ready && _error is null;

    /// <summary>Gets the failure once ready, else null.</summary>
    public readonly Exception? Exception => _ready ? _error?.SourceException : null;

    /// <summary>Gets the value once ready without an error, else null.</summary>
    public readonly object? Value => _ready && _error is null ? _value : null;

    /// <summary>Returns the value, or rethrows the failure with its original stack trace; call it once ready.</summary>
    public readonly object? Result()
    {
        _error?.Throw();
        return _value;
    }

    /// <summary>Gets the task of the outcome, made at the first call (and completed at once if ready).</summary>
    public TaskCompletionSource<object?> Completion(Lock sync)
    {
        lock (sync)
        {
            if (_completion is null)
            {
                _completion = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_ready)
                {
                    SetCompletion();
                }
            }

            return _completion;
        }
    }

    /// <summary>Records the end: the value (or the <see cref="GreenletExit"/> of a kill) or the failure.</summary>
    /// <returns>Whether something observes the outcome already: a handed-out task or a waiting observer.</returns>
    public bool Complete(object? value, ExceptionDispatchInfo? error, Lock sync)
    {
        _value = value;
        _error = error;
        bool observed;
        lock (sync)
        {
            _ready = true;
            observed = _completion is not null;
            if (_completion is not null)
            {
                SetCompletion();
            }
        }

        return observed || Observers > 0;
    }

    private readonly void SetCompletion()
    {
        if (_error is { } error)
        {
            _completion!.TrySetException(error.SourceException);
        }
        else
        {
            _completion!.TrySetResult(_value);
        }
    }
}
