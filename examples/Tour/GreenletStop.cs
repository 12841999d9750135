using Greenlets;
using Spectre.Console;

namespace Tour;

/// <summary>Stop 2: the tutorial's greenlet program: gr1 and gr2 hand control to each other with Switch.</summary>
internal static class GreenletStop
{
    public static void Run()
    {
        Output.Heading("[yellow]2. greenlet: explicit switching[/]");
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
        IReadOnlyList<string> events = recorder.Events;

        // The last two rows are the clean-up, not the ping-pong: gr2 still waits in its last Switch.
        int kill = events.Count - 2;
        AnsiConsole.Write(new Text(SequenceDiagram.Render(events, row =>
            row == kill ? "gr2.Throw() kills gr2, suspended in its last Switch (GreenletExit)"
            : row == kill + 1 ? "gr2 dies of it; control returns to its parent, main"
            : null)));

        string folder = Output.FilesFolder();
        string mermaid = Path.Combine(folder, "switches.mmd");
        string chrome = Path.Combine(folder, "switches.trace.json");
        File.WriteAllText(mermaid, recorder.ToMermaid());
        File.WriteAllText(chrome, recorder.ToChromeTrace());
        AnsiConsole.MarkupLine($"Trace files, in [green]{Markup.Escape(folder)}[/] (greenlets-tour/ under the current directory):");
        AnsiConsole.MarkupLine($"Mermaid sequence diagram: [green]{Markup.Escape(mermaid)}[/]");
        AnsiConsole.MarkupLine($"Chrome trace (chrome://tracing or ui.perfetto.dev): [green]{Markup.Escape(chrome)}[/]");
        AnsiConsole.WriteLine();
    }
}
