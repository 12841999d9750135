using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Greenlets.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Greenlets.Hosting.Tests;

public sealed class GreenletHubServiceTests
{
    private readonly RecordingLogger _logs = new();

    [Fact]
    public async Task StartAsync_Program_RunsAsAGreenTaskOfItsOwnHub()
    {
        var ran = new TaskCompletionSource<(bool SameHub, bool IsMain, int Thread)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = Build(services => services.AddGreenletHub(context =>
            ran.TrySetResult((context.Hub == Hub.Current, Greenlet.Current.IsMain, Environment.CurrentManagedThreadId))));

        await host.StartAsync();
        var (sameHub, isMain, thread) = await ran.Task.WaitAsync(TestTimeouts.Unexpected);
        await host.StopAsync();

        Assert.True(sameHub);
        Assert.False(isMain);
        Assert.NotEqual(Environment.CurrentManagedThreadId, thread);
    }

    [Fact]
    public async Task AddGreenletHub_CalledTwice_RunsTwoHubs()
    {
        var hubs = new ConcurrentBag<Hub>();
        using var both = new CountdownEvent(2);
        GreenletHubProgram program = context =>
        {
            hubs.Add(context.Hub);
            both.Signal();
        };
        using IHost host = Build(services => services.AddGreenletHub(program).AddGreenletHub(program));

        await host.StartAsync();
        Assert.True(both.Wait(TestTimeouts.Unexpected));
        await host.StopAsync();

        Assert.Equal(2, hubs.Distinct().Count());
    }

    [Fact]
    public async Task UnhandledException_TaskFailureNobodyObserves_IsLoggedAsError()
    {
        using IHost host = Build(services => services.AddGreenletHub(_ =>
            Hub.Spawn(() => throw new InvalidOperationException("nobody joins me"))));

        await host.StartAsync();
        LogEntry entry = await _logs.WaitFor(e => e.Exception?.Message == "nobody joins me");
        await host.StopAsync();

        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Contains("Unhandled exception in greenlet", entry.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(GreenletHubService).FullName, entry.Category);
    }

    [Fact]
    public async Task StopAsync_WaitingTasks_KilledWithGreenletExitAndTheirFinallyBlocksRun()
    {
        const int Tasks = 3;
        using var waiting = new CountdownEvent(Tasks + 1);
        var exits = new ConcurrentBag<string>();
        var finallies = new ConcurrentBag<string>();
        void Wait(string name)
        {
            try
            {
                waiting.Signal();
                new GreenEvent().Wait();
            }
            catch (GreenletExit)
            {
                exits.Add(name);
                throw;
            }
            finally
            {
                finallies.Add(name);
            }
        }

        GreenletHubService? service = null;
        using IHost host = Build(services => services.AddGreenletHub(_ =>
        {
            for (int i = 0; i < Tasks; i++)
            {
                string name = $"task {i}";
                Hub.Spawn(() => Wait(name));
            }

            Wait("program");
        }));
        service = host.Services.GetServices<IHostedService>().OfType<GreenletHubService>().Single();

        await host.StartAsync();
        Assert.True(waiting.Wait(TestTimeouts.Unexpected));
        await host.StopAsync();

        string[] all = ["program", "task 0", "task 1", "task 2"];
        Assert.Equal(all, exits.Order());
        Assert.Equal(all, finallies.Order());
        Assert.True(service.Program!.IsCanceled);
        await _logs.WaitFor(e => e.Message == "Greenlet hub stopped");
    }

    [Fact]
    public async Task StopAsync_Stopping_IsCancelledBeforeTasksAreKilled()
    {
        var order = new ConcurrentQueue<string>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = Build(services => services.AddGreenletHub(context =>
        {
            try
            {
                started.SetResult();
                Hub.Wait(Task.Delay(Timeout.Infinite, context.Stopping));
            }
            catch (OperationCanceledException)
            {
                order.Enqueue("stopping");
            }

            try
            {
                new GreenEvent().Wait();
            }
            catch (GreenletExit)
            {
                order.Enqueue("killed");
                throw;
            }
        }));

        await host.StartAsync();
        await started.Task.WaitAsync(TestTimeouts.Unexpected);
        await host.StopAsync();

        Assert.Equal(["stopping", "killed"], order);
    }

    [Fact]
    public async Task AddGreenletServer_HostStops_ServerStopsAndItsHandlersEnd()
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerEnded = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var endPoint = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = Build(
            services => services.AddGreenletServer(_ =>
            {
                var server = new GreenServer(new IPEndPoint(IPAddress.Loopback, 0), (socket, _) =>
                {
                    try
                    {
                        connected.TrySetResult();
                        using var stream = new GreenStream(new NetworkStream(socket));
                        stream.ReadExactly(new byte[1]);
                        handlerEnded.TrySetResult(null);
                    }
                    catch (Exception e)
                    {
                        handlerEnded.TrySetResult(e);
                        throw;
                    }
                });
                endPoint.SetResult(server.LocalEndPoint);
                return server;
            },
            options => options.ServerStopTimeout = TimeSpan.Zero));

        await host.StartAsync();
        IPEndPoint address = await endPoint.Task.WaitAsync(TestTimeouts.Unexpected);
        using var client = new TcpClient();
        await client.ConnectAsync(address).WaitAsync(TestTimeouts.Unexpected);
        await connected.Task.WaitAsync(TestTimeouts.Unexpected);
        await host.StopAsync();

