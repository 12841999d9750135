using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Greenlets.Internal;

namespace Greenlets;

/// <summary>One <see cref="GreenServer"/> per hub, on as many <see cref="HubThread"/>s: one port served by several
/// cores, the way gevent users run one worker process per core.</summary>
/// <remarks>
/// <para>Each hub runs its own server and its own handlers; a connection lives on one hub from accept to close, so a
/// handler's greenlets and <c>Green*</c> objects are that hub's alone. Objects shared by handlers of different hubs must
/// be thread-safe .NET ones (or each hub gets its own).</para>
/// <para>On Linux every server has its own listener on the shared port (<c>SO_REUSEPORT</c>) and the kernel spreads
/// connections over them by a hash of their addresses, so no hub accepts for another. Elsewhere the first hub's server
/// accepts every connection and hands them round-robin to the others' (a post into their hub each). A pool
/// (<c>poolSize</c>) bounds each hub's handlers separately; in the hand-over mode connections handed to a full hub wait
/// in its queue.</para>
/// <para><b>Asynchronous handlers</b> (<see cref="ForAsyncHandler(IPEndPoint, int, Func{Socket, EndPoint, ValueTask}, int?)"/>): each server serves on an <see cref="AsyncHub"/> of
/// its own, the hub of a fresh async flow, instead of a hub thread. An async hub holds no thread while it waits; its
/// steps run on the thread that woke it (a socket completion on the thread pool), never two of one hub at once, so the
/// hubs together use up to as many threads as there are hubs, and each hub's handlers share nothing with the
/// others'.</para>
/// <para><see cref="Stop"/> (or <see cref="Dispose"/>) stops every server as <see cref="GreenServer.Stop"/> does, all
/// at once, then stops the hub threads; callable from any thread, but not from a handler (it waits for the handlers).</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class MultiHubServer : IDisposable
{
    private readonly GreenServer[] _servers;
    private readonly HubThread[] _threads;
    private readonly Task[] _flows;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _sync = new();
    private int _next;
    private bool _started;
    private bool _stopping;

    /// <summary>Binds <paramref name="hubs"/> servers to <paramref name="endPoint"/>; <see cref="Start"/> starts them,
    /// each on a hub thread of its own.</summary>
    /// <param name="endPoint">The address and port (0 for any free port; all hubs then share the one picked).</param>
    /// <param name="hubs">How many hubs (threads); <see cref="Environment.ProcessorCount"/> is the usual choice.</param>
    /// <param name="handler">Runs per connection, in a <see cref="GreenTask"/> of the hub that took it.</param>
    /// <param name="poolSize">At most this many handlers at once per hub, or null for no limit.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hubs"/> or <paramref name="poolSize"/> is zero or negative.</exception>
    /// <exception cref="SocketException">The end point cannot be bound (nothing stays bound).</exception>
    public MultiHubServer(IPEndPoint endPoint, int hubs, Action<Socket, EndPoint> handler, int? poolSize = null)
        : this(endPoint, hubs, handler, poolSize, handOver: !SharedPort.IsSupported)
    {
    }

    /// <summary>As the public constructor; <paramref name="handOver"/> forces the hand-over mode (tests run it on Linux).</summary>
    internal MultiHubServer(IPEndPoint endPoint, int hubs, Action<Socket, EndPoint> handler, int? poolSize, bool handOver)
        : this(endPoint, hubs, (Delegate)handler, poolSize, handOver)
    {
    }

    /// <summary>The one constructor, for either kind of handler; everything is checked before anything binds.</summary>
    private MultiHubServer(IPEndPoint endPoint, int hubs, Delegate handler, int? poolSize, bool handOver)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hubs);
        if (poolSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size, nameof(poolSize));
        }

        IsPortShared = !handOver;
        _servers = new GreenServer[hubs];
        _threads = new HubThread[hubs];
        _flows = new Task[hubs];
        try
        {
            GreenServer.ListenMode first = handOver ? GreenServer.ListenMode.Exclusive : GreenServer.ListenMode.SharedPort;
            _servers[0] = NewServer(endPoint, handler, poolSize, first);
            LocalEndPoint = _servers[0].LocalEndPoint;
            for (int k = 1; k < hubs; k++)
            {
                GreenServer.ListenMode mode = handOver ? GreenServer.ListenMode.HandedOver : GreenServer.ListenMode.SharedPort;
                _servers[k] = NewServer(LocalEndPoint, handler, poolSize, mode);
            }
        }
        catch
        {
            foreach (GreenServer? server in _servers)
            {
                server?.Stop();
            }

            throw;
        }

        if (handOver && hubs > 1)
        {
            _servers[0].Dispatch = HandOut;
        }
    }

    /// <summary>Binds <paramref name="hubs"/> servers with an asynchronous handler to <paramref name="endPoint"/>, each to
    /// serve on an <see cref="AsyncHub"/> of its own (see the remarks on the type); <see cref="Start"/> starts them.</summary>
    /// <param name="endPoint">The address and port (0 for any free port; all hubs then share the one picked).</param>
    /// <param name="hubs">How many hubs; <see cref="Environment.ProcessorCount"/> is the usual choice.</param>
    /// <param name="handler">Runs per connection, in an <see cref="AsyncGreenTask"/> of the hub that took it.</param>
    /// <param name="poolSize">At most this many handlers at once per hub, or null for no limit.</param>
    /// <returns>The server, bound and not started.</returns>
    /// <remarks>A factory rather than a constructor overload, so that <c>new MultiHubServer(endPoint, n, null!)</c> stays
    /// unambiguous. Linux only for now (each hub its own <c>SO_REUSEPORT</c> listener): the hand-over mode of other
    /// systems does not serve async hubs yet.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> or <paramref name="handler"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hubs"/> or <paramref name="poolSize"/> is zero or negative.</exception>
    /// <exception cref="SocketException">The end point cannot be bound (nothing stays bound).</exception>
    /// <exception cref="PlatformNotSupportedException">The system has no <c>SO_REUSEPORT</c> (not Linux).</exception>
    public static MultiHubServer ForAsyncHandler(IPEndPoint endPoint, int hubs, Func<Socket, EndPoint, ValueTask> handler, int? poolSize = null)
    {
        if (!SharedPort.IsSupported)
        {
            // The hand-over mode crashed the process in its first tests on async hubs: refused until it is understood.
            throw new PlatformNotSupportedException("MultiHubServer.ForAsyncHandler needs SO_REUSEPORT (Linux); use one GreenServer with an async handler elsewhere.");
        }

        return new(endPoint, hubs, handler, poolSize, handOver: false);
    }

    /// <summary>Gets the end point every hub serves, with the real port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Gets how many hubs serve the port.</summary>
    public int HubCount => _servers.Length;

    /// <summary>Gets whether each hub has its own listener on the shared port (Linux), rather than one acceptor handing
    /// connections out.</summary>
    public bool IsPortShared { get; }

    /// <summary>Gets a task that completes when <see cref="Stop"/> has finished: await it, or
    /// <see cref="Hub.Wait(Task)"/> on it from a greenlet.</summary>
    public Task Completion => _stopped.Task;

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay => $"MultiHubServer {LocalEndPoint} hubs={HubCount} shared={IsPortShared} started={_started}";

    /// <summary>Starts a hub thread per server and the server in it; returns once all accept.</summary>
    /// <exception cref="ObjectDisposedException">The server was stopped.</exception>
    /// <exception cref="InvalidOperationException">It was started already.</exception>
    public void Start()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (_started)
            {
                throw new InvalidOperationException("the server was started already");
            }

            _started = true;
        }

        try
        {
            for (int k = 0; k < _servers.Length; k++)
            {
                GreenServer server = _servers[k];
                if (server.IsAsync)
                {
                    _flows[k] = StartAsyncHub(server);
                    continue;
                }

                _threads[k] = new HubThread($"hub {k} {LocalEndPoint}");
                _threads[k].InvokeAsync(server.Start).GetAwaiter().GetResult();
            }
        }
        catch
        {
            Stop();
            throw;
        }
    }

    /// <summary>Blocks the calling thread until <see cref="Stop"/> has finished (from another thread, or
    /// <c>Console.CancelKeyPress</c>); not from a greenlet, which should wait on <see cref="Completion"/> instead.</summary>
    public void ServeForever() => _stopped.Task.GetAwaiter().GetResult();

    /// <summary>Stops every hub's server at once (see <see cref="GreenServer.Stop"/>), then its hub thread; idempotent.</summary>
    /// <param name="timeout">How long handlers may take to finish, as for <see cref="GreenServer.Stop"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite (nothing
    /// is stopped).</exception>
    public void Stop(TimeSpan? timeout = null)
    {
        HubTimeouts.Check(timeout, nameof(timeout));
        lock (_sync)
        {
            if (_stopping)
            {
                // A second caller waits for the first one's stop.
                _stopped.Task.GetAwaiter().GetResult();
                return;
            }

            _stopping = true;
        }

        try
        {
            // The acceptor of the hand-over mode first, so that nothing more is handed to servers that are stopping.
            _servers[0].Stop(timeout);
            Task.WaitAll([.. _servers.Skip(1).Select(server => Task.Run(() => server.Stop(timeout)))]);
            foreach (HubThread? thread in _threads)
            {
                thread?.Dispose();
            }

            // Each async hub's flow ends when its server's ServeForeverAsync returns, right after its stop.
            Task.WaitAll([.. _flows.Where(flow => flow is not null)]);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Stops the server (see <see cref="Stop"/>).</summary>
    public void Dispose() => Stop();

    private static GreenPool? NewPool(int? size) => size is { } n ? new GreenPool(n) : null;

    private static GreenServer NewServer(IPEndPoint endPoint, Delegate handler, int? poolSize, GreenServer.ListenMode mode) => handler switch
    {
        Func<Socket, EndPoint, ValueTask> asyncHandler => new GreenServer(endPoint, asyncHandler, NewPool(poolSize), 128, mode),
        _ => new GreenServer(endPoint, (Action<Socket, EndPoint>)handler, NewPool(poolSize), 128, mode),
    };

    /// <summary>Starts <paramref name="server"/> in the async hub of a fresh flow; returns once it accepts, with the
    /// flow's task, which ends after the server stopped.</summary>
    private static Task StartAsyncHub(GreenServer server)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task flow;

        // A fresh flow (no inherited AsyncLocal values): its own async tree and hub, not the caller's.
        using (ExecutionContext.SuppressFlow())
        {
            flow = Task.Run(async () =>
            {
                try
                {
                    _ = AsyncHub.Current;
                    server.Start();
                }
                catch (Exception e)
                {
                    started.TrySetException(e);
                    throw;
                }

                started.TrySetResult();
                await server.ServeForeverAsync();
            });
        }

        started.Task.GetAwaiter().GetResult();
        return flow;
    }

    /// <summary>The hand-over mode's dispatch, in the first hub's acceptor: round-robin over the hubs, this one included.</summary>
    private bool HandOut(Socket client, EndPoint remote)
    {
        int k = _next;
        _next = (k + 1) % _servers.Length;

        // A hub that is stopping refuses: the first hub serves the connection itself, or its own stop closes it.
        return k != 0 && _servers[k].TryHandOver(client, remote);
    }
}
