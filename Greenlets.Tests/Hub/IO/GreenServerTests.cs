using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Greenlets.Internal;

namespace Greenlets.Tests;

// Serial: one test lowers the process-wide thread cap (GreenletOptions.MaxThreads).
[Collection(SerialCollection.Name)]
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

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_BacklogNotPositive_ThrowsArgumentOutOfRange(int backlog)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GreenServer(Loopback, Echo, null, backlog));
        Assert.Equal("backlog", error.ParamName);
    }

    [Fact]
    public void Constructor_Backlog_ListensWithIt()
    {
        OnThread.Run(() =>
        {
            using var server = new GreenServer(Loopback, Echo, pool: null, backlog: 7);
            Assert.Equal(7, server.Backlog);
            using (var defaults = new GreenServer(Loopback, Echo))
            {
                Assert.Equal(128, defaults.Backlog);
            }

            server.Start();
            Assert.Equal(1, Client(server.LocalEndPoint, 0, lines: 1));
        });
    }

    [Fact]
    public void Serve_AtThreadCap_ClosesTheUnservedClientReportsOnceAndResumes() => OnServerWithReports((server, first, reported) =>
    {
        int saved = GreenletOptions.MaxThreads;
        var served = new List<Socket>();
        using var waiting = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // One new thread at most; pooled ones (and any that a finished greenlet returns meanwhile) serve clients
            // too, each holding its thread, until a client finds none.
            GreenletOptions.MaxThreads = FiberPool.Shared.TotalThreads + 1;
            ServeUntilRefused(server, served, refusedInARow: 1);

            Assert.NotEmpty(served);
            var report = Assert.IsType<InvalidOperationException>(Assert.Single(reported));
            Assert.Contains("GreenletOptions.MaxThreads", report.ToString(), StringComparison.Ordinal);

            // Paused: this client waits in the listen backlog instead of being accepted and dropped. A handler that
            // finishes frees its thread, and accepting resumes.
            Hub.Wait(waiting.ConnectAsync(server.LocalEndPoint));
            Hub.Wait(waiting.SendAsync("after\n"u8.ToArray()));
            served[0].Close();
            Assert.Equal("after", ReadLine(waiting));
        }
        finally
        {
            GreenletOptions.MaxThreads = saved;
            served.ForEach(c => c.Dispose());
        }

        Assert.True(Probe(first));
        Assert.Single(reported);
        waiting.Close();
    });

    [Fact]
    public void Serve_OsRefusesThreads_ClosesEachUnservedClientReportsOncePerRun() => OnServerWithReports((server, _, reported) =>
    {
        var served = new List<Socket>();
        var refusal = new OutOfMemoryException("injected: the OS refused a thread");
        List<bool> outcomes;
        try
        {
            // Under the cap, but every new thread refused (a pids limit, say): pooled threads serve clients, each
            // holding its thread, until three clients in a row find none.
            FiberPool.StartFault = () => refusal;
            outcomes = ServeUntilRefused(server, served, refusedInARow: 3);
        }
        finally
        {
            FiberPool.StartFault = null;
            served.ForEach(c => c.Dispose());
        }

        // Reported once per run of refusals: again only after a handler could start.
        int runs = Enumerable.Range(0, outcomes.Count).Count(i => !outcomes[i] && (i == 0 || outcomes[i - 1]));
        Assert.Equal(runs, reported.Count);
        Assert.All(reported, r => Assert.Same(refusal, r.InnerException?.InnerException));
        using (Socket after = Connect(server))
        {
            Assert.True(Probe(after));
        }

        Assert.Equal(runs, reported.Count);
    });

    [Fact]
    public void Stop_CalledTwice_SecondCallWaitsForTheSameStop()
    {
        OnThread.Run(() =>
        {
            var entered = new GreenEvent();
            var release = new GreenEvent();
            bool handlerDone = false;
            var server = new GreenServer(Loopback, (_, _) =>
            {
                entered.Set();
                release.Wait();
                handlerDone = true;
            });
            server.Start();
            using var client = new TcpClient();
            Hub.Wait(client.ConnectAsync(server.LocalEndPoint));
            Assert.True(entered.Wait(TestTimeouts.Unexpected));

            GreenTask first = Hub.Spawn(() => server.Stop(TestTimeouts.Unexpected));
            Hub.Sleep(TimeSpan.Zero);
            Assert.False(server.IsStarted);
            Hub.Spawn(release.Set);
            server.Stop(TimeSpan.FromMilliseconds(1));
            Assert.True(handlerDone);
            Assert.True(first.Join(TestTimeouts.Unexpected));
            Assert.True(first.IsSuccessful);
            server.Stop();
        });
    }

    [Fact]
    public void Stop_FromInsideHandler_ReturnsAndStopsTheOthers()
    {
        OnThread.Run(() =>
        {
            var blockerEntered = new GreenEvent();
            var blockerDone = new GreenEvent();
            var stopperDone = new GreenEvent();
            bool stopReturned = false;
            int connections = 0;
            GreenServer? server = null;
            server = new GreenServer(Loopback, (_, _) =>
            {
                if (++connections == 1)
                {
                    try
                    {
                        blockerEntered.Set();
                        new GreenEvent().Wait();
                    }
                    finally
                    {
                        blockerDone.Set();
                    }
                }
                else
                {
                    try
                    {
                        server!.Stop(TimeSpan.FromMilliseconds(50));
                        stopReturned = true;
                    }
                    finally
                    {
                        stopperDone.Set();
                    }
                }
            });
            server.Start();
            using var blocked = new TcpClient();
            Hub.Wait(blocked.ConnectAsync(server.LocalEndPoint));
            Assert.True(blockerEntered.Wait(TestTimeouts.Unexpected));
            using var stopping = new TcpClient();
            Hub.Wait(stopping.ConnectAsync(server.LocalEndPoint));

            Assert.True(stopperDone.Wait(TestTimeouts.Unexpected));
            Assert.True(stopReturned);
            Assert.True(blockerDone.Wait(TestTimeouts.Unexpected));
            Assert.False(server.IsStarted);
            Assert.ThrowsAny<SocketException>(() => new TcpClient().Connect(server.LocalEndPoint));
        });
    }

    [Fact]
    public void Stop_HandlerSwallowsKill_ReturnsWithinTimeout()
    {
        OnThread.Run(() =>
        {
            var entered = new GreenEvent();
            var wake = new GreenEvent();
            var done = new GreenEvent();
            bool release = false;
            int swallowed = 0;
            var server = new GreenServer(Loopback, (_, _) =>
            {
                entered.Set();
                while (!release)
                {
                    try
                    {
                        wake.Wait();
                    }
                    catch (GreenletExit)
                    {
                        swallowed++;
                    }
                }

                done.Set();
            });
            server.Start();
            using var client = new TcpClient();
            Hub.Wait(client.ConnectAsync(server.LocalEndPoint));
            Assert.True(entered.Wait(TestTimeouts.Unexpected));

            TimeSpan timeout = TimeSpan.FromMilliseconds(100);
            var watch = Stopwatch.StartNew();
            server.Stop(timeout);
            watch.Stop();

            // A hang guard, not a timing goal: unbounded, this waited for the handler forever.
            Assert.True(watch.Elapsed < timeout + TimeSpan.FromSeconds(10), $"Stop({timeout}) took {watch.Elapsed}");
            Assert.False(server.IsStarted);
            Assert.Equal(1, swallowed);
            release = true;
            wake.Set();
            Assert.True(done.Wait(TestTimeouts.Unexpected));
        });
    }

    [Fact]
    public void Stop_FromOtherThread_MarshalledIntoTheHubAndServeForeverReturns()
    {
        OnThread.Run(() =>
        {
            using var served = new ManualResetEventSlim();
            var server = new GreenServer(Loopback, (socket, remote) =>
            {
                Echo(socket, remote);
                served.Set();
            });
            Exception? foreignError = null;
            var stopper = new Thread(() =>
            {
                try
                {
                    if (served.Wait(TestTimeouts.Unexpected))
                    {
                        // As from Console.CancelKeyPress: a thread outside the hub's tree.
                        server.Stop();
                    }
                }
                catch (Exception e)
                {
                    foreignError = e;
                }
            });
            stopper.Start();
            Hub.Spawn(() => Assert.Equal(1, Client(server.LocalEndPoint, 0, lines: 1)));
            server.ServeForever();
            Assert.True(stopper.Join(TestTimeouts.Unexpected));
            Assert.Null(foreignError);
            Assert.False(server.IsStarted);
            Assert.ThrowsAny<SocketException>(() => new TcpClient().Connect(server.LocalEndPoint));
        });
    }

    [Fact]
    public void Stop_NegativeTimeout_ThrowsBeforeStopping()
    {
        OnThread.Run(() =>
        {
            using var server = new GreenServer(Loopback, Echo);
            server.Start();
            Assert.Throws<ArgumentOutOfRangeException>(() => server.Stop(TimeSpan.FromSeconds(-2)));
            Assert.True(server.IsStarted);
            Assert.Equal(1, Client(server.LocalEndPoint, 0, lines: 1));
            server.Stop();
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

    /// <summary>Runs <paramref name="test"/> on a fresh thread with an echo server started and a first client served
    /// (<c>first</c>), every failure the hub reports collected (<c>reported</c>); then closes the client and stops the
    /// server.</summary>
    private static void OnServerWithReports(Action<GreenServer, Socket, List<Exception>> test)
    {
        OnThread.Run(() =>
        {
            var reported = new List<Exception>();
            Hub.Current.UnhandledException += (_, e) => reported.Add(e.Exception);
            using var server = new GreenServer(Loopback, Echo);
            server.Start();

            // Every client runs in the main greenlet (no fiber thread): only the server's greenlets need threads.
            using Socket first = Connect(server);
            Assert.True(Probe(first));
            test(server, first, reported);
            first.Close();
            server.Stop();
        });
    }

    /// <summary>Connects clients one by one until <paramref name="refusedInARow"/> in a row are not served, asserting
    /// that this happens within 1,000 clients: a served client keeps its handler (and its thread) and is added to
    /// <paramref name="served"/>, an unserved one is closed.</summary>
    /// <returns>Whether each client, in order, was served.</returns>
    private static List<bool> ServeUntilRefused(GreenServer server, List<Socket> served, int refusedInARow)
    {
        var outcomes = new List<bool>();
        int refused = 0;
        for (int i = 0; i < 1_000 && refused < refusedInARow; i++)
        {
            Socket client = Connect(server);
            bool ok = Probe(client);
            outcomes.Add(ok);
            if (ok)
            {
                served.Add(client);
                refused = 0;
            }
            else
            {
                client.Dispose();
                refused++;
            }
        }

        Assert.Equal(refusedInARow, refused);
        return outcomes;
    }

    private static Socket Connect(GreenServer server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Hub.Wait(socket.ConnectAsync(server.LocalEndPoint));
        return socket;
    }

    /// <summary>Sends a line from the main greenlet: true when it is echoed (served), false when the server closed the
    /// connection (a reset counts as closed).</summary>
    private static bool Probe(Socket socket)
    {
        try
        {
            Hub.Wait(socket.SendAsync("probe\n"u8.ToArray()));
            return ReadLine(socket) == "probe";
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return false;
        }
    }

    /// <summary>Reads one line byte by byte (nothing read ahead is lost), bounded by the hang guard.</summary>
    private static string ReadLine(Socket socket)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int n = Hub.Wait(socket.ReceiveAsync(one).WaitAsync(TestTimeouts.Unexpected));
            if (n == 0 || one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString([.. line]);
            }

            line.Add(one[0]);
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
