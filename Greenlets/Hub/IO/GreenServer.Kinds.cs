namespace Greenlets;

public sealed partial class GreenServer
{
    /// <summary>The running task of the server's hub (a handler, the acceptor), of the server's kind, or null (the hub,
    /// the main greenlet).</summary>
    private static object? CurrentTask(Internal.IWaitHub hub) =>
        hub is AsyncHub ? AsyncGreenlet.Current as AsyncGreenTask : Greenlet.Current as GreenTask;

    private bool IsAcceptor(object task) => ReferenceEquals(task, _acceptor) || ReferenceEquals(task, _asyncAcceptor);

    /// <summary>Lets a handler that stops its own server out of the group: it is neither waited for nor killed.</summary>
    private void DiscardHandler(object task)
    {
        switch (task)
        {
            case GreenTask sync when _handlers.Contains(sync):
                _handlers.Discard(sync);
                break;
            case AsyncGreenTask async when _handlers.Contains(async):
                _handlers.Discard(async);
                break;
        }
    }

    /// <summary>From the hub's tree: kills the acceptor without waiting.</summary>
    private void KillAcceptor()
    {
        _acceptor?.Kill(block: false);
        if (_asyncAcceptor is { } acceptor)
        {
            EndSynchronously(acceptor.KillAsync(block: false));
        }
    }

    /// <summary>From the hub: kills every handler at once, without waiting (gevent's <c>pool.kill</c>).</summary>
    private void KillAllHandlers()
    {
        if (_asyncHandler is null)
        {
            _handlers.Kill(block: false);
        }
        else
        {
            EndSynchronously(_handlers.KillAsync(block: false));
        }
    }

    /// <summary>Ends what completes synchronously: a non-blocking kill in the hub's tree (it only schedules), a stop
    /// that blocked or did not wait; rethrows its failure.</summary>
    private static void EndSynchronously(ValueTask done)
    {
        if (!done.IsCompletedSuccessfully)
        {
            done.AsTask().GetAwaiter().GetResult();
        }
    }
}
