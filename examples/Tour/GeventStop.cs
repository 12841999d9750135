using System.Diagnostics;
using Greenlets;
using Spectre.Console;

namespace Tour;

/// <summary>Stop 3: gevent: a greenlet that waits switches to the others by itself, through the hub.</summary>
internal static class GeventStop
{
    public static void Run()
    {
        Output.Heading("[yellow]3. gevent: the hub switches for you[/]");
        AnsiConsole.MarkupLine("[blue]Hub.Sleep[/] parks the caller with a timer and runs whoever is ready: both tasks sleep at once.");
        TimeSpan cooperative = TwoTasks(blocking: false);
        AnsiConsole.MarkupLine($"  two tasks x 2 naps of 200 ms with Hub.Sleep:    [green]{cooperative.TotalMilliseconds:0} ms[/] (the naps overlap)");
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("The same with [red]Thread.Sleep[/], which the hub cannot see: the whole tree stops while one task naps.");
        TimeSpan blocking = TwoTasks(blocking: true);
        AnsiConsole.MarkupLine($"  two tasks x 2 naps of 200 ms with Thread.Sleep: [red]{blocking.TotalMilliseconds:0} ms[/] (one after the other)");
        AnsiConsole.MarkupLine("[grey]gevent patches time.sleep for this; .NET cannot, so use Hub.Sleep, Hub.Wait(task) and GreenStream.[/]");
        AnsiConsole.WriteLine();
    }

    private static TimeSpan TwoTasks(bool blocking)
    {
        var clock = Stopwatch.StartNew();
        GreenTask Task(string name) => Hub.Spawn(() =>
        {
            for (int i = 0; i < 2; i++)
            {
                AnsiConsole.WriteLine($"  --{name}-- nap {i + 1} at {clock.ElapsedMilliseconds,4} ms");
                if (blocking)
                {
                    Thread.Sleep(200);
                }
                else
                {
                    Hub.Sleep(200);
                }
            }
        });

        Hub.JoinAll([Task("task1"), Task("task2")]);
        return clock.Elapsed;
    }
}
