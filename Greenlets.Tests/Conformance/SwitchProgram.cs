using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Greenlets.Tests.Conformance;

/// <summary>One step of a greenlet's script in a random switch program.</summary>
/// <param name="Op">switch, throw, kill, reparent, raise or return.</param>
/// <param name="Target">The greenlet the step acts on (0 is main).</param>
/// <param name="Parent">The new parent, for reparent.</param>
/// <param name="Value">The value switched, thrown (as <see cref="ProgramException"/>), raised or returned.</param>
/// <param name="Catch">Whether the step catches (and logs) any exception its switch raises.</param>
public sealed record ProgramAction(string Op, int Target, int Parent, int Value, bool Catch)
{
    public override string ToString() => Op switch
    {
        "return" or "raise" => $"{Op} {Value}",
        "reparent" => $"g{Target}.Parent = g{Parent}",
        _ => $"{Op} g{Target} {Value}{(Catch ? " (catch)" : string.Empty)}",
    };
}

/// <summary>
/// A random program over a main greenlet and n greenlets: greenlet k (1..n) starts with parent <c>Parents[k-1]</c> and
/// runs <c>Scripts[k]</c>; main runs <c>Scripts[0]</c>. The same language is run by Python (generate.py), by
/// <see cref="ProgramRunner"/> on <see cref="Greenlet"/>, and by <see cref="SwitchModel"/>.
/// </summary>
public sealed record SwitchProgram(int[] Parents, ProgramAction[][] Scripts)
{
    public static SwitchProgram FromJson(JsonElement program) => new(
        [.. program.GetProperty("parents").EnumerateArray().Select(p => p.GetInt32())],
        [.. program.GetProperty("scripts").EnumerateArray().Select(s => s.EnumerateArray().Select(a => new ProgramAction(
            a.GetProperty("op").GetString()!,
            a.TryGetProperty("target", out JsonElement t) ? t.GetInt32() : 0,
            a.TryGetProperty("parent", out JsonElement p) ? p.GetInt32() : 0,
            a.GetProperty("value").GetInt32(),
            a.TryGetProperty("catch", out JsonElement c) && c.GetBoolean())).ToArray())]);

    public override string ToString()
    {
        var text = new StringBuilder();
        for (int k = 0; k < Scripts.Length; k++)
        {
            text.Append(k == 0 ? "main" : string.Create(CultureInfo.InvariantCulture, $"g{k} (parent g{Parents[k - 1]})"));
            text.Append(": ").AppendJoin("; ", (IEnumerable<ProgramAction>)Scripts[k]).Append('\n');
        }

        return text.ToString().Replace("g0", "main", StringComparison.Ordinal);
    }
}

/// <summary>The exception a program throws and raises, carrying its value.</summary>
public sealed class ProgramException(int value) : Exception($"E:{value}")
{
    public int Value { get; } = value;
}
