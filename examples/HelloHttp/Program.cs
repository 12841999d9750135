// HTTP/1.1 "Hello World" on GreenServer: one GreenTask per connection, keep-alive, sync-looking code that waits
// cooperatively through GreenStream. The benchmark twin of gevent's pywsgi hello world (Greenlets.Bench/http-compare.sh).
//
//   dotnet run -c Release --project examples/HelloHttp -- --serve [port] [seconds]   serve (default: until Ctrl+C)
//   ... -- --serve [port] [seconds] --hubs N                                          the same on N hubs (N threads, one port)
//   ... -- --serve-async [port] [seconds] [--hubs N]                                  the same on the async hub (N async hubs)
//   dotnet run -c Release --project examples/HelloHttp                               self-test: serve, 50 requests, stop;
//                                                                                    then the same on the async hub
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Greenlets;

byte[] response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nHello World\n");
int hubsAt = Array.IndexOf(args, "--hubs");
int hubs = hubsAt >= 0 ? int.Parse(args[hubsAt + 1], CultureInfo.InvariantCulture) : 1;
args = hubsAt >= 0 ? [.. args[..hubsAt], .. args[(hubsAt + 2)..]] : args;
bool serve = args.Length > 0 && args[0] == "--serve";
int port = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
TimeSpan? serveFor = args.Length > 2 ? TimeSpan.FromSeconds(int.Parse(args[2], CultureInfo.InvariantCulture)) : null;
if (args.Length > 0 && args[0] == "--serve-async")
{
    ServeAsync(port, serveFor, hubs).GetAwaiter().GetResult();
    return;
}

if (hubs > 1)
{
    // One server per hub, each hub on its own thread, all on one port (Linux: SO_REUSEPORT, the kernel spreads the
    // connections); the handler is the same code, run by whichever hub took the connection.
    using var multi = new MultiHubServer(new IPEndPoint(IPAddress.Loopback, port), hubs, Handle);
    multi.Start();
    Console.WriteLine($"http://{multi.LocalEndPoint}/ on {multi.HubCount} hubs (shared port: {multi.IsPortShared})");
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        multi.Stop();
    };
    if (serve && args.Length > 2)
    {
        _ = Task.Delay(TimeSpan.FromSeconds(int.Parse(args[2], CultureInfo.InvariantCulture))).ContinueWith(_ => multi.Stop(), TaskScheduler.Default);
    }

    if (serve)
    {
        multi.ServeForever();
        return;
    }

    // Self-test: plain .NET code on this thread (no hub here) talks to the hubs.
    using var client = new HttpClient { BaseAddress = new Uri($"http://{multi.LocalEndPoint}/") };
    int answered = 0;
    for (int i = 0; i < 20; i++)
    {
        answered += client.GetStringAsync("/").GetAwaiter().GetResult() == "Hello World\n" ? 1 : 0;
    }

    Console.WriteLine($"{answered} of 20 requests answered \"Hello World\" by {multi.HubCount} hubs");
    multi.Stop();
    return;
}

using var server = new GreenServer(new IPEndPoint(IPAddress.Loopback, port), Handle);
server.Start();
Console.WriteLine($"http://{server.LocalEndPoint}/");

if (serve)
{
    if (args.Length > 2)
    {
        Hub.SpawnLater(TimeSpan.FromSeconds(int.Parse(args[2], CultureInfo.InvariantCulture)), () => server.Stop());
    }

    server.ServeForever();
    return;
}

// Self-test: 5 keep-alive clients, 10 requests each, through .NET's HttpClient waited on cooperatively.
using var http = new HttpClient { BaseAddress = new Uri($"http://{server.LocalEndPoint}/") };
GreenTask<int>[] clients = [.. Enumerable.Range(0, 5).Select(_ => Hub.Spawn(() =>
{
    int ok = 0;
    for (int i = 0; i < 10; i++)
    {
        ok += Hub.Wait(http.GetStringAsync("/")) == "Hello World\n" ? 1 : 0;
    }

    return ok;
}))];
Hub.JoinAll(clients, TimeSpan.FromSeconds(30), throwOnError: true);
Console.WriteLine($"{clients.Sum(c => c.Value)} of 50 requests answered \"Hello World\"");
server.Stop();
AsyncSelfTest().GetAwaiter().GetResult();
return;

