using System.Diagnostics;

namespace Greenlets.Hosting;

/// <summary>What a <see cref="GreenletHubProgram"/> gets: its hub, the host's services, the stopping signal, and the
/// registry of servers to stop first when the host stops.</summary>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class GreenletHubContext
{
    private readonly object _sync = new();
    private readonly List<GreenServer> _servers = [];

    internal GreenletHubContext(Hub hub, IServiceProvider services, CancellationToken stopping)
    {
        Hub = hub;
        Services = services;
        Stopping = stopping;
    }

    /// <summary>Gets the hub the program runs in; its <see cref="Hub.InvokeAsync(Action)"/> may be used from any thread.</summary>
    public Hub Hub { get; }

    /// <summary>Gets the host's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets a token cancelled when the host starts stopping, before servers are stopped and tasks killed.</summary>
    /// <remarks>Greenlets need not watch it: the stop kills them with <see cref="GreenletExit"/>. It serves .NET work the
    /// program waits for (<c>Hub.Wait(Task.Delay(span, context.Stopping))</c>, an HTTP call).</remarks>
    public CancellationToken Stopping { get; }

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay
    {
        get
        {
            lock (_sync)
            {
                return $"GreenletHubContext {Hub} servers={_servers.Count} stopping={Stopping.IsCancellationRequested}";
            }
        }
    }

    /// <summary>Registers a server to stop when the host stops: it stops accepting, its handlers get
    /// <see cref="GreenletHubOptions.ServerStopTimeout"/> to finish, then the rest are killed; all before the hub's
    /// remaining tasks are killed.</summary>
    /// <param name="server">The server, started or not.</param>
    /// <remarks>A server registered once the stop has begun is stopped at once.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> is null.</exception>
    public void AddServer(GreenServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        lock (_sync)
        {
            if (!Stopping.IsCancellationRequested)
            {
                _servers.Add(server);
                return;
            }
        }

        server.Stop(TimeSpan.Zero);
    }

    /// <summary>Stops every registered server (in the hub: each stop waits cooperatively for its handlers).</summary>
    internal void StopServers(TimeSpan timeout)
    {
        GreenServer[] servers;
        lock (_sync)
        {
            servers = [.. _servers];
            _servers.Clear();
        }

        foreach (GreenServer server in servers)
        {
            server.Stop(timeout);
        }
    }
}
