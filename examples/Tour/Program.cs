// The tour: the coroutine tutorial, runnable. Four stops: generators (yield), greenlets (explicit Switch),
// gevent (a hub switches for you when you wait), and the cost of processes, threads and coroutines, measured here.
using Spectre.Console;
using Tour;

AnsiConsole.Write(new Rule("[bold]Greenlets: a tour of coroutines[/]").LeftJustified());
AnsiConsole.MarkupLine("Two tasks taking turns, three ways, then what each way costs on this machine.");
AnsiConsole.WriteLine();

YieldStop.Run();
GreenletStop.Run();
GeventStop.Run();
CostStop.Run();

AnsiConsole.Write(new Rule("[bold]Where next[/]").LeftJustified());
AnsiConsole.MarkupLine("examples/PingPong, ProducerConsumer, InvertControl, Gevent, EchoServer, Simulation, SwitchOrderTest.");
