using Spectre.Console;

namespace Tour;

/// <summary>Stop 1: the tutorial's generator program with C# iterators, driven by MoveNext.</summary>
internal static class YieldStop
{
    private static IEnumerable<string> Task(string name, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            yield return $"--{name}-- step {i + 1}";
        }
    }

    public static void Run()
    {
        Output.Heading("[yellow]1. yield: generators[/]");
        AnsiConsole.MarkupLine("Each task is an iterator; a loop calls [blue]MoveNext[/] on one, then the other. The loop is the scheduler.");
        using IEnumerator<string> task1 = Task("task1", 3).GetEnumerator();
        using IEnumerator<string> task2 = Task("task2", 3).GetEnumerator();
        bool more = true;
        while (more)
        {
            more = false;
            if (task1.MoveNext())
            {
                AnsiConsole.WriteLine("  " + task1.Current);
                more = true;
            }

            if (task2.MoveNext())
            {
                AnsiConsole.WriteLine("  " + task2.Current);
                more = true;
            }
        }

        AnsiConsole.MarkupLine("[grey]A generator can only yield from its own body, one frame deep.[/]");
        AnsiConsole.WriteLine();
    }
}
