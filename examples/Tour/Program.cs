// The tour: the coroutine tutorial, runnable. Five stops: generators (yield), greenlets (explicit Switch),
// gevent (a hub switches for you when you wait), the same on the async hub (await, no thread per greenlet), and the
// cost of processes, threads and coroutines, measured here.
using Spectre.Console;
using Tour;

Output.Configure();
Output.Heading("[bold]Greenlets: a tour of coroutines[/]");
AnsiConsole.MarkupLine("Two tasks taking turns, three ways, then what each way costs on this machine.");
AnsiConsole.WriteLine();

YieldStop.Run();
GreenletStop.Run();
GeventStop.Run();
AsyncHubStop.Run();
CostStop.Run();

Output.Heading("[bold]Where next[/]");
AnsiConsole.MarkupLine("Every example is a project in examples/ (run one with [blue]dotnet run --project examples/<Name>[/]):");
(string Name, string What)[] examples =
[
    ("PingPong", "two greenlets hand control to each other with Switch; the recorded switch order"),
    ("ProducerConsumer", "a producer and a consumer pass items straight to each other, no queue or lock"),
    ("InvertControl", "GreenletGenerator turns a push-style callback walker into a pull-style IEnumerable"),
    ("Gevent", "two tasks that wait with Hub.Sleep run side by side; Thread.Sleep blocks the tree; --async: on AsyncHub"),
    ("EchoServer", "a cooperative echo server: one GreenTask per connection over GreenStream"),
    ("HelloHttp", "HTTP/1.1 hello world on GreenServer, the twin of gevent's pywsgi benchmark"),
    ("Simulation", "a bank of 50 counters and 100,000 AsyncGreenlet customers, a discrete-event simulation"),
    ("SwitchOrderTest", "xunit tests (dotnet test) that assert a handoff order with SwitchRecorder"),
];
foreach ((string name, string what) in examples)
{
    AnsiConsole.MarkupLine($"  [bold]{name}[/]: {Markup.Escape(what)}");
}
