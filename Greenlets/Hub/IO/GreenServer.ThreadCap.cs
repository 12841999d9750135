using System.Net;
using System.Net.Sockets;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class GreenServer
{
    // gevent's BaseServer.min_delay and max_delay: the pause after an accept or spawn failure, doubling.
    private static readonly TimeSpan MinPause = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(1);

    private readonly GreenEvent _threadFreed = new();
    private CancellationTokenSource _acceptCancel = new();
    private bool _atThreadCap;
    private bool _threadCapReported;
    private TimeSpan _pauseDelay = MinPause;

    /// <summary>The token of the next accept, renewed after a pause cancelled the last one.</summary>
    private CancellationToken AcceptToken()
    {
        if (_acceptCancel.IsCancellationRequested)
        {
            _acceptCancel.Dispose();
            _acceptCancel = new CancellationTokenSource();
        }

        return _acceptCancel.Token;
    }

    /// <summary>From the hub, when a handler got no fiber thread: closes its connection and pauses accepting; reports
    /// it unless reported since a handler last started.</summary>
    private void OnHandlerCouldNotStart(ConnectionTask task, InvalidOperationException error)
    {
        if (_state == ServerState.Started)
        {
            if (!_atThreadCap)
            {
                _atThreadCap = true;

                // The accept already pending would take one more client only to drop it: it waits in the backlog instead.
                _acceptCancel.Cancel();
            }

            if (!_threadCapReported)
            {
                _threadCapReported = true;
                ((Hub)_hub!).ReportError(task, new InvalidOperationException(
                    $"GreenServer {LocalEndPoint} got no fiber thread for a handler: the connection from {task.Remote} was closed, "
                    + "and accepting pauses until a thread is free (reported again only after a handler could start). " + error.Message,
                    error));
            }
        }

        task.Client.Dispose();
    }

    /// <summary>In a handler that started: a thread was had, so the next failure is news again.</summary>
    private void OnHandlerStarted()
    {
        _threadCapReported = false;
        _pauseDelay = MinPause;
    }

    /// <summary>In the acceptor, after a handler got no thread: pauses at least the backoff delay (gevent's, doubling
    /// while failures go on), then until a greenlet could start again, or the server stops.</summary>
    private void WaitForThreads()
    {
        // The OS may refuse threads under the cap (FiberPool.CanRent cannot see that): the delay alone then limits how
        // often a connection is taken and dropped.
        Hub.Sleep(NextPause());
        while (_state == ServerState.Started)
        {
            // Cleared before the check: a handler finishing after it sets the event, so the wait below returns at once.
            _threadFreed.Clear();
            if (FiberPool.Shared.CanRent)
            {
                _atThreadCap = false;
                return;
            }

            // Threads freed by other code (another tree, a finished greenlet) wake nobody: look again after the delay.
            _threadFreed.Wait(NextPause());
        }
    }

    private TimeSpan NextPause()
    {
        TimeSpan delay = _pauseDelay;
        _pauseDelay = delay * 2 < MaxPause ? delay * 2 : MaxPause;
        return delay;
    }

    /// <summary>The task of one connection; it closes the connection and reports once when it cannot get a thread.</summary>
    private sealed class ConnectionTask : GreenTask
    {
        private readonly GreenServer _server;

        public ConnectionTask(GreenServer server, Socket client, EndPoint remote)
            : base(() =>
            {
                server.Handle(client, remote);
                return null;
            })
        {
            _server = server;
            Client = client;
            Remote = remote;
            Name = $"GreenServer handler {remote}";
        }

        public Socket Client { get; }

        public EndPoint Remote { get; }

        private protected override bool OnStartFailed(InvalidOperationException error)
        {
            _server.OnHandlerCouldNotStart(this, error);
            return true;
        }
    }
}
