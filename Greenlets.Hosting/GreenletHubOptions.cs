using System.Diagnostics;

namespace Greenlets.Hosting;

/// <summary>Settings of a hosted hub (<see cref="GreenletHubService"/>).</summary>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed class GreenletHubOptions
{
    private TimeSpan _serverStopTimeout = TimeSpan.FromSeconds(5);
    private TimeSpan _shutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the hub thread's name; null for "greenlet hub".</summary>
    public string? ThreadName { get; set; }

    /// <summary>Gets or sets how long the handlers of registered servers may take to finish when the host stops, before
    /// they are killed (<see cref="GreenServer.Stop"/>'s timeout); 5 seconds by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (infinite included: the stop must end).</exception>
    public TimeSpan ServerStopTimeout
    {
        get => _serverStopTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _serverStopTimeout = value;
        }
    }

    /// <summary>Gets or sets the bound of a stop: stopping the servers, then killing every task with
    /// <see cref="GreenletExit"/>; 10 seconds by default. The host's own shutdown timeout bounds it too.</summary>
    /// <remarks>A task that catches every <see cref="GreenletExit"/> and keeps waiting keeps the hub thread alive: past
    /// this bound the stop logs a warning and returns anyway (the hub thread is a background thread, so it does not keep
    /// the process alive).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (infinite included: the stop must end).</exception>
    public TimeSpan ShutdownTimeout
    {
        get => _shutdownTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _shutdownTimeout = value;
        }
    }

    /// <summary>Gets or sets whether an exception escaping the program stops the host (after it is logged); true by
    /// default, since a hub whose program failed usually serves nothing.</summary>
    public bool StopHostOnProgramFailure { get; set; } = true;

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay =>
        $"GreenletHubOptions thread=\"{ThreadName ?? GreenletHubService.DefaultThreadName}\" serverStop={ServerStopTimeout} shutdown={ShutdownTimeout}";
}
