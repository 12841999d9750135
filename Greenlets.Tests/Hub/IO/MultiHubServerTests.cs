using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Greenlets.Tests;

public sealed class MultiHubServerTests
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 0);

    [Fact]
    public void Start_TwoHubsOnASharedPort_EveryConnectionEchoedAndBothHubsServe()
    {
        if (!OperatingSystem.IsLinux())
        {
            // SO_REUSEPORT balances connections on Linux only: elsewhere one acceptor hands them out.
            using var elsewhere = new MultiHubServer(Loopback, 2, (_, _) => { });
            Assert.False(elsewhere.IsPortShared);
            return;
        }

        var hubs = new ConcurrentDictionary<Hub, int>();
        using var server = new MultiHubServer(Loopback, 2, (socket, remote) =>
        {
            hubs.AddOrUpdate(Hub.Current, 1, (_, n) => n + 1);
            EchoOneLine(socket);
        });
        Assert.True(server.IsPortShared);
        server.Start();

        // Each connection's source port differs, so the kernel's hash spreads them: 64 all on one listener would
        // happen once in 2^63 runs.
        const int clients = 64;
        Parallel.For(0, clients, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => Assert.Equal($"line {i}", Talk(server.LocalEndPoint, $"line {i}")));

        server.Stop();
        Assert.Equal(2, hubs.Count);
        Assert.Equal(clients, hubs.Values.Sum());
    }

    [Fact]
    public void Start_HandOverMode_ConnectionsGoRoundRobinOverTheHubs()
    {
        var served = new ConcurrentQueue<Hub>();
        using var server = new MultiHubServer(Loopback, 3, (socket, _) =>
        {
            served.Enqueue(Hub.Current);
            EchoOneLine(socket);
        }, poolSize: null, handOver: true);
        Assert.False(server.IsPortShared);
        server.Start();

        // One connection after the other: the acceptor hands them out in accept order.
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal($"line {i}", Talk(server.LocalEndPoint, $"line {i}"));
        }

        server.Stop();
        Hub[] order = [.. served];
        Assert.Equal(3, order.Distinct().Count());
        Assert.Equal(order[..3], order[3..]);
    }

    [Fact]
    public void Stop_HandlersStillWaiting_KillsThemRunsTheirFinallyAndCompletes()
    {
        int finallies = 0;
        using var started = new CountdownEvent(4);
        using var server = new MultiHubServer(Loopback, 2, (socket, _) =>
        {
            try
            {
                started.Signal();
                new GreenEvent().Wait();
            }
            finally
            {
                Interlocked.Increment(ref finallies);
            }
        }, poolSize: null, handOver: true);
        server.Start();
        var clients = new List<TcpClient>();
        for (int i = 0; i < 4; i++)
        {
            var client = new TcpClient();
            client.Connect(server.LocalEndPoint);
            clients.Add(client);
        }

        Assert.True(started.Wait(TestTimeouts.Unexpected));
        server.Stop(TimeSpan.Zero);

        Assert.Equal(4, Volatile.Read(ref finallies));
        Assert.True(server.Completion.IsCompletedSuccessfully);
        server.Stop();
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public void Constructor_BadArguments_ThrowBeforeBindingAnything()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(Loopback);
        var endPoint = (IPEndPoint)probe.LocalEndPoint!;
        probe.Close();

        Assert.Throws<ArgumentNullException>(() => new MultiHubServer(null!, 2, (_, _) => { }));
        Assert.Throws<ArgumentNullException>(() => new MultiHubServer(endPoint, 2, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiHubServer(endPoint, 0, (_, _) => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiHubServer(endPoint, 2, (_, _) => { }, poolSize: 0));

        // Nothing stayed bound: the port can be taken exclusively.
        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        again.Bind(endPoint);
    }

    [Fact]
    public void Constructor_PortTaken_ThrowsSocketExceptionAndLeavesNothingBound()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(Loopback);
        taken.Listen();
        Assert.Throws<SocketException>(() => new MultiHubServer((IPEndPoint)taken.LocalEndPoint!, 2, (_, _) => { }));
    }

    [Fact]
    public void Stop_BeforeStart_ClosesTheListenersAndStartThenFails()
    {
        var server = new MultiHubServer(Loopback, 2, (_, _) => { });
        IPEndPoint endPoint = server.LocalEndPoint;
        server.Stop();
        Assert.True(server.Completion.IsCompletedSuccessfully);
        Assert.Throws<ObjectDisposedException>(server.Start);

        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        again.Bind(endPoint);
    }

    private static void EchoOneLine(Socket socket)
    {
        using var stream = new GreenStream(new NetworkStream(socket, ownsSocket: false));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        if (reader.ReadLine() is { } line)
        {
            writer.WriteLine(line);
        }
    }

    // A plain blocking client on the test's thread (no hub): one line there and back.
    internal static string? Talk(IPEndPoint endPoint, string line)
    {
        using var client = new TcpClient();
        client.Connect(endPoint);
        client.ReceiveTimeout = (int)TestTimeouts.Unexpected.TotalMilliseconds;
        using NetworkStream stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        writer.WriteLine(line);
        return reader.ReadLine();
    }
}
