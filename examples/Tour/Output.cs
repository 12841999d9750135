using Spectre.Console;

namespace Tour;

/// <summary>How the tour writes: Spectre's rules and wrapping on a terminal, plain unwrapped lines when the output is
/// piped or redirected (a log, a CI job, <c>| less</c>), where an 80-column wrap would cut sentences in two.</summary>
internal static class Output
{
    /// <summary>Gets whether the output is a terminal a person is watching.</summary>
    public static bool IsTerminal { get; } = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Sets the console profile up for the output: no wrapping when it is not a terminal.</summary>
    public static void Configure()
    {
        if (!IsTerminal)
        {
            // Spectre assumes 80 columns without a terminal; lines then end where the text does.
            AnsiConsole.Profile.Width = 4096;
        }
    }

    /// <summary>Writes a section heading: a rule on a terminal, a plain titled line otherwise.</summary>
    public static void Heading(string markup)
    {
        if (IsTerminal)
        {
            AnsiConsole.Write(new Rule(markup).LeftJustified());
        }
        else
        {
            AnsiConsole.MarkupLine($"== {markup} ==");
        }
    }

    /// <summary>Gets the folder the tour writes its trace files to: <c>./greenlets-tour/</c> in the current directory.</summary>
    public static string FilesFolder()
    {
        string folder = Path.Combine(Environment.CurrentDirectory, "greenlets-tour");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
