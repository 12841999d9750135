using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Greenlets.Hosting;

/// <summary>An <see cref="IHostedService"/> that runs a <see cref="GreenletHubProgram"/> on its own hub thread
/// (a <see cref="HubThread"/>), stops it gracefully with the host, and logs greenlet failures.</summary>
/// <remarks>
/// <para>Register it with <c>services.AddGreenletHub(program)</c> or <c>services.AddGreenletServer(factory)</c>.
/// <see cref="StartAsync"/> starts the hub thread and the program as a <see cref="GreenTask"/> in it, and returns at
/// once. <see cref="StopAsync"/> (the host stopping: <c>SIGTERM</c>, <c>Ctrl+C</c>,
/// <see cref="IHostApplicationLifetime.StopApplication"/>) cancels <see cref="GreenletHubContext.Stopping"/>, stops the
/// registered servers (<see cref="GreenletHubOptions.ServerStopTimeout"/>), then kills every unfinished task of the hub
/// with <see cref="GreenletExit"/>, round after round, so that their <c>finally</c> blocks run; the whole stop is
/// bounded by <see cref="GreenletHubOptions.ShutdownTimeout"/> and the host's token.</para>
/// <para>Logged through <see cref="ILogger"/>: an exception escaping the program (then, by default, the host stops), an
/// error nobody observes in the hub (<see cref="Hub.UnhandledException"/>: a failed task nobody joins or links, an
/// exception escaping a link), an exception of a collected greenlet (<see cref="Greenlet.UnobservedException"/>, which is
/// process-wide: every hosted hub logs it), and a stop that ran out of time.</para>
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed partial class GreenletHubService : IHostedService, IAsyncDisposable, IDisposable
{
    internal const string DefaultThreadName = "greenlet hub";

    private readonly GreenletHubProgram _program;
    private readonly GreenletHubOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _sync = new();
    private HubThread? _thread;
    private GreenletHubContext? _context;
    private Task? _programTask;
    private Task? _stop;

    /// <summary>Creates the service; nothing runs before <see cref="StartAsync"/>.</summary>
    /// <param name="program">The hub program.</param>
    /// <param name="options">The settings (read at start and stop).</param>
    /// <param name="services">The host's services, handed to the program.</param>
    /// <param name="logger">Where failures go.</param>
    /// <param name="lifetime">The host's lifetime, stopped when the program fails (see
    /// <see cref="GreenletHubOptions.StopHostOnProgramFailure"/>); null when there is no host to stop.</param>
    /// <exception cref="ArgumentNullException"><paramref name="program"/>, <paramref name="options"/>,
    /// <paramref name="services"/> or <paramref name="logger"/> is null.</exception>
    public GreenletHubService(GreenletHubProgram program, GreenletHubOptions options, IServiceProvider services,
        ILogger<GreenletHubService> logger, IHostApplicationLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(logger);
        _program = program;
        _options = options;
        _services = services;
        _logger = logger;
        _lifetime = lifetime;
    }

    /// <summary>Gets the program's outcome: completes when the program returns, faults with its exception, is cancelled
    /// when it is killed (by the stop, for instance); null before <see cref="StartAsync"/>.</summary>
    public Task? Program => _programTask;

    /// <summary>Gets the debugger's one-line view.</summary>
    internal string DebuggerDisplay =>
        $"GreenletHubService started={_thread is not null} program={_programTask?.Status.ToString() ?? "not started"} stopping={_stopping.IsCancellationRequested}";

    /// <summary>Starts the hub thread and the program in it; returns once the program is scheduled.</summary>
    /// <param name="cancellationToken">Cancelled when the host gives up starting.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (nothing started).</exception>
    /// <exception cref="InvalidOperationException">The service was started already.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // All under the lock, so that a StopAsync from another thread sees either nothing started or everything.
        lock (_sync)
        {
            if (_thread is not null || _stop is not null)
            {
                throw new InvalidOperationException("The greenlet hub service was started already; a service runs once.");
            }

            var thread = new HubThread(_options.ThreadName ?? DefaultThreadName);
            thread.Hub.UnhandledException += OnUnhandled;
            Greenlet.UnobservedException += OnUnobserved;
            var context = new GreenletHubContext(thread.Hub, _services, _stopping.Token);
            _context = context;
            _thread = thread;
            _programTask = thread.InvokeAsync(() => _program(context));
        }

        _ = ObserveProgramAsync(_programTask);
        LogStarted(_logger, _options.ThreadName ?? DefaultThreadName);
        return Task.CompletedTask;
    }

    /// <summary>Stops the hub: cancels <see cref="GreenletHubContext.Stopping"/>, stops the registered servers, kills
    /// every unfinished task with <see cref="GreenletExit"/> and ends the hub thread, within
    /// <see cref="GreenletHubOptions.ShutdownTimeout"/> and <paramref name="cancellationToken"/>.</summary>
    /// <param name="cancellationToken">Cancelled when the host's shutdown time is up: the stop then returns (logging
    /// a warning) even if a task is still running.</param>
    /// <returns>A task that completes when the hub thread has ended or the stop ran out of time; never faults. A second
    /// call waits for the first stop.</returns>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_stop is null)
            {
                _stop = _thread is null ? Task.CompletedTask : StopCoreAsync(_thread, cancellationToken);
            }

            return _stop;
        }
    }

    /// <summary>Stops the hub (see <see cref="StopAsync"/>) if the host did not.</summary>
    /// <returns>A task that completes when the stop is over.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Stops the hub (see <see cref="StopAsync"/>) if the host did not, blocking until the stop is over.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task StopCoreAsync(HubThread thread, CancellationToken cancellationToken)
    {
        // Called under _sync: the stop itself runs after the lock is released, off the caller's stack.
        await Task.Yield();
        try
        {
            _stopping.Cancel();
        }
        catch (AggregateException e)
        {
            LogStoppingCallbackFailed(_logger, e);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_options.ShutdownTimeout);
        try
        {
            await StopHubAsync(thread).WaitAsync(bound.Token).ConfigureAwait(false);
            LogStopped(_logger);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            LogStopTimedOut(_logger, thread.Hub.ToString());
        }
        finally
        {
            Greenlet.UnobservedException -= OnUnobserved;
        }
    }

    private async Task StopHubAsync(HubThread thread)
    {
        GreenletHubContext context = _context!;
        TimeSpan serverTimeout = _options.ServerStopTimeout;
        try
        {
            await thread.InvokeAsync(() => context.StopServers(serverTimeout)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogServerStopFailed(_logger, e);
        }
        catch (OperationCanceledException)
        {
            // The stopping greenlet itself was killed (the hub thread is going down anyway): go on with the kill.
        }

        try
        {
            await thread.StopAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogHubStopFailed(_logger, e);
        }
    }

    private async Task ObserveProgramAsync(Task program)
    {
        try
        {
            await program.ConfigureAwait(false);
            LogProgramReturned(_logger);
        }
        catch (OperationCanceledException) when (program.IsCanceled)
        {
            LogProgramKilled(_logger);
        }
        catch (Exception e)
        {
            LogProgramFailed(_logger, e);
            if (_options.StopHostOnProgramFailure && !_stopping.IsCancellationRequested)
            {
                _lifetime?.StopApplication();
            }
        }
    }

    private void OnUnhandled(object? sender, GreenletExceptionEventArgs e) => LogUnhandled(_logger, e.Exception, e.Greenlet.ToString());

    private void OnUnobserved(object? sender, GreenletExceptionEventArgs e) => LogUnobserved(_logger, e.Exception, e.Greenlet.ToString());

    [LoggerMessage(1, LogLevel.Information, "Greenlet hub started on thread \"{Thread}\"")]
    private static partial void LogStarted(ILogger logger, string thread);

    [LoggerMessage(2, LogLevel.Error, "The greenlet hub program failed")]
    private static partial void LogProgramFailed(ILogger logger, Exception exception);

    [LoggerMessage(3, LogLevel.Debug, "The greenlet hub program returned; the hub runs on until the host stops")]
    private static partial void LogProgramReturned(ILogger logger);

    [LoggerMessage(4, LogLevel.Debug, "The greenlet hub program was killed")]
    private static partial void LogProgramKilled(ILogger logger);

    [LoggerMessage(5, LogLevel.Error, "Unhandled exception in greenlet {Greenlet}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string greenlet);

    [LoggerMessage(6, LogLevel.Error, "Unobserved exception in collected greenlet {Greenlet}")]
    private static partial void LogUnobserved(ILogger logger, Exception exception, string greenlet);

    [LoggerMessage(7, LogLevel.Information, "Greenlet hub stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(8, LogLevel.Warning, "Greenlet hub {Hub} did not stop in time: a task survives its GreenletExit; the host goes on without it")]
    private static partial void LogStopTimedOut(ILogger logger, string hub);

    [LoggerMessage(9, LogLevel.Error, "Stopping the greenlet hub's servers failed")]
    private static partial void LogServerStopFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Error, "Stopping the greenlet hub failed")]
    private static partial void LogHubStopFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Error, "A callback of the greenlet hub's stopping token failed")]
    private static partial void LogStoppingCallbackFailed(ILogger logger, Exception exception);
}
