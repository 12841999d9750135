using System.Text;

namespace Tour;

/// <summary>Draws recorded switches ("a -> b", "a !> b") as an ASCII sequence diagram, one row per transfer, each
/// labelled "switch" or "throw" and, where the caller knows more, what the transfer means.</summary>
internal static class SequenceDiagram
{
    private const int Column = 12;

    public static string Render(IReadOnlyList<string> events, Func<int, string?>? note = null)
    {
        var parsed = events.Select(Parse).ToList();
        var names = new List<string>();
        foreach (var (from, to, _) in parsed)
        {
            foreach (string name in new[] { from, to })
            {
                if (!names.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        var text = new StringBuilder();
        text.AppendLine(string.Concat(names.Select(n => n.PadRight(Column))).TrimEnd());
        for (int index = 0; index < parsed.Count; index++)
        {
            var (from, to, isThrow) = parsed[index];
            int a = names.IndexOf(from) * Column;
            int b = names.IndexOf(to) * Column;
            var row = Lifelines(names.Count);
            if (a == b)
            {
                row[a + 1] = '@';
            }
            else
            {
                int lo = Math.Min(a, b);
                int hi = Math.Max(a, b);
                for (int i = lo + 1; i < hi; i++)
                {
                    row[i] = isThrow ? '~' : '-';
                }

                row[b > a ? hi - 1 : lo + 1] = b > a ? '>' : '<';
            }

            string label = isThrow ? "throw" : "switch";
            text.Append(new string(row).TrimEnd()).Append("   ").AppendLine(note?.Invoke(index) is { } meaning ? $"{label}: {meaning}" : label);
        }

        return text.ToString();
    }

    private static char[] Lifelines(int count)
    {
        var row = Enumerable.Repeat(' ', count * Column).ToArray();
        for (int i = 0; i < count; i++)
        {
            row[i * Column] = '|';
        }

        return row;
    }

    private static (string From, string To, bool IsThrow) Parse(string e)
    {
        bool isThrow = e.Contains(" !> ", StringComparison.Ordinal);
        string[] parts = e.Split(isThrow ? " !> " : " -> ");
        return (parts[0], parts[1], isThrow);
    }
}
