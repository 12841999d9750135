using System.Diagnostics;
using Greenlets;
using Spectre.Console;

namespace Tour;

/// <summary>Stop 4: the same two tasks on the async hub: async greenlets that wait with <c>await</c>, no thread each.</summary>
internal static class AsyncHubStop
{
    public static void Run()
    {
        Output.Heading("[yellow]4. gevent on the async hub: the same rules for async code[/]");
        AnsiConsole.MarkupLine("[blue]AsyncHub.Spawn[/] runs each task as an async greenlet; [blue]await AsyncHub.SleepAsync[/] parks it and the hub runs the other.");

        // The tour's Main is synchronous: block on the async flow once, as on any async Main.
        TimeSpan elapsed = TwoTasksAsync().AsTask().GetAwaiter().GetResult();
        AnsiConsole.MarkupLine($"  two tasks x 2 naps of 200 ms with await AsyncHub.SleepAsync: [green]{elapsed.TotalMilliseconds:0} ms[/] (the naps overlap)");
        AnsiConsole.MarkupLine("[grey]Which hub? Hub runs plain synchronous code (any call depth may wait) with an OS thread per greenlet;[/]");
        AnsiConsole.MarkupLine("[grey]AsyncHub runs async code only, about 1 KB per waiting task and no thread handoff per switch: pick it for many thousands of tasks or code that is async already.[/]");
        AnsiConsole.WriteLine();
    }

    private static async ValueTask<TimeSpan> TwoTasksAsync()
    {
        // Touch the hub first in this flow: its outside code (this method) is then the hub's main greenlet, so the
        // queue's GetAsync below waits through the async hub, not the thread's Hub.
        _ = AsyncHub.Current;
        var clock = Stopwatch.StartNew();
        var results = new GreenQueue<string>();

        AsyncGreenTask Task(string name) => AsyncHub.Spawn(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                AnsiConsole.WriteLine($"  --{name}-- nap {i + 1} at {clock.ElapsedMilliseconds,4} ms");
                await AsyncHub.SleepAsync(TimeSpan.FromMilliseconds(200));
            }

            await results.PutAsync(name);
        });

        AsyncGreenTask task1 = Task("task1");
        AsyncGreenTask task2 = Task("task2");
        for (int i = 0; i < 2; i++)
        {
            string name = await results.GetAsync();
            AnsiConsole.WriteLine($"  main got \"{name} done\" from the queue at {clock.ElapsedMilliseconds,4} ms");
        }

        await AsyncHub.JoinAllAsync([task1, task2]);
        return clock.Elapsed;
    }
}
