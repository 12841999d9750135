// A cooperative echo server: every connection is handled by its own GreenTask, and GreenStream makes the
// synchronous StreamReader/StreamWriter calls wait in the hub instead of blocking the thread.
//
// The same server on the async hub: an async handler, each connection an AsyncGreenTask, which needs no thread
// of its own, and GreenStream's ReadAsync/WriteAsync waiting in the async hub.
//
//   dotnet run --project examples/EchoServer -- --serve [port]         serve until Ctrl+C; try `nc 127.0.0.1 PORT`
//   dotnet run --project examples/EchoServer -- --serve-async [port]   the same on the async hub
//   dotnet run --project examples/EchoServer                           self-test of both: serve, 20 clients, stop (for CI)
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Greenlets;

const int ManyClientsBacklog = 4096;
bool serve = args.Length > 0 && args[0] == "--serve";
int port = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
if (args.Length > 0 && args[0] == "--serve-async")
{
    ServeAsync(port).GetAwaiter().GetResult();
    return;
}

// A listen backlog of 4,096 (Linux's somaxconn), not gevent's 128: thousands of clients connecting at once would
// otherwise overflow it, and each dropped connect waits a second or more for TCP to try again.
using var server = new GreenServer(new IPEndPoint(IPAddress.Loopback, port), Echo, new GreenPool(1000), ManyClientsBacklog);
server.Start();
Console.WriteLine($"echo server on {server.LocalEndPoint}");

if (serve)
{
    Console.WriteLine($"try: nc {server.LocalEndPoint.Address} {server.LocalEndPoint.Port}");
    // The handler runs on another thread: Stop is posted into the hub, and ServeForever returns once it is done.
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        server.Stop();
    };
    server.ServeForever();
    Console.WriteLine("stopped");
    return;
}

// Self-test: 20 clients talk to the server at once, all greenlets of this one thread.
GreenTask<string>[] clients = [.. Enumerable.Range(1, 20).Select(id => Hub.Spawn(() => Client(id)))];
Hub.JoinAll(clients, TimeSpan.FromSeconds(30), throwOnError: true);
foreach (GreenTask<string> client in clients.Take(3))
{
    Console.WriteLine(client.Value);
}

Console.WriteLine($"... {clients.Count(c => c.IsSuccessful)} of {clients.Length} clients echoed correctly");
server.Stop();
AsyncSelfTest().GetAwaiter().GetResult();
return;

// On the async hub: the flow of this async method is the tree's main greenlet; it serves until Ctrl+C.
static async Task ServeAsync(int port)
{
    await using var server = new GreenServer(new IPEndPoint(IPAddress.Loopback, port), EchoAsync, pool: null, ManyClientsBacklog);
    server.Start();
    Console.WriteLine($"echo server on {server.LocalEndPoint} (async hub)");
    Console.WriteLine($"try: nc {server.LocalEndPoint.Address} {server.LocalEndPoint.Port}");
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        server.Stop();
    };
    await server.ServeForeverAsync();
    Console.WriteLine("stopped");
}

// Self-test on the async hub: 20 clients, async greenlets of the same tree as the server.
static async Task AsyncSelfTest()
{
    await using var server = new GreenServer(new IPEndPoint(IPAddress.Loopback, 0), EchoAsync, new GreenPool(1000));
    server.Start();
    AsyncGreenTask<string>[] clients = [.. Enumerable.Range(1, 20).Select(id => AsyncHub.Spawn(() => ClientAsync(server.LocalEndPoint, id)))];
    await AsyncHub.JoinAllAsync(clients, TimeSpan.FromSeconds(30), throwOnError: true);
    Console.WriteLine(clients[0].Value);
    Console.WriteLine($"... {clients.Count(c => c.IsSuccessful)} of {clients.Length} clients echoed correctly by the async hub's server");
    await server.StopAsync();
}

// Echoes every byte back (so every line); the greeting first. One small buffer per connection.
static async ValueTask EchoAsync(Socket socket, EndPoint remote)
{
    await using var stream = new GreenStream(new NetworkStream(socket, ownsSocket: false));
    await stream.WriteAsync(Encoding.UTF8.GetBytes($"hello {remote}, I echo every line\n"));
    var buffer = new byte[1024];
    int n;
    while ((n = await stream.ReadAsync(buffer)) > 0)
    {
        await stream.WriteAsync(buffer.AsMemory(0, n));
    }
}

static async ValueTask<string> ClientAsync(IPEndPoint server, int id)
{
    using var tcp = new TcpClient();
    await AsyncHub.WaitAsync(tcp.ConnectAsync(server));
    await using var stream = new GreenStream(tcp.GetStream());
    using var reader = new StreamReader(stream, Encoding.UTF8);
    await reader.ReadLineAsync();
    string line = $"client {id}: the quick brown fox";
    await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
    string? echoed = await reader.ReadLineAsync();
    return echoed == line ? $"client {id} got back \"{echoed}\"" : throw new InvalidOperationException($"client {id}: {echoed}");
}

static void Echo(Socket socket, EndPoint remote)
{
    using var stream = new GreenStream(new NetworkStream(socket, ownsSocket: false));
    using var reader = new StreamReader(stream, Encoding.UTF8);
    using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    writer.WriteLine($"hello {remote}, I echo every line");
    while (reader.ReadLine() is { } line)
    {
        writer.WriteLine(line);
    }
}

string Client(int id)
{
    using var tcp = new TcpClient();
    Hub.Wait(tcp.ConnectAsync(server.LocalEndPoint));
    using var stream = new GreenStream(tcp.GetStream());
    using var reader = new StreamReader(stream, Encoding.UTF8);
    using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    reader.ReadLine();
    string line = $"client {id}: the quick brown fox";
    writer.WriteLine(line);
    string? echoed = reader.ReadLine();
    return echoed == line ? $"client {id} got back \"{echoed}\"" : throw new InvalidOperationException($"client {id}: {echoed}");
}
