// A cooperative echo server run by the .NET generic host (Greenlets.Hosting): the hub has its own thread, Ctrl+C or
// SIGTERM stops it gracefully (accepting ends, handlers get ServerStopTimeout, the rest are killed with GreenletExit
// so their finally blocks run), and a greenlet failure nobody observes is logged through ILogger.
//
//   dotnet run --project examples/HostedEcho -- --serve [port]   serve until Ctrl+C; try `nc 127.0.0.1 PORT`
//   dotnet run --project examples/HostedEcho                     self-test: start, echo with 3 clients, stop (for CI)
using System.Net;
using System.Net.Sockets;
using System.Text;
using Greenlets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

bool serve = args.Length > 0 && args[0] == "--serve";
int port = serve && args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);

HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Services.AddGreenletServer(
    _ =>
    {
        var server = new GreenServer(new IPEndPoint(IPAddress.Loopback, port), Echo, new GreenPool(1000));
        listening.SetResult(server.LocalEndPoint);
        return server;
    },
    options => options.ServerStopTimeout = TimeSpan.FromSeconds(2));

// A second hub with a task that fails and that nobody joins: the host's logger reports it (Hub.UnhandledException).
builder.Services.AddGreenletHub(_ => Hub.Spawn(() => throw new InvalidOperationException("a task nobody joins failed")));

using IHost host = builder.Build();
if (serve)
{
    IPEndPoint at = await host.StartAndReport(listening.Task);
    Console.WriteLine($"try: nc {at.Address} {at.Port}   (Ctrl+C stops)");
    await host.WaitForShutdownAsync();
    return;
}

// Self-test: three async clients (ordinary .NET code) talk to the greenlet server, then the host stops.
IPEndPoint endPoint = await host.StartAndReport(listening.Task);
string[] replies = await Task.WhenAll(Enumerable.Range(1, 3).Select(id => ClientAsync(endPoint, id)));
foreach (string reply in replies)
{
    Console.WriteLine(reply);
}

await host.StopAsync();
Console.WriteLine("host stopped: the server and its handlers are done");
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

static async Task<string> ClientAsync(IPEndPoint endPoint, int id)
{
    using var tcp = new TcpClient();
    await tcp.ConnectAsync(endPoint);
    using var reader = new StreamReader(tcp.GetStream(), Encoding.UTF8);
    using var writer = new StreamWriter(tcp.GetStream(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    await reader.ReadLineAsync();
    string line = $"client {id}: the quick brown fox";
    await writer.WriteLineAsync(line);
    string? echoed = await reader.ReadLineAsync();
    return echoed == line ? $"client {id} got back \"{echoed}\"" : throw new InvalidOperationException($"client {id}: {echoed}");
}

internal static class HostExtensions
{
    /// <summary>Starts the host and returns where the server listens.</summary>
    public static async Task<IPEndPoint> StartAndReport(this IHost host, Task<IPEndPoint> listening)
    {
        await host.StartAsync();
        IPEndPoint at = await listening.WaitAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"echo server on {at}");
        return at;
    }
}
