using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Greenlets.Tests;

/// <summary>GreenServer with an asynchronous handler: the acceptor and every connection are AsyncGreenTasks of the
/// starting flow's AsyncHub, under the sync server's rules (pool, stop, report, close).</summary>
public class GreenServerAsyncTests
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 0);

    [Fact]
    public void ServeAsync_200ConcurrentClients_EveryLineEchoed() => AsyncTestFlow.Run(async () =>
    {
        await using var server = new GreenServer(Loopback, Echo);
        await server.StartAsync();
        const int clients = 200;
        AsyncGreenTask<int>[] tasks = [.. Enumerable.Range(0, clients).Select(i => AsyncHub.Spawn(() => ClientAsync(server.LocalEndPoint, i, lines: 3)))];
        Assert.True(await AsyncHub.JoinAllAsync(tasks, TestTimeouts.Unexpected, throwOnError: true));
        Assert.All(tasks, t => Assert.Equal(3, t.Value));
        await server.StopAsync();
        Assert.False(server.IsStarted);
    });

    [Fact]
    public void StopAsync_HandlersStillBusy_KilledWithinBoundAndSocketsClosed() => AsyncTestFlow.Run(async () =>
    {
        const int connections = 5;
        int entered = 0;
        int cleanedUp = 0;
        var allIn = new GreenEvent();
        var server = new GreenServer(Loopback, async (socket, _) =>
        {
            if (++entered == connections)
            {
                allIn.Set();
            }

            try
            {
                await AsyncHub.SleepAsync(TimeSpan.FromMinutes(5));
            }
            finally
            {
                cleanedUp++;
            }
        });
        server.Start();
        var clients = new List<TcpClient>();
        for (int i = 0; i < connections; i++)
        {
            var client = new TcpClient();
            clients.Add(client);
            await AsyncHub.WaitAsync(client.ConnectAsync(server.LocalEndPoint));
        }

        Assert.True(await allIn.WaitAsync(TestTimeouts.Unexpected));
        await server.StopAsync(TimeSpan.FromMilliseconds(10));
        Assert.Equal(connections, cleanedUp);
        Assert.False(server.IsStarted);

        // Every handler's socket was closed by the server: each client reads the end of the stream.
        foreach (TcpClient client in clients)
        {
            int n = await AsyncHub.WaitAsync(token => client.GetStream().ReadAsync(new byte[1], token).AsTask());
            Assert.Equal(0, n);
            client.Dispose();
        }

        Assert.ThrowsAny<SocketException>(() => new TcpClient().Connect(server.LocalEndPoint));
    });

    [Fact]
    public void ServeAsync_HandlerThrows_ReportedOnceSocketClosedServerKeepsServing() => AsyncTestFlow.Run(async () =>
    {
        var reported = new List<Exception>();
        AsyncHub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
        int connections = 0;
        await using var server = new GreenServer(Loopback, (socket, remote) =>
        {
            if (++connections == 1)
            {
                throw new FormatException("handler bug");
            }

            return Echo(socket, remote);
        });
        server.Start();

        using (var first = new TcpClient())
        {
            await AsyncHub.WaitAsync(first.ConnectAsync(server.LocalEndPoint));
            using var reader = new StreamReader(new GreenStream(first.GetStream()));
            Assert.Null(await reader.ReadLineAsync());
        }

        Assert.Equal(1, await ClientAsync(server.LocalEndPoint, 2, lines: 1));
        await server.StopAsync();
        Assert.IsType<FormatException>(Assert.Single(reported));
    });

    [Fact]
    public void StopAsync_HandlerKilledMidRead_ReadCancelledAndWaitEndsAtOnce() => AsyncTestFlow.Run(async () =>
    {
        var reading = new GreenEvent();
        CancellationToken readToken = default;
        var inner = new ControlledStream();
        var server = new GreenServer(Loopback, async (socket, _) =>
        {
            // The handler's stream stands in for the socket's, to see the token its read got.
            var stream = new GreenStream(inner);
            ValueTask<int> read = stream.ReadAsync(new byte[16]);
            readToken = Assert.Single(inner.Operations).Token;
            reading.Set();
            await read;
        });
        server.Start();
        using var client = new TcpClient();
        await AsyncHub.WaitAsync(client.ConnectAsync(server.LocalEndPoint));
        Assert.True(await reading.WaitAsync(TestTimeouts.Unexpected));
        Assert.False(readToken.IsCancellationRequested);

        // Killed after 10 ms, though the inner read never completes: the kill alone ends the handler's wait.
        await server.StopAsync(TimeSpan.FromMilliseconds(10));
        Assert.True(readToken.IsCancellationRequested);
        Assert.False(Assert.Single(inner.Operations).Task.IsCompleted);
        int n = await AsyncHub.WaitAsync(token => client.GetStream().ReadAsync(new byte[1], token).AsTask());
        Assert.Equal(0, n);
        inner.Operations[0].Complete(0);
    });

    [Fact]
    public void ServeAsync_WithPool_NeverMoreHandlersThanItsSize() => AsyncTestFlow.Run(async () =>
    {
        int running = 0;
        int peak = 0;
        var pool = new GreenPool(2);
        await using var server = new GreenServer(Loopback, async (socket, remote) =>
        {
            running++;
            peak = Math.Max(peak, running);
            try
            {
                await Echo(socket, remote);
            }
            finally
            {
                running--;
            }
        }, pool);
        server.Start();
        AsyncGreenTask<int>[] tasks = [.. Enumerable.Range(0, 6).Select(i => AsyncHub.Spawn(() => ClientAsync(server.LocalEndPoint, i, lines: 2)))];
        Assert.True(await AsyncHub.JoinAllAsync(tasks, TestTimeouts.Unexpected, throwOnError: true));
        Assert.Equal(2, peak);
        await server.StopAsync();
    });

    [Fact]
    public void Constructor_NullArguments_ThrowBeforeBinding()
    {
        // A port free now: a constructor that failed must leave it free for the next server.
        IPEndPoint free;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(Loopback);
            free = (IPEndPoint)probe.LocalEndPoint!;
        }

        Assert.Equal("endPoint", Assert.Throws<ArgumentNullException>(() => new GreenServer(null!, Echo)).ParamName);
        Assert.Equal("handler", Assert.Throws<ArgumentNullException>(() => new GreenServer(free, (Func<Socket, EndPoint, ValueTask>)null!)).ParamName);
        Assert.Equal("handler", Assert.Throws<ArgumentNullException>(() => new GreenServer(free, (Func<Socket, EndPoint, ValueTask>)null!, null, 16)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GreenServer(free, Echo, null, 0));
        using var server = new GreenServer(free, Echo);
        Assert.Equal(free, server.LocalEndPoint);
    }

    [Fact]
    public void Stop_FromAnotherThread_StopsAndServeForeverAsyncReturns() => AsyncTestFlow.Run(async () =>
    {
        var entered = new GreenEvent();
        bool killed = false;
        var server = new GreenServer(Loopback, async (socket, _) =>
        {
            entered.Set();
            try
            {
                await AsyncHub.SleepAsync(TimeSpan.FromMinutes(5));
            }
            catch (GreenletExit)
            {
                killed = true;
                throw;
            }
        });
        server.Start();
        using var client = new TcpClient();
        await AsyncHub.WaitAsync(client.ConnectAsync(server.LocalEndPoint));
        Assert.True(await entered.WaitAsync(TestTimeouts.Unexpected));

        // A thread of no flow (Console.CancelKeyPress, for instance): Stop is posted into the hub and blocks that thread
        // until done, while this flow serves.
        Task stopper;
        using (ExecutionContext.SuppressFlow())
        {
            stopper = Task.Run(() => server.Stop(TimeSpan.FromMilliseconds(10)));
        }

        await server.ServeForeverAsync();
        await AsyncHub.WaitAsync(stopper);
        Assert.True(killed);
        Assert.False(server.IsStarted);
        await server.ServeForeverAsync();
    });

    [Fact]
    public void Stop_SynchronousInOwnAsyncTree_ThrowsAndNothingStops() => AsyncTestFlow.Run(async () =>
    {
        var server = new GreenServer(Loopback, Echo);
        server.Start();
        Assert.Throws<InvalidOperationException>(() => server.Stop());
        Assert.True(server.IsStarted);
        Assert.Equal(1, await ClientAsync(server.LocalEndPoint, 0, lines: 1));
        await server.StopAsync();
        server.Stop();
        Assert.False(server.IsStarted);
    });

    [Fact]
    public void StopAsync_FromInsideHandler_OthersStopHandlerCarriesOn() => AsyncTestFlow.Run(async () =>
    {
        GreenServer? server = null;
        var done = new GreenResult<string>();
        server = new GreenServer(Loopback, async (socket, _) =>
        {
            await server!.StopAsync();
            await AsyncHub.SleepAsync(TimeSpan.Zero);
            done.Set("carried on");
        });
        server.Start();
        using var client = new TcpClient();
        await AsyncHub.WaitAsync(client.ConnectAsync(server.LocalEndPoint));
        Assert.Equal("carried on", await done.GetAsync(TestTimeouts.Unexpected));
        Assert.False(server.IsStarted);
    });

    private static async ValueTask Echo(Socket socket, EndPoint remote)
    {
        var stream = new GreenStream(new NetworkStream(socket, ownsSocket: false));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"hello {remote}\n"));
        while (await reader.ReadLineAsync() is { } line)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        }
    }

    private static async ValueTask<int> ClientAsync(IPEndPoint server, int id, int lines)
    {
        using var tcp = new TcpClient();
        await AsyncHub.WaitAsync(tcp.ConnectAsync(server));
        var stream = new GreenStream(tcp.GetStream());
        using var reader = new StreamReader(stream, Encoding.UTF8);
        Assert.StartsWith("hello ", await reader.ReadLineAsync());
        int echoed = 0;
        for (int i = 0; i < lines; i++)
        {
            string line = $"client {id} line {i}";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
            echoed += await reader.ReadLineAsync() == line ? 1 : 0;
        }

        return echoed;
    }
}
