using System.Runtime.InteropServices;

namespace Greenlets.Internal;

/// <summary>The choices of one test run and how many candidates each had, stored as runs of equal pairs: a FIFO run
/// makes thousands of identical choices (<c>0</c> of 2), which take one entry here instead of two growing lists
/// (issue 13: those lists were most of a 100-greenlet run's extra memory).</summary>
/// <remarks>Written by the run's chooser on the hub's thread; read after the run, when it no longer changes.</remarks>
internal sealed class HubChoiceLog
{
    private readonly List<Run> _runs = [];

    /// <summary>Gets how many choices were made.</summary>
    public int Length { get; private set; }

    /// <summary>Records one choice: the index taken among <paramref name="count"/> candidates.</summary>
    public void Add(int choice, int count)
    {
        Span<Run> runs = CollectionsMarshal.AsSpan(_runs);
        if (runs.Length > 0 && runs[^1].Choice == choice && runs[^1].Count == count)
        {
            runs[^1].Repeat++;
        }
        else
        {
            _runs.Add(new Run(choice, count, 1));
        }

        Length++;
    }

    /// <summary>Gets every choice in order.</summary>
    public int[] Choices() => Expand(static r => r.Choice);

    /// <summary>Gets, for every choice, how many candidates it had.</summary>
    public int[] Counts() => Expand(static r => r.Count);

    /// <summary>Gets the schedule's text (see <see cref="HubScheduleText"/>).</summary>
    public string Format() => HubScheduleText.Format(_runs.Select(r => (r.Choice, r.Repeat)));

    private int[] Expand(Func<Run, int> part)
    {
        int[] values = new int[Length];
        int at = 0;
        foreach (Run run in _runs)
        {
            values.AsSpan(at, run.Repeat).Fill(part(run));
            at += run.Repeat;
        }

        return values;
    }

    /// <summary><paramref name="Repeat"/> choices in a row of the same index among the same number of candidates.</summary>
    private record struct Run(int Choice, int Count, int Repeat);
}
