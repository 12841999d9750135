using System.Globalization;
using System.Text.Json;

namespace Greenlets.Tests;

/// <summary>
/// Random switch/throw/kill/return/raise/reparent programs, generated and run with Python's greenlet 2.0.2 by
/// <c>Conformance/generate.py</c>; each is replayed here and must produce the same log (values, caught exceptions,
/// trace events, final states).
/// </summary>
public sealed class ConformanceTests
{
    [Fact]
    public void Programs_ReplayedOnGreenlet_MatchPythonGreenletLogs() => OnThread.Run(() =>
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Conformance", "programs.json")));
        var failures = new List<string>();
        int index = 0;
        foreach (JsonElement program in doc.RootElement.GetProperty("programs").EnumerateArray())
        {
            List<string> expected = [.. program.GetProperty("log").EnumerateArray().Select(e => e.GetString()!)];
            List<string> actual = Replay(program);
            if (!expected.SequenceEqual(actual))
            {
                int at = expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count();
                failures.Add($"program {index}: first difference at line {at}: expected '{expected.ElementAtOrDefault(at)}', got '{actual.ElementAtOrDefault(at)}'");
            }

            index++;
        }

        Assert.True(index >= 100, "the corpus is missing");
        Assert.True(failures.Count == 0, $"{failures.Count} of {index} programs differ:\n" + string.Join("\n", failures.Take(5)));
    });

    private static List<string> Replay(JsonElement program)
    {
        var log = new List<string>();
        int[] parents = [.. program.GetProperty("parents").EnumerateArray().Select(p => p.GetInt32())];
        JsonElement[][] scripts = [.. program.GetProperty("scripts").EnumerateArray().Select(s => s.EnumerateArray().ToArray())];
        int n = parents.Length;
        var gs = new List<Greenlet> { Greenlet.Current };

        object? Execute(int k, JsonElement action, out bool finished)
        {
            finished = false;
            string op = action.GetProperty("op").GetString()!;
            int value = action.GetProperty("value").GetInt32();
            string me = k == 0 ? "main" : $"g{k}";
            if (op == "return")
            {
                finished = true;
                return value;
            }

            if (op == "raise")
            {
                throw new ProgramException(value);
            }

            Greenlet target = gs[action.GetProperty("target").GetInt32()];
            void Body()
            {
                switch (op)
                {
                    case "switch":
                        log.Add($"{me} got {Format(target.Switch(value))}");
                        break;
                    case "throw":
                        log.Add($"{me} got {Format(target.Throw(new ProgramException(value)))}");
                        break;
                    case "kill":
                        log.Add($"{me} got {Format(target.Throw())}");
                        break;
                    default:
                        target.Parent = gs[action.GetProperty("parent").GetInt32()];
                        log.Add($"{me} reparented g{action.GetProperty("target").GetInt32()}");
                        break;
                }
            }

            if (action.GetProperty("catch").GetBoolean() || op == "reparent")
            {
                try
                {
                    Body();
                }
                catch (Exception e)
                {
                    log.Add($"{me} caught {Name(e)}");
                }
            }
            else
            {
                Body();
            }

            return null;
        }

        Func<object?, object?> MakeRun(int k) => arg =>
        {
            log.Add($"g{k} start {Format(arg)}");
            foreach (JsonElement action in scripts[k])
            {
                object? result = Execute(k, action, out bool finished);
                if (finished)
                {
                    return result;
                }
            }

            return null;
        };

        for (int k = 1; k <= n; k++)
        {
            gs.Add(new Greenlet(MakeRun(k), gs[parents[k - 1]]) { Name = $"g{k}" });
        }

        Greenlet.SetTrace((e, o, t) => log.Add($"trace {(e == GreenletTraceEvent.Switch ? "switch" : "throw")} {o.Name} {t.Name}"));
        try
        {
            foreach (JsonElement action in scripts[0])
            {
                Execute(0, action, out bool finished);
                if (finished)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            log.Add($"main escaped {Name(e)}");
        }

        Greenlet.SetTrace(null);
        for (int k = 1; k <= n; k++)
        {
            log.Add($"g{k} {(gs[k].IsDead ? "dead" : gs[k].IsActive ? "active" : "pending")}");
        }

        foreach (Greenlet g in gs.Skip(1).Where(g => g.IsActive))
        {
            g.Parent = gs[0];
            try
            {
                g.Throw();
            }
            catch (Exception)
            {
                // The program's own leftovers: any outcome is fine here, as in generate.py.
            }
        }

        return log;
    }

    private static string Format(object? value) => value switch
    {
        null => "None",
        GreenletExit => "GreenletExit",
        ProgramException e => $"E:{e.Value}",
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => "?" + value.GetType().Name,
    };

    private static string Name(Exception e) => e switch
    {
        ProgramException p => $"E:{p.Value}",
        GreenletExit => "GreenletExit",
        ArgumentException or InvalidOperationException => "ParentError",
        _ => e.GetType().Name,
    };

    private sealed class ProgramException(int value) : Exception($"E:{value}")
    {
        public int Value { get; } = value;
    }
}
