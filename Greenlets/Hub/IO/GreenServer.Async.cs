using System.Net;
using System.Net.Sockets;

namespace Greenlets;

public sealed partial class GreenServer
{
    private readonly Func<Socket, EndPoint, ValueTask>? _asyncHandler;
    private readonly Action<AsyncGreenTask> _onAsyncHandlerFinished;
    private AsyncGreenTask? _asyncAcceptor;

    /// <summary>Creates a server whose handler is asynchronous, bound to <paramref name="endPoint"/> and listening with a
    /// backlog of 128 (gevent's); it serves on the <see cref="AsyncHub"/> of the flow that starts it, each connection an
    /// <see cref="AsyncGreenTask"/>.</summary>
    /// <param name="endPoint">The address and port to listen on (port 0 for any free port).</param>
    /// <param name="handler">Runs per connection with the socket and the remote end point, as async greenlet code: it
    /// waits cooperatively with the <c>*Async</c> members (<see cref="GreenStream"/>'s <c>ReadAsync</c>/<c>WriteAsync</c>,
    /// <see cref="AsyncHub.WaitAsync(Func{CancellationToken, Task})"/>); the socket is closed when it completes.</param>
    /// <param name="pool">Limits how many handlers run at once, or null for no limit.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="SocketException">The end point cannot be bound.</exception>
    public GreenServer(IPEndPoint endPoint, Func<Socket, EndPoint, ValueTask> handler, GreenPool? pool = null)
        : this(endPoint, handler, pool, DefaultBacklog)
    {
    }

    /// <summary>Creates a server whose handler is asynchronous, listening with <paramref name="backlog"/>.</summary>
    /// <param name="endPoint">The address and port to listen on (port 0 for any free port).</param>
    /// <param name="handler">Runs per connection with the socket and the remote end point, as async greenlet code.</param>
    /// <param name="pool">Limits how many handlers run at once, or null for no limit.</param>
    /// <param name="backlog">How many connections the OS may queue while none is accepted (see <see cref="Backlog"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backlog"/> is zero or negative.</exception>
    /// <exception cref="SocketException">The end point cannot be bound.</exception>
    public GreenServer(IPEndPoint endPoint, Func<Socket, EndPoint, ValueTask> handler, GreenPool? pool, int backlog)
        : this(endPoint, handler, pool, backlog, ListenMode.Exclusive)
    {
    }

    /// <summary>Creates a server with an asynchronous handler that listens as <paramref name="mode"/> says.</summary>
    internal GreenServer(IPEndPoint endPoint, Func<Socket, EndPoint, ValueTask> handler, GreenPool? pool, int backlog, ListenMode mode)
        : this(endPoint, (Delegate)handler, pool, backlog, mode)
    {
    }

    /// <summary>Gets whether the handler is asynchronous (the server serves on an <see cref="AsyncHub"/>).</summary>
    internal bool IsAsync => _asyncHandler is not null;

    /// <summary>Starts accepting connections, as <see cref="Start"/> does (which it only mirrors for async code).</summary>
    /// <returns>A completed task: starting never waits.</returns>
    /// <exception cref="ObjectDisposedException">The server was stopped.</exception>
    public ValueTask StartAsync()
    {
        Start();
        return default;
    }

    /// <summary>Starts if needed and waits cooperatively, from async greenlet code (or the async flow's main code), until
    /// the stop has finished; completes at once if the server was stopped already.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public ValueTask ServeForeverAsync()
    {
        TryStart();
        return _stopped.IsSet ? default : WaitStoppedAsync();
    }

    private async ValueTask WaitStoppedAsync() => await _stopped.WaitAsync();

    /// <summary>The acceptor of an asynchronous server: <see cref="AcceptLoop"/>'s rules, awaited.</summary>
    private async ValueTask AcceptLoopAsync()
    {
        while (_state == ServerState.Started)
        {
            // gevent's full(): accepting pauses until the pool has a slot; clients wait in the backlog meanwhile.
            if (_pool is not null)
            {
                await _pool.WaitAvailableAsync();
            }

            Socket client;
            try
            {
                if (_handedOver is not null)
                {
                    (client, EndPoint handedRemote) = await _handedOver.GetAsync();
                    await ServeAsync(client, handedRemote);
                    continue;
                }

                // Cooperative, and cancelled (not abandoned) when the acceptor is killed.
                client = await AsyncHub.WaitAsync(token => _listener!.AcceptAsync(token).AsTask());
            }
            catch (Exception e) when (IsAcceptFailure(e, out bool ends))
            {
                if (ends)
                {
                    return;
                }

                continue;
            }

            if (TakeAccepted(client, out EndPoint remote))
            {
                await ServeAsync(client, remote);
            }
        }
    }

    /// <summary>Spawns the asynchronous handler of one connection into the group.</summary>
    private async ValueTask ServeAsync(Socket client, EndPoint remote)
    {
        AsyncConnectionTask task;
        try
        {
            // A pool shared with other code may be full again by now: wait for a slot (the acceptor may be killed
            // there). No await between the check and Add, so the slot cannot be taken in between.
            while (_pool is { FreeCount: 0 })
            {
                await _pool.WaitAvailableAsync();
            }

            task = new AsyncConnectionTask(this, client, remote);
            _handlers.Add(task);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        // After the group's own link, so that the group no longer counts the task when this runs.
        task.AddRawLink(_onAsyncHandlerFinished);
        task.Start();
    }

    private async ValueTask HandleAsync(Socket client, EndPoint remote)
    {
        try
        {
            await _asyncHandler!(client, remote);
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>The raw link of every asynchronous handler task, run from the hub once it finished, ran or not.</summary>
    private void OnHandlerFinished(AsyncGreenTask task) => OnHandlerFinished(((AsyncConnectionTask)task).Client);

    /// <summary>The task of one connection of an asynchronous server.</summary>
    private sealed class AsyncConnectionTask : AsyncGreenTask
    {
        public AsyncConnectionTask(GreenServer server, Socket client, EndPoint remote)
            : base(() => server.HandleAsync(client, remote))
        {
            Client = client;
            Name = $"GreenServer handler {remote}";
        }

        public Socket Client { get; }
    }
}
