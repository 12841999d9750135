using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Greenlets;
using Spectre.Console;

namespace Tour;

/// <summary>Stop 5: the tutorial's summary, measured live: what one handoff costs for processes, threads and coroutines.</summary>
internal static class CostStop
{
    // Each row is the median of this many timed rounds (after one warm-up round), so one preempted round on a
    // loaded machine does not become the number.
    private const int Rounds = 5;

    private sealed record Row(string Way, string Measured, Spread Ns, string Analogy)
    {
        public double NsPerHandoff => Ns.Median;
    }

    private readonly record struct Spread(double Median, double Min, double Max);

    public static void Run()
    {
        Output.Heading("[yellow]5. what a switch costs, measured now[/]");
        var steps = new (string Name, Func<Row> Measure)[]
        {
            ("starting a process", ProcessStart),
            ("thread handoff (SemaphoreSlim ping-pong)", ThreadHandoff),
            ("Greenlet.Switch (thread fibers)", GreenletSwitch),
            ("AsyncGreenlet.SwitchAsync", AsyncGreenletSwitch),
            ("C# iterator step (MoveNext)", IteratorStep),
        };
        AnsiConsole.MarkupLine($"Each row: the median of {Rounds} rounds after a warm-up. {Markup.Escape(LoadAverage())}");
        var rows = new List<Row>();
        if (Output.IsTerminal)
        {
            AnsiConsole.Progress().Start(context =>
            {
                var task = context.AddTask("measuring", maxValue: steps.Length);
                foreach (var (name, measure) in steps)
                {
                    task.Description = name;
                    rows.Add(measure());
                    task.Increment(1);
                }
            });
        }
        else
        {
            foreach (var (name, measure) in steps)
            {
                AnsiConsole.WriteLine($"  measuring {name} ...");
                rows.Add(measure());
            }
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("way to take turns")
            .AddColumn(new TableColumn("one handoff").RightAligned())
            .AddColumn(new TableColumn("handoffs per second").RightAligned())
            .AddColumn(new TableColumn($"fastest .. slowest of {Rounds}").RightAligned())
            .AddColumn("measured as");
        foreach (Row row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Way),
                Markup.Escape(Format(row.NsPerHandoff)),
                (1e9 / row.NsPerHandoff).ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape($"{Format(row.Ns.Min)} .. {Format(row.Ns.Max)}"),
                Markup.Escape(row.Measured));
        }

        AnsiConsole.Write(table);
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("Why a [blue]Greenlet.Switch[/] here costs about what a thread handoff costs: each thread greenlet runs on an OS thread of its own (a fiber thread), so a switch parks one thread and wakes another through a futex, the same kernel path a SemaphoreSlim handoff takes. When both threads are already running on two idle cores (a hot ping-pong) the library spins instead and the switch is much cheaper; a cold one (the first, or any on a busy machine) pays for the OS wake. An [blue]AsyncGreenlet[/] never leaves its thread, which is why it is the backend for very many greenlets.");
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("The factory analogy:");
        foreach (Row row in rows)
        {
            AnsiConsole.MarkupLine($"  [bold]{Markup.Escape(row.Way)}[/]: {Markup.Escape(row.Analogy)}");
        }