        // The handler waited for a byte that never came: the stop killed it (zero grace), so it saw GreenletExit.
        Assert.IsType<GreenletExit>(await handlerEnded.Task.WaitAsync(TestTimeouts.Unexpected));
        using var late = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync(address).WaitAsync(TestTimeouts.Unexpected));
    }

    [Fact]
    public async Task Program_Throws_IsLoggedAndStopsTheHost()
    {
        using IHost host = Build(services => services.AddGreenletHub(_ => throw new InvalidOperationException("program broke")));
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());

        await host.StartAsync();
        LogEntry entry = await _logs.WaitFor(e => e.Exception?.Message == "program broke");
        await stopping.Task.WaitAsync(TestTimeouts.Unexpected);
        await host.StopAsync();

        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("program failed", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Program_ThrowsWithStopHostOff_IsLoggedAndTheHostRunsOn()
    {
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = Build(
            services => services
                .AddGreenletHub(_ => throw new InvalidOperationException("program broke"), o => o.StopHostOnProgramFailure = false)
                .AddGreenletHub(_ => second.SetResult()));
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        await host.StartAsync();
        await _logs.WaitFor(e => e.Exception?.Message == "program broke");
        await second.Task.WaitAsync(TestTimeouts.Unexpected);
        bool stopped = lifetime.ApplicationStopping.IsCancellationRequested;
        await host.StopAsync();

        Assert.False(stopped);
    }

    [Fact]
    public async Task StopAsync_TaskSurvivingItsKills_ReturnsAfterTheShutdownTimeoutAndLogsAWarning()
    {
        var release = new GreenEvent();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int kills = 0;
        using IHost host = Build(
            services => services.AddGreenletHub(_ =>
            {
                while (true)
                {
                    try
                    {
                        waiting.TrySetResult();
                        release.Wait();
                        return;
                    }
                    catch (GreenletExit)
                    {
                        // Refuses to die: the stop's kill rounds can never finish.
                        Interlocked.Increment(ref kills);
                    }
                }
            },
            options => options.ShutdownTimeout = TimeSpan.FromMilliseconds(100)));
        GreenletHubService service = host.Services.GetServices<IHostedService>().OfType<GreenletHubService>().Single();

        await host.StartAsync();
        await waiting.Task.WaitAsync(TestTimeouts.Unexpected);
        await host.StopAsync().WaitAsync(TestTimeouts.Unexpected);

        LogEntry warning = await _logs.WaitFor(e => e.Level == LogLevel.Warning);
        Assert.Contains("did not stop in time", warning.Message, StringComparison.Ordinal);
        Assert.True(Volatile.Read(ref kills) >= 1);

        // Let it end (a cross-thread Set is posted into its hub), so that no hub thread outlives the test.
        release.Set();
        await service.Program!.WaitAsync(TestTimeouts.Unexpected);
    }

    [Fact]
    public async Task StartAsync_Twice_Throws()
    {
        await using var service = new GreenletHubService(_ => { }, new GreenletHubOptions(), new ServiceCollection().BuildServiceProvider(),
            new TypedLogger(_logs.CreateLogger("test")));

        await service.StartAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => service.StartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task StopAsync_NeverStarted_CompletesAndStartThenThrows()
    {
        await using var service = new GreenletHubService(_ => { }, new GreenletHubOptions(), new ServiceCollection().BuildServiceProvider(),
            new TypedLogger(_logs.CreateLogger("test")));

        await service.StopAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => service.StartAsync(CancellationToken.None));
    }

    [Fact]
    public void AddGreenletHub_NullArguments_ThrowArgumentNullException()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>("services", () => ((IServiceCollection)null!).AddGreenletHub(_ => { }));
        Assert.Throws<ArgumentNullException>("program", () => services.AddGreenletHub(null!));
        Assert.Throws<ArgumentNullException>("serverFactory", () => services.AddGreenletServer(null!));
        Assert.Empty(services);
    }

    [Fact]
    public void Options_NegativeTimeouts_ThrowAndChangeNothing()
    {
        var services = new ServiceCollection();
        var options = new GreenletHubOptions();

        Assert.Throws<ArgumentOutOfRangeException>(() => options.ShutdownTimeout = Timeout.InfiniteTimeSpan);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.ServerStopTimeout = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddGreenletHub(_ => { }, o => o.ShutdownTimeout = TimeSpan.FromTicks(-1)));
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ServerStopTimeout);
        Assert.Empty(services);
    }

    [Fact]
    public async Task DebuggerDisplay_EveryPublicType_Evaluates()
    {
        var options = new GreenletHubOptions { ThreadName = "dbg" };
        var shown = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var service = new GreenletHubService(context => shown.SetResult(context.DebuggerDisplay), options,
            new ServiceCollection().BuildServiceProvider(), new TypedLogger(_logs.CreateLogger("test")));

        Assert.Contains("not started", service.DebuggerDisplay, StringComparison.Ordinal);
        await service.StartAsync(CancellationToken.None);

        Assert.StartsWith("GreenletHubContext ", await shown.Task.WaitAsync(TestTimeouts.Unexpected), StringComparison.Ordinal);
        Assert.Contains("\"dbg\"", options.DebuggerDisplay, StringComparison.Ordinal);
        Assert.Contains("started=True", service.DebuggerDisplay, StringComparison.Ordinal);
    }

    private IHost Build(Action<IServiceCollection> configure)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(_logs);
        configure(builder.Services);
        return builder.Build();
    }

    private sealed class TypedLogger(ILogger inner) : ILogger<GreenletHubService>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