// On the async hub(s): this async method's flow is the main greenlet of one hub's tree; with --hubs N, N hubs of
// their own flows serve the port (MultiHubServer.ForAsyncHandler).
async Task ServeAsync(int port, TimeSpan? serveFor, int hubs)
{
    var endPoint = new IPEndPoint(IPAddress.Loopback, port);
    if (hubs > 1)
    {
        using var multi = MultiHubServer.ForAsyncHandler(endPoint, hubs, HandleAsync);
        multi.Start();
        Console.WriteLine($"http://{multi.LocalEndPoint}/ on {multi.HubCount} async hubs (shared port: {multi.IsPortShared})");
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            multi.Stop();
        };
        if (serveFor is { } span)
        {
            _ = Task.Delay(span).ContinueWith(_ => multi.Stop(), TaskScheduler.Default);
        }

        await multi.Completion;
        return;
    }

    await using var server = new GreenServer(endPoint, HandleAsync);
    server.Start();
    Console.WriteLine($"http://{server.LocalEndPoint}/ (async hub)");
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        server.Stop();
    };
    if (serveFor is { } duration)
    {
        AsyncHub.SpawnLater(duration, () => server.StopAsync());
    }

    await server.ServeForeverAsync();
}

// Self-test on the async hub: 5 keep-alive clients of 10 requests each, async greenlets waiting on HttpClient
// cooperatively (AsyncHub.WaitAsync with the token a kill would cancel).
async Task AsyncSelfTest()
{
    await using var server = new GreenServer(new IPEndPoint(IPAddress.Loopback, 0), HandleAsync);
    server.Start();
    using var http = new HttpClient { BaseAddress = new Uri($"http://{server.LocalEndPoint}/") };
    AsyncGreenTask<int>[] clients = [.. Enumerable.Range(0, 5).Select(_ => AsyncHub.Spawn(async () =>
    {
        int ok = 0;
        for (int i = 0; i < 10; i++)
        {
            ok += await AsyncHub.WaitAsync(token => http.GetStringAsync("/", token)) == "Hello World\n" ? 1 : 0;
        }

        return ok;
    }))];
    await AsyncHub.JoinAllAsync(clients, TimeSpan.FromSeconds(30), throwOnError: true);
    Console.WriteLine($"{clients.Sum(c => c.Value)} of 50 requests answered \"Hello World\" by the async hub's server");
    await server.StopAsync();
}

// The handler on the async hub: the same code as Handle, awaited; each read and write parks in the hub.
async ValueTask HandleAsync(Socket socket, EndPoint remote)
{
    await using var stream = new GreenStream(new NetworkStream(socket, ownsSocket: false));
    using var reader = new StreamReader(stream, Encoding.ASCII);
    while (true)
    {
        string? line = await reader.ReadLineAsync();
        if (line is null)
        {
            return;
        }

        bool close = false;
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync()))
        {
            close |= line.Equals("Connection: close", StringComparison.OrdinalIgnoreCase);
        }

        await stream.WriteAsync(response);
        if (close || line is null)
        {
            return;
        }
    }
}

void Handle(Socket socket, EndPoint remote)
{
    using var stream = new GreenStream(new NetworkStream(socket, ownsSocket: false));
    using var reader = new StreamReader(stream, Encoding.ASCII);
    while (true)
    {
        // Read one request head; the hello-world requests have no body.
        string? line = reader.ReadLine();
        if (line is null)
        {
            return;
        }

        bool close = false;
        while (!string.IsNullOrEmpty(line = reader.ReadLine()))
        {
            close |= line.Equals("Connection: close", StringComparison.OrdinalIgnoreCase);
        }

        stream.Write(response);
        if (close || line is null)
        {
            return;
        }
    }
}
