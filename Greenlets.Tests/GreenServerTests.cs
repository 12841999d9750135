using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Greenlets.Tests;

public class GreenServerTests
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 0);

    [Fact]
    public void Serve_200ConcurrentClients_EveryLineEchoed()
    {
        OnThread.Run(() =>
        {
            using var server = new GreenServer(Loopback, Echo);
            server.Start();
            const int clients = 200;
            GreenTask<int>[] tasks = [.. Enumerable.Range(0, clients).Select(i => Hub.Spawn(() => Client(server.LocalEndPoint, i, lines: 3)))];
            Assert.True(Hub.JoinAll(tasks, throwOnError: true));
            Assert.All(tasks, t => Assert.Equal(3, t.Value));
            server.Stop();
        });
    }

    [Fact]
    public void Serve_ClientResetsMidLine_ServerKeepsServing()
    {
        OnThread.Run(() =>
        {
            var reported = new List<Exception>();
            Hub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
            var handled = new GreenQueue<string>();
            using var server = new GreenServer(Loopback, (socket, remote) =>
            {
                try
                {
                    Echo(socket, remote);
                    handled.Put("clean end");
                }
                catch (IOException)
                {
                    handled.Put("reset");
                }
            });
            server.Start();

            var rude = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Hub.Wait(rude.ConnectAsync(server.LocalEndPoint));
            Hub.Wait(rude.SendAsync("half a li"u8.ToArray()));
            rude.LingerState = new LingerOption(true, 0);
            rude.Close();

            string outcome = handled.Get(TestTimeouts.Unexpected);
            Assert.Contains(outcome, new[] { "reset", "clean end" });
            Assert.Equal(2, Client(server.LocalEndPoint, 1, lines: 2));
            server.Stop();
            Assert.Empty(reported);
        });
    }

    [Fact]
    public void Serve_HandlerThrows_ReportedAndServerKeepsServing()
    {
        OnThread.Run(() =>
        {
            var reported = new List<Exception>();
            Hub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
            int connections = 0;
            using var server = new GreenServer(Loopback, (socket, remote) =>
            {
                if (++connections == 1)
                {
                    throw new FormatException("handler bug");
                }

                Echo(socket, remote);
            });
            server.Start();

            using (var first = new TcpClient())
            {
                Hub.Wait(first.ConnectAsync(server.LocalEndPoint));
                using var reader = new StreamReader(new GreenStream(first.GetStream()));
                Assert.Null(reader.ReadLine());
            }

            Assert.Equal(1, Client(server.LocalEndPoint, 2, lines: 1));
            server.Stop();
            Assert.IsType<FormatException>(Assert.Single(reported));
        });
    }

    [Fact]
    public void Stop_HandlerStillBusy_KilledAfterTimeout()
    {
        OnThread.Run(() =>
        {
            var entered = new GreenEvent();
            bool cleanedUp = false;
            var server = new GreenServer(Loopback, (socket, _) =>
            {
                entered.Set();
                try
                {
                    Hub.Sleep(TimeSpan.FromSeconds(30));
                }
                finally
                {
                    cleanedUp = true;
                }
            });
            server.Start();
            using var client = new TcpClient();
            Hub.Wait(client.ConnectAsync(server.LocalEndPoint));
            Assert.True(entered.Wait(TestTimeouts.Unexpected));
            server.Stop(TimeSpan.FromMilliseconds(10));
            Assert.True(cleanedUp);
            Assert.False(server.IsStarted);
            Assert.ThrowsAny<SocketException>(() => new TcpClient().Connect(server.LocalEndPoint));
        });
    }

    [Fact]
    public void Serve_WithPool_NeverMoreHandlersThanItsSize()
    {
        OnThread.Run(() =>
        {
            int running = 0;
            int peak = 0;
            var pool = new GreenPool(2);
            using var server = new GreenServer(Loopback, (socket, remote) =>
            {
                running++;
                peak = Math.Max(peak, running);
                try
                {
                    Echo(socket, remote);
                }
                finally
                {
                    running--;
                }
            }, pool);
            server.Start();
            GreenTask<int>[] tasks = [.. Enumerable.Range(0, 6).Select(i => Hub.Spawn(() => Client(server.LocalEndPoint, i, lines: 2)))];
            Assert.True(Hub.JoinAll(tasks, throwOnError: true));
            Assert.Equal(2, peak);
            server.Stop();
        });
    }

    [Fact]
    public void ServeForever_StoppedByAnotherGreenlet_Returns()
    {
        OnThread.Run(() =>
        {
            var server = new GreenServer(Loopback, Echo);
            Hub.Spawn(() =>
            {
                Assert.Equal(1, Client(server.LocalEndPoint, 0, lines: 1));
                server.Stop();
            });
            server.ServeForever();
            Assert.False(server.IsStarted);
        });
    }

    private static void Echo(Socket socket, EndPoint remote)
    {
        using var stream = new GreenStream(new NetworkStream(socket, ownsSocket: false));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        while (reader.ReadLine() is { } line)
        {
            writer.WriteLine(line);
        }
    }

    private static int Client(IPEndPoint server, int id, int lines)
    {
        using var client = new TcpClient();
        Hub.Wait(client.ConnectAsync(server));
        using var stream = new GreenStream(client.GetStream());
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        int echoed = 0;
        for (int i = 0; i < lines; i++)
        {
            string line = $"client {id} line {i}";
            writer.WriteLine(line);
            Assert.Equal(line, reader.ReadLine());
            echoed++;
        }

        return echoed;
    }
}
