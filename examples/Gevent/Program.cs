// The tutorial's gevent program: two tasks that wait with Hub.Sleep run side by side, because a greenlet that
// waits switches to the hub and the hub runs whoever is ready. Then the same program with Thread.Sleep: a blocking
// call is not cooperative (there is no monkey patching in .NET), so it blocks the whole tree and the tasks run
// one after the other, as gevent's own tutorial warns for an unpatched time.sleep.
// With --async the same program runs on the async hub (AsyncHub, AsyncGreenTask, SleepAsync): see AsyncDemo.cs.
using System.Diagnostics;
using Greenlets;

const int rounds = 2;
TimeSpan pause = TimeSpan.FromMilliseconds(500);

if (args.Contains("--async"))
{
    await AsyncDemo.RunAsync(rounds, pause);
    return;
}

Run("Hub.Sleep (cooperative)", () => Hub.Sleep(pause));
Run("Thread.Sleep (blocks the whole tree)", () => Thread.Sleep(pause));

void Run(string title, Action wait)
{
    Console.WriteLine($"== {title}");
    var watch = Stopwatch.StartNew();
    void Task(string name)
    {
        for (int i = 0; i < rounds; i++)
        {
            Console.WriteLine($"{watch.Elapsed.TotalSeconds,5:0.00}s  {name}: round {i + 1}, waiting {pause.TotalMilliseconds} ms");
            wait();
        }

        Console.WriteLine($"{watch.Elapsed.TotalSeconds,5:0.00}s  {name}: done");
    }

    GreenTask task1 = Hub.Spawn(() => Task("task1"));
    GreenTask task2 = Hub.Spawn(() => Task("task2"));
    Hub.JoinAll([task1, task2]);
    Console.WriteLine($"total {watch.Elapsed.TotalSeconds:0.00}s for {2 * rounds} waits of {pause.TotalSeconds}s");
    Console.WriteLine();
}
