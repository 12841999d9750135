using System.Diagnostics;
using Greenlets;

/// <summary>The tutorial's program on the async hub: the tasks are async greenlets (no thread each), they wait with
/// <c>await AsyncHub.SleepAsync</c>, and a queue hands their results to the main greenlet (this async Main).</summary>
internal static class AsyncDemo
{
    public static async Task RunAsync(int rounds, TimeSpan pause)
    {
        Console.WriteLine("== AsyncHub.SleepAsync (cooperative, async greenlets)");

        // Touch the hub in the entry point: this flow's outside code is then the hub's main greenlet.
        _ = AsyncHub.Current;
        var watch = Stopwatch.StartNew();
        var results = new GreenQueue<string>();

        async ValueTask Task(string name)
        {
            for (int i = 0; i < rounds; i++)
            {
                Console.WriteLine($"{watch.Elapsed.TotalSeconds,5:0.00}s  {name}: round {i + 1}, waiting {pause.TotalMilliseconds} ms");
                await AsyncHub.SleepAsync(pause);
            }

            await results.PutAsync($"{name} done at {watch.Elapsed.TotalSeconds:0.00}s");
        }

        AsyncGreenTask task1 = AsyncHub.Spawn(() => Task("task1"));
        AsyncGreenTask task2 = AsyncHub.Spawn(() => Task("task2"));
        Console.WriteLine($"        {await results.GetAsync()}");
        Console.WriteLine($"        {await results.GetAsync()}");
        await AsyncHub.JoinAllAsync([task1, task2]);
        Console.WriteLine($"total {watch.Elapsed.TotalSeconds:0.00}s for {2 * rounds} waits of {pause.TotalSeconds}s");
    }
}
