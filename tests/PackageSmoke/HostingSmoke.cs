using Greenlets;
using Greenlets.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>Runs a hub program through the Greenlets.Hosting package (its dependencies restored from the registry),
/// without a host: start, the program runs in its hub, stop kills a waiting task with GreenletExit.</summary>
internal static class HostingSmoke
{
    public static void Run()
    {
        var killed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = new GreenletHubService(
            _ =>
            {
                try
                {
                    waiting.SetResult();
                    new GreenEvent().Wait();
                }
                finally
                {
                    killed.TrySetResult(true);
                }
            },
            new GreenletHubOptions(),
            new NoServices(),
            NullLogger<GreenletHubService>.Instance);
        service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        waiting.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        service.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        Console.WriteLine($"hosted hub stopped, finally ran: {killed.Task.IsCompleted}");
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
