using Greenlets;
using Spectre.Console;

namespace Tour;

/// <summary>Stop 2: the tutorial's greenlet program: gr1 and gr2 hand control to each other with Switch.</summary>
internal static class GreenletStop
{
    public static void Run()
    {
        AnsiConsole.Write(new Rule("[yellow]2. greenlet: explicit switching[/]").LeftJustified());
        AnsiConsole.MarkupLine("No loop in charge: [blue]gr2.Switch()[/] hands control straight to gr2, from any call depth.");
        Greenlet? gr2 = null;
        var gr1 = new Greenlet(() =>
        {
            for (int i = 0; i < 2; i++)
            {
                AnsiConsole.WriteLine("  --task1--");
                gr2!.Switch();
            }
        }) { Name = "gr1" };
        gr2 = new Greenlet(() =>
        {
            for (int i = 0; i < 2; i++)
            {
                AnsiConsole.WriteLine("  --task2--");
                gr1.Switch();
            }
        }) { Name = "gr2" };

        var recorder = new SwitchRecorder();
        gr1.Switch();
        gr2.Throw(); // gr2 waits in its last Switch: kill it, which also returns control here
        recorder.Dispose();

        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("The switch order, as [blue]SwitchRecorder[/] saw it:");
        AnsiConsole.Write(new Text(SequenceDiagram.Render(recorder.Events)));

        string mermaid = Path.Combine(AppContext.BaseDirectory, "switches.mmd");
        string chrome = Path.Combine(AppContext.BaseDirectory, "switches.trace.json");
        File.WriteAllText(mermaid, recorder.ToMermaid());
        File.WriteAllText(chrome, recorder.ToChromeTrace());
        AnsiConsole.MarkupLine($"Mermaid sequence diagram: [green]{Markup.Escape(mermaid)}[/]");
        AnsiConsole.MarkupLine($"Chrome trace (chrome://tracing or ui.perfetto.dev): [green]{Markup.Escape(chrome)}[/]");
        AnsiConsole.WriteLine();
    }
}
