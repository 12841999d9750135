// A cooperative echo server: every connection is handled by its own GreenTask, and GreenStream makes the
// synchronous StreamReader/StreamWriter calls wait in the hub instead of blocking the thread.
//
//   dotnet run --project examples/EchoServer -- --serve [port]   serve until Ctrl+C; try `nc 127.0.0.1 PORT`
//   dotnet run --project examples/EchoServer                     self-test: serve, run 20 clients, stop (for CI)
using System.Net;
using System.Net.Sockets;
using System.Text;
using Greenlets;

bool serve = args.Length > 0 && args[0] == "--serve";
int port = serve && args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;

using var server = new GreenServer(new IPEndPoint(IPAddress.Loopback, port), Echo, new GreenPool(1000));
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
return;

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
