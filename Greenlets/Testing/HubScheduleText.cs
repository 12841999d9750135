using System.Globalization;
using System.Text;

namespace Greenlets.Internal;

/// <summary>The text of a schedule: one character per choice (<c>0</c>-<c>9</c>, <c>a</c>-<c>z</c>; <c>(n)</c> beyond 35),
/// and <c>{n}</c> after a choice for a run of <c>n</c> of it.</summary>
internal static class HubScheduleText
{
    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";

    // A run shorter than this is written out: "0000" is no longer than "0{4}".
    private const int ShortestRun = 5;

    /// <summary>Formats a schedule given choice by choice.</summary>
    public static string Format(IReadOnlyList<int> choices) => Format(choices.Select(static c => (c, 1)));

    /// <summary>Formats a schedule given as runs of one choice repeated; adjacent runs of the same choice are merged.</summary>
    public static string Format(IEnumerable<(int Choice, int Repeat)> runs)
    {
        var text = new StringBuilder();
        int choice = -1;
        int run = 0;
        foreach ((int next, int repeat) in runs)
        {
            if (next != choice)
            {
                Append(text, choice, run);
                choice = next;
                run = 0;
            }

            run += repeat;
        }

        Append(text, choice, run);
        return text.ToString();
    }

    private static void Append(StringBuilder text, int choice, int run)
    {
        if (run == 0)
        {
            return;
        }

        string token = choice < Digits.Length ? Digits[choice].ToString() : string.Create(CultureInfo.InvariantCulture, $"({choice})");
        if (run >= ShortestRun)
        {
            text.Append(token).Append('{').Append(run.ToString(CultureInfo.InvariantCulture)).Append('}');
        }
        else
        {
            for (int r = 0; r < run; r++)
            {
                text.Append(token);
            }
        }
    }

    /// <exception cref="FormatException">The text is not a schedule.</exception>
    public static int[] Parse(string text)
    {
        List<int> choices = [];
        int at = 0;
        while (at < text.Length)
        {
            int choice;
            char c = text[at];
            if (c == '(')
            {
                choice = Number(text, ref at, ')');
            }
            else if (Digits.IndexOf(c, StringComparison.Ordinal) is >= 0 and int digit)
            {
                choice = digit;
                at++;
            }
            else
            {
                throw new FormatException($"Not a schedule: unexpected '{c}' at {at} in \"{text}\".");
            }

            int run = at < text.Length && text[at] == '{' ? Number(text, ref at, '}') : 1;
            if (run < 1)
            {
                throw new FormatException($"Not a schedule: an empty run before {at} in \"{text}\".");
            }

            choices.AddRange(Enumerable.Repeat(choice, run));
        }

        return [.. choices];
    }

    private static int Number(string text, ref int at, char close)
    {
        int end = text.IndexOf(close, at + 1);
        if (end < 0 || !int.TryParse(text.AsSpan(at + 1, end - at - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
        {
            throw new FormatException($"Not a schedule: a bad number at {at} in \"{text}\".");
        }

        at = end + 1;
        return value;
    }
}
