using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>A TCP server that runs a handler per connection, each in its own <see cref="GreenTask"/> (or
/// <see cref="AsyncGreenTask"/> for an asynchronous handler): gevent's <c>StreamServer</c>.</summary>
/// <remarks>
/// <para>The constructor binds and listens (port 0 picks a free port: read <see cref="LocalEndPoint"/>);
/// <see cref="Start"/> begins accepting in a task of the calling tree's hub. The handler gets the connected socket
/// and the remote end point; the socket is closed when the handler returns, or when it never ran (killed before it
/// started, or refused a thread). Wrap it as <c>new GreenStream(new NetworkStream(socket))</c> to read and write
/// cooperatively.</para>
/// <para>Accepting pauses while it could not serve, and clients wait in the listen backlog meanwhile (see
/// <see cref="Backlog"/>). With a <see cref="GreenPool"/>, at most its size of handlers run at once and accepting pauses
/// while the pool is full. At the thread cap (<see cref="GreenletOptions.MaxThreads"/>: each handler is a greenlet
/// with its own fiber thread), or when the OS refuses a thread, the connection whose handler could not start is
/// closed, the condition is reported once to <see cref="Hub.UnhandledException"/> (or standard error; again only after
/// a handler could start), and accepting pauses: at least gevent's accept-error delay (10 ms, doubling up to 1 s while
/// failures go on), then until a thread is free (checked when a handler finishes, and after each delay).</para>
/// <para>A handler that throws is reported to <see cref="Hub.UnhandledException"/> (or standard error); the server
/// keeps serving.</para>
/// <para><b>An asynchronous handler</b> (<see cref="GreenServer(IPEndPoint, Func{Socket, EndPoint, ValueTask}, GreenPool?)"/>)
/// serves on the <see cref="AsyncHub"/> of the flow that starts the server: the acceptor and every connection are
/// <see cref="AsyncGreenTask"/>s, which need no thread of their own (the thread cap does not apply), and the same rules
/// hold: the pool, the stop, the report of a failure to <see cref="AsyncHub.UnhandledException"/>, the socket closed
/// always. Wait on it from async greenlet code with <see cref="ServeForeverAsync"/> and <see cref="StopAsync"/>.</para>
/// <para>Use a server from the tree that started it; <see cref="Stop"/> and <see cref="Dispose"/> may be called from
/// any thread.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed partial class GreenServer : IDisposable, IAsyncDisposable
{
    // gevent's StreamServer.backlog.
    private const int DefaultBacklog = 128;

    private readonly Lock _sync = new();
    private readonly Socket? _listener;
    private readonly GreenQueue<(Socket Client, EndPoint Remote)>? _handedOver;
    private readonly Action<Socket, EndPoint>? _handler;
    private readonly GreenPool? _pool;
    private readonly GreenGroup _handlers;
    private readonly Action<GreenTask> _onHandlerFinished;
    private IWaitHub? _hub;
    private GreenTask? _acceptor;
    private volatile ServerState _state;

    /// <summary>Creates a server bound to <paramref name="endPoint"/> and listening, with a backlog of 128 (gevent's).</summary>
    /// <param name="endPoint">The address and port to listen on (port 0 for any free port).</param>
    /// <param name="handler">Runs per connection with the socket and the remote end point.</param>
    /// <param name="pool">Limits how many handlers run at once, or null for no limit.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="SocketException">The end point cannot be bound.</exception>
    public GreenServer(IPEndPoint endPoint, Action<Socket, EndPoint> handler, GreenPool? pool = null)
        : this(endPoint, handler, pool, DefaultBacklog)
    {
    }

    /// <summary>Creates a server bound to <paramref name="endPoint"/> and listening with <paramref name="backlog"/>.</summary>
    /// <param name="endPoint">The address and port to listen on (port 0 for any free port).</param>
    /// <param name="handler">Runs per connection with the socket and the remote end point.</param>
    /// <param name="pool">Limits how many handlers run at once, or null for no limit.</param>
    /// <param name="backlog">How many connections the OS may queue while none is accepted (see <see cref="Backlog"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="backlog"/> is zero or negative.</exception>
    /// <exception cref="SocketException">The end point cannot be bound.</exception>
    public GreenServer(IPEndPoint endPoint, Action<Socket, EndPoint> handler, GreenPool? pool, int backlog)
        : this(endPoint, handler, pool, backlog, ListenMode.Exclusive)
    {
    }

    /// <summary>Creates a server that listens as <paramref name="mode"/> says.</summary>
    /// <remarks><see cref="ListenMode.HandedOver"/> binds nothing: <paramref name="endPoint"/> is the listening server's,
    /// and connections arrive through <see cref="TryHandOver"/>.</remarks>
    internal GreenServer(IPEndPoint endPoint, Action<Socket, EndPoint> handler, GreenPool? pool, int backlog, ListenMode mode)
        : this(endPoint, (Delegate)handler, pool, backlog, mode)
    {
    }

    /// <summary>The one constructor: <paramref name="handler"/> is an <see cref="Action{Socket, EndPoint}"/> (thread hub)
    /// or a <see cref="Func{Socket, EndPoint, ValueTask}"/> (async hub); everything is checked before anything binds.</summary>
    private GreenServer(IPEndPoint endPoint, Delegate handler, GreenPool? pool, int backlog, ListenMode mode)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(backlog);
        _handler = handler as Action<Socket, EndPoint>;
        _asyncHandler = handler as Func<Socket, EndPoint, ValueTask>;
        _pool = pool;
        _handlers = pool ?? new GreenGroup();
        _onHandlerFinished = OnHandlerFinished;
        _onAsyncHandlerFinished = OnHandlerFinished;
        Backlog = backlog;
        if (mode == ListenMode.HandedOver)
        {
            _handedOver = new GreenQueue<(Socket Client, EndPoint Remote)>();
            LocalEndPoint = endPoint;
            return;
        }

        _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (mode == ListenMode.SharedPort)
            {
                SharedPort.Enable(_listener);
            }

            _listener.Bind(endPoint);
            _listener.Listen(backlog);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    /// <summary>How a server gets its connections.</summary>
    internal enum ListenMode
    {
        /// <summary>Its own listener, which no other socket may share.</summary>
        Exclusive,

        /// <summary>Its own listener on a port shared with other servers' (Linux <c>SO_REUSEPORT</c>: the kernel spreads
        /// connections over them).</summary>
        SharedPort,

        /// <summary>No listener: another server's acceptor hands connections over (<see cref="TryHandOver"/>).</summary>
        HandedOver,
    }

    private enum ServerState
    {
        Created,
        Started,
        Stopping,
        Stopped,
    }

    /// <summary>Gets the end point the server listens on, with the real port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Gets the listen backlog: how many connections the OS queues while none is accepted.</summary>
    /// <remarks>Clients wait there while accepting pauses (a full pool, the thread cap); past it the OS refuses or drops
    /// new connections. The OS may lower it (Linux caps it at <c>net.core.somaxconn</c>).</remarks>
    public int Backlog { get; }

    /// <summary>Gets whether <see cref="Start"/> was called and <see cref="Stop"/> not yet.</summary>
    public bool IsStarted => _state == ServerState.Started;

    /// <summary>Gets or sets where the acceptor sends each accepted connection instead of serving it here: true when
    /// the callee took the socket (another hub's server, see <see cref="MultiHubServer"/>).</summary>
    internal Func<Socket, EndPoint, bool>? Dispatch { get; set; }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenServer {LocalEndPoint} started={IsStarted} handlers={_handlers.Count}";

    /// <summary>Starts accepting connections in a task of the calling tree's hub; returns at once.</summary>
    /// <remarks>With an asynchronous handler, the hub is the calling flow's <see cref="AsyncHub"/>
    /// (<see cref="AsyncHub.Current"/>): start it from the async code that runs that hub.</remarks>
    /// <exception cref="ObjectDisposedException">The server was stopped.</exception>
    public void Start() => ObjectDisposedException.ThrowIf(!TryStart(), this);

    /// <summary>Starts if needed and waits cooperatively until <see cref="Stop"/> has finished; returns at once if the
    /// server was stopped already.</summary>
    public void ServeForever()
    {
        TryStart();
        _stopped.Wait();
    }

    /// <summary>Stops the server (see <see cref="Stop"/>).</summary>
    /// <remarks>From the code of an asynchronous handler's own async tree, which cannot wait synchronously, it starts the
    /// stop and returns without waiting (<see cref="DisposeAsync"/> waits).</remarks>
    public void Dispose() => EndSynchronously(StopAs(null, StopCaller.Disposing));

    /// <summary>Starts unless stopped; false when stopped.</summary>
    private bool TryStart()
    {
        GreenTask? acceptor = null;
        AsyncGreenTask? asyncAcceptor = null;
        lock (_sync)
        {
            if (_state != ServerState.Created)
            {
                return _state == ServerState.Started;
            }

            string name = $"GreenServer {LocalEndPoint} accept";
            if (_asyncHandler is null)
            {
                _hub = Hub.Current;
                acceptor = _acceptor = new GreenTask(AcceptLoop) { Name = name };
            }
            else
            {
                _hub = AsyncHub.Current;
                asyncAcceptor = _asyncAcceptor = new AsyncGreenTask(AcceptLoopAsync) { Name = name };
            }

            _state = ServerState.Started;
        }

        acceptor?.Start();
        asyncAcceptor?.Start();
        return true;
    }

    private void AcceptLoop()
    {
        while (_state == ServerState.Started)
        {
            // gevent's full(): accepting pauses until the pool has a slot; clients wait in the backlog meanwhile.
            _pool?.WaitAvailable();
            if (_atThreadCap)
            {
                WaitForThreads();
                continue;
            }

            Socket client;
            try
            {
                if (_handedOver is not null)
                {
                    (client, EndPoint handedRemote) = _handedOver.Get();
                    Serve(client, handedRemote);
                    continue;
                }

                client = Hub.Wait(_listener!.AcceptAsync(AcceptToken()));
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
                Serve(client, remote);
            }
        }
    }

    /// <summary>The acceptors' one rule for a failed accept: whether <paramref name="error"/> is an accept failure the
    /// acceptor handles, and if so whether it <paramref name="ends"/> accepting (else it accepts again).</summary>
    private bool IsAcceptFailure(Exception error, out bool ends)
    {
        switch (error)
        {
            case OperationCanceledException:
                // The thread cap was reached meanwhile (OnHandlerCouldNotStart): pause instead of taking one more.
                ends = false;
                return true;
            case ObjectDisposedException:
                ends = true;
                return true;
            case SocketException:
                // The listener closed by a stop ends accepting; any other failure concerns that one client only.
                ends = _state != ServerState.Started;
                return true;
            default:
                ends = false;
                return false;
        }
    }

    /// <summary>The acceptors' one rule for an accepted socket: prepares it, and returns true when this server serves
    /// it; false when it was closed (it failed at once) or another server took it (<see cref="Dispatch"/>).</summary>
    private bool TakeAccepted(Socket client, out EndPoint remote)
    {
        try
        {
            client.NoDelay = true;
            remote = client.RemoteEndPoint!;
        }
        catch (SocketException)
        {
            client.Dispose();
            remote = null!;
            return false;
        }

        return Dispatch?.Invoke(client, remote) != true;
    }

    /// <summary>From any thread: hands an accepted connection to this server (one made with
    /// <see cref="ListenMode.HandedOver"/>), which serves it in its own hub; false (the caller keeps the socket) when the
    /// server is not serving.</summary>
    internal bool TryHandOver(Socket client, EndPoint remote)
    {
        IWaitHub? hub = _hub;
        if (_handedOver is null || hub is null || _state != ServerState.Started)
        {
            return false;
        }

        return hub.TryPost(() =>
        {
            if (_state == ServerState.Started)
            {
                _handedOver.TryPut((client, remote));
            }
            else
            {
                client.Dispose();
            }
        });
    }

    /// <summary>Spawns the handler of one connection into the group.</summary>
    private void Serve(Socket client, EndPoint remote)
    {
        var task = new ConnectionTask(this, client, remote);
        try
        {
            // A pool shared with other code may be full again by now: this waits for a slot, and may be killed there.
            _handlers.Add(task);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        // After the group's own link, so that the group no longer counts the task when this runs.
        task.AddRawLink(_onHandlerFinished);
        task.Start();
    }

    private void Handle(Socket client, EndPoint remote)
    {
        try
        {
            OnHandlerStarted();
            _handler!(client, remote);
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>The raw link of every handler task, run from the hub once it finished, ran or not.</summary>
    private void OnHandlerFinished(GreenTask task) => OnHandlerFinished(((ConnectionTask)task).Client);

    /// <summary>What follows every handler's end, of either kind, in the hub.</summary>
    private void OnHandlerFinished(Socket client)
    {
        // A handler killed before it started (by Stop), or refused a thread, never got to close its socket.
        client.Dispose();
        if (_atThreadCap)
        {
            _threadFreed.Set();
        }

        if (_state == ServerState.Stopping && _handlers.Count == 0)
        {
            Finish();
        }
    }
}
