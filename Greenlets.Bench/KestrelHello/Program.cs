// Kestrel minimal API "Hello World", the .NET peer of examples/HelloHttp in http-compare.sh:
//
//   dotnet Greenlets.Bench/KestrelHello/bin/Release/net10.0/KestrelHello.dll PORT
using System.Globalization;

int port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
WebApplication app = builder.Build();
app.MapGet("/", () => Results.Text("Hello World\n", "text/plain"));
app.Run();
