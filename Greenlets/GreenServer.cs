using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Greenlets;

/// <summary>A TCP server that runs a handler per connection, each in its own <see cref="GreenTask"/>: gevent's <c>StreamServer</c>.</summary>
/// <remarks>
/// <para>The constructor binds and listens (port 0 picks a free port: read <see cref="LocalEndPoint"/>);
/// <see cref="Start"/> begins accepting in a task of the calling tree's hub. The handler gets the connected socket
/// and the remote end point; the socket is closed when the handler returns. Wrap it as
/// <c>new GreenStream(new NetworkStream(socket))</c> to read and write cooperatively.</para>
/// <para>With a <see cref="GreenPool"/>, at most its size of handlers run at once and accepting pauses while the
/// pool is full. A handler that throws is reported to <see cref="Hub.UnhandledException"/> (or standard error);
/// the server keeps serving.</para>
/// <para>Use a server from the tree that started it.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class GreenServer : IDisposable
{
    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"GreenServer {LocalEndPoint} started={IsStarted} handlers={_handlers.Count}";

    private readonly Socket _listener;
    private readonly Action<Socket, EndPoint> _handler;
    private readonly GreenPool? _pool;
    private readonly GreenGroup _handlers;
    private readonly GreenEvent _stopped = new();
    private GreenTask? _acceptor;
    private bool _stopping;

    /// <summary>Creates a server bound to <paramref name="endPoint"/> and listening.</summary>
    /// <param name="endPoint">The address and port to listen on (port 0 for any free port).</param>
    /// <param name="handler">Runs per connection with the socket and the remote end point.</param>
    /// <param name="pool">Limits how many handlers run at once, or null for no limit.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="SocketException">The end point cannot be bound.</exception>
    public GreenServer(IPEndPoint endPoint, Action<Socket, EndPoint> handler, GreenPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        _pool = pool;
        _handlers = pool ?? new GreenGroup();
        _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(endPoint);
            _listener.Listen(128);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    /// <summary>Gets the end point the server listens on, with the real port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Gets whether <see cref="Start"/> was called and <see cref="Stop"/> not yet.</summary>
    public bool IsStarted => _acceptor is not null && !_stopping;

    /// <summary>Starts accepting connections in a task of the calling tree's hub; returns at once.</summary>
    /// <exception cref="ObjectDisposedException">The server was stopped.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_acceptor is not null)
        {
            return;
        }

        _acceptor = new GreenTask(AcceptLoop) { Name = $"GreenServer {LocalEndPoint} accept" };
        _acceptor.Start();
    }

    /// <summary>Starts if needed and waits cooperatively until <see cref="Stop"/> is called.</summary>
    /// <exception cref="ObjectDisposedException">The server was stopped before it started.</exception>
    public void ServeForever()
    {
        if (!_stopping)
        {
            Start();
        }

        _stopped.Wait();
    }

    /// <summary>Closes the listener, waits for running handlers up to <paramref name="timeout"/>, then kills the rest.</summary>
    /// <param name="timeout">How long handlers may take to finish; null for gevent's default of 1 second.</param>
    public void Stop(TimeSpan? timeout = null)
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _listener.Dispose();
        if (_acceptor is { } acceptor && Greenlet.Current != acceptor)
        {
            acceptor.Kill();
        }

        if (!_handlers.Join(timeout ?? TimeSpan.FromSeconds(1)))
        {
            _handlers.Kill();
        }

        _stopped.Set();
    }

    /// <summary>Stops the server (see <see cref="Stop"/>).</summary>
    public void Dispose() => Stop();

    private void AcceptLoop()
    {
        while (!_stopping)
        {
            _pool?.WaitAvailable();
            Socket client;
            try
            {
                client = Hub.Wait(_listener.AcceptAsync());
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (_stopping)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            EndPoint remote;
            try
            {
                client.NoDelay = true;
                remote = client.RemoteEndPoint!;
            }
            catch (SocketException)
            {
                client.Dispose();
                continue;
            }

            _handlers.Spawn(() => Handle(client, remote)).Name = $"GreenServer handler {remote}";
        }
    }

    private void Handle(Socket client, EndPoint remote)
    {
        try
        {
            _handler(client, remote);
        }
        finally
        {
            client.Dispose();
        }
    }
}