        AnsiConsole.WriteLine();
    }

    private static string Format(double ns) => ns switch
    {
        >= 1e6 => $"{ns / 1e6:0.0} ms",
        >= 1e3 => $"{ns / 1e3:0.0} µs",
        _ => $"{ns:0.0} ns",
    };

    private static Spread Time(Action body, int operations)
    {
        body(); // warm-up: JIT, thread and fiber pools
        var samples = new double[Rounds];
        for (int i = 0; i < Rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            body();
            samples[i] = clock.Elapsed.TotalNanoseconds / operations;
        }

        Array.Sort(samples);
        return new Spread(samples[Rounds / 2], samples[0], samples[^1]);
    }

    /// <summary>The machine's load while measuring: other work on its cores shows up in every row.</summary>
    private static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path))
        {
            return $"{Environment.ProcessorCount} cores.";
        }

        string[] parts = File.ReadAllText(path).Split(' ');
        return $"Load average {parts[0]} / {parts[1]} / {parts[2]} (1, 5, 15 min) on {Environment.ProcessorCount} cores: above the core count, every row reads slower.";
    }

    private static Row ProcessStart()
    {
        const int count = 10;
        Spread ns = Time(
            () =>
            {
                for (int i = 0; i < count; i++)
                {
                    using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
                    p.WaitForExit();
                }
            },
            count);
        return new Row("process", $"{count} starts of /bin/true", ns, "building a new factory for each job: its own land, walls and machines.");
    }

    private static Row ThreadHandoff()
    {
        const int rounds = 20_000;
        Spread ns = Time(
            () =>
            {
                using var ping = new SemaphoreSlim(0);
                using var pong = new SemaphoreSlim(0);
                var other = new Thread(() =>
                {
                    for (int i = 0; i < rounds; i++)
                    {
                        ping.Wait();
                        pong.Release();
                    }
                });
                other.Start();
                for (int i = 0; i < rounds; i++)
                {
                    ping.Release();
                    pong.Wait();
                }

                other.Join();
            },
            rounds * 2);
        return new Row("thread", $"{rounds:N0} round trips", ns, "more workers in one factory: they share the building, and the OS foreman wakes each one.");
    }

    private static Row GreenletSwitch()
    {
        const int rounds = 20_000;
        Spread ns = Time(
            () =>
            {
                Greenlet main = Greenlet.Current;
                var echo = new Greenlet(x =>
                {
                    while (x is int)
                    {
                        x = main.Switch(x);
                    }

                    return null;
                });
                for (int i = 0; i < rounds; i++)
                {
                    echo.Switch(i);
                }

                echo.Switch("stop");
            },
            rounds * 2);
        return new Row("greenlet", $"{rounds:N0} round trips", ns, "one worker per task, each handing the baton straight to the next, no foreman deciding.");
    }

    private static Row AsyncGreenletSwitch()
    {
        const int rounds = 500_000;
        Spread ns = Time(() => AsyncPingPong(rounds), rounds * 2);
        return new Row("async greenlet", $"{rounds:N0} round trips", ns, "one worker who puts one task down and picks the other up, in the same spot.");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AsyncPingPong(int rounds)
    {
        AsyncGreenlet? echo = null;
        var driver = new AsyncGreenlet(async _ =>
        {
            for (int i = 0; i < rounds; i++)
            {
                await echo!.SwitchAsync(i);
            }

            await echo!.SwitchAsync("stop");
            return null;
        });
        echo = new AsyncGreenlet(async x =>
        {
            while (x is int)
            {
                x = await driver.SwitchAsync(x);
            }

            return null;
        }, driver);
        driver.SwitchAsync().AsTask().GetAwaiter().GetResult();
    }

    private static Row IteratorStep()
    {
        const int steps = 5_000_000;
        Spread ns = Time(
            () =>
            {
                using IEnumerator<int> a = Counter(steps / 2).GetEnumerator();
                using IEnumerator<int> b = Counter(steps / 2).GetEnumerator();
                long sum = 0;
                while (Step(a, ref sum) | Step(b, ref sum))
                {
                }

                GC.KeepAlive(sum);
            },
            steps);
        return new Row("yield (iterator)", $"{steps:N0} MoveNext calls", ns, "a to-do list the manager reads one line at a time: cheap, but only the manager can turn the page.");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Step(IEnumerator<int> e, ref long sum)
    {
        if (!e.MoveNext())
        {
            return false;
        }

        sum += e.Current;
        return true;
    }

    private static IEnumerable<int> Counter(int n)
    {
        for (int i = 0; i < n; i++)
        {
            yield return i;
        }
    }
}
