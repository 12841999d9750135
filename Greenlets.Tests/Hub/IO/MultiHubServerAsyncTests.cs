using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Greenlets.Tests;

/// <summary>MultiHubServer.ForAsyncHandler: one GreenServer per AsyncHub, each the hub of a flow of its own.</summary>
public sealed class MultiHubServerAsyncTests
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 0);

    [Fact]
    public void Start_TwoAsyncHubsOnASharedPort_EveryConnectionEchoedAndBothHubsServe()
    {
        if (!OperatingSystem.IsLinux())
        {
            // The async form needs SO_REUSEPORT: the hand-over mode is not there yet.
            Assert.Throws<PlatformNotSupportedException>(() => MultiHubServer.ForAsyncHandler(Loopback, 2, (_, _) => default));
            return;
        }

        var hubs = new ConcurrentDictionary<AsyncHub, int>();
        using var server = MultiHubServer.ForAsyncHandler(Loopback, 2, (socket, _) =>
        {
            hubs.AddOrUpdate(AsyncHub.Current, 1, (_, n) => n + 1);
            return EchoOneLineAsync(socket);
        });
        Assert.True(server.IsPortShared);
        server.Start();

        // As for the thread hubs: 64 connections all hashed to one listener would happen once in 2^63 runs.
        const int clients = 64;
        Parallel.For(0, clients, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => Assert.Equal($"line {i}", MultiHubServerTests.Talk(server.LocalEndPoint, $"line {i}")));

        server.Stop();
        Assert.Equal(2, hubs.Count);
        Assert.Equal(clients, hubs.Values.Sum());
    }

    [Fact]
    public void Stop_HandlersStillWaiting_KillsThemRunsTheirFinallyAndCompletes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int finallies = 0;
        using var started = new CountdownEvent(4);
        using var server = MultiHubServer.ForAsyncHandler(Loopback, 2, async (socket, _) =>
        {
            try
            {
                started.Signal();
                await new GreenEvent().WaitAsync();
            }
            finally
            {
                Interlocked.Increment(ref finallies);
            }
        });
        server.Start();
        var clients = new List<TcpClient>();
        for (int i = 0; i < 4; i++)
        {
            var client = new TcpClient();
            client.Connect(server.LocalEndPoint);
            clients.Add(client);
        }

        Assert.True(started.Wait(TestTimeouts.Unexpected));
        server.Stop(TimeSpan.FromMilliseconds(10));

        Assert.Equal(4, Volatile.Read(ref finallies));
        Assert.True(server.Completion.IsCompletedSuccessfully);
        server.Stop();
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public void ForAsyncHandler_BadArguments_ThrowBeforeBindingAnything()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(Loopback);
        var endPoint = (IPEndPoint)probe.LocalEndPoint!;
        probe.Close();

        Assert.Equal("endPoint", Assert.Throws<ArgumentNullException>(() => MultiHubServer.ForAsyncHandler(null!, 2, (_, _) => default)).ParamName);
        Assert.Equal("handler", Assert.Throws<ArgumentNullException>(() => MultiHubServer.ForAsyncHandler(endPoint, 2, null!)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiHubServer.ForAsyncHandler(endPoint, 0, (_, _) => default));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiHubServer.ForAsyncHandler(endPoint, 2, (_, _) => default, poolSize: 0));

        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        again.Bind(endPoint);
    }

    private static async ValueTask EchoOneLineAsync(Socket socket)
    {
        var stream = new GreenStream(new NetworkStream(socket, ownsSocket: false));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        if (await reader.ReadLineAsync() is { } line)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        }
    }
}
