namespace Greenlets.Internal;

/// <summary>
/// The cancellation token of a hub task (<see cref="GreenTask.CancellationToken"/>,
/// <see cref="AsyncGreenTask.CancellationToken"/>), written once for both: made at the first request, cancelled by a
/// kill or a timeout that lands in the task, and never reset.
/// </summary>
/// <remarks>A struct kept in the task, under the task's own lock: a million tasks that never ask for a token carry two
/// fields, not an object each.</remarks>
internal struct TaskCancellation
{
    private CancellationTokenSource? _source;
    private bool _requested;

    /// <summary>Returns the token, made on first use (already cancelled when a kill or a timeout came first).</summary>
    public CancellationToken Token(Lock sync)
    {
        lock (sync)
        {
            _source ??= new CancellationTokenSource();
            if (_requested)
            {
                _source.Cancel();
            }

            return _source.Token;
        }
    }

    /// <summary>Cancels the token (a kill or a timeout is landing); a failing callback of the token goes to
    /// <paramref name="report"/>, and the kill goes on.</summary>
    public void Cancel(Lock sync, Action<Exception> report)
    {
        CancellationTokenSource? source;
        lock (sync)
        {
            _requested = true;
            source = _source;
        }

        try
        {
            source?.Cancel();
        }
        catch (AggregateException e)
        {
            report(e);
        }
    }
}
