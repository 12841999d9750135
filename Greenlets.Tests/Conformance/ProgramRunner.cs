using System.Globalization;

namespace Greenlets.Tests.Conformance;

/// <summary>A log that can stop recording.</summary>
internal sealed class ProgramLog(List<string> lines)
{
    public bool Enabled { get; set; } = true;

    public void Add(string line)
    {
        if (Enabled)
        {
            lines.Add(line);
        }
    }
}

/// <summary>Runs a <see cref="SwitchProgram"/> on real greenlets and returns its log, line for line as generate.py writes it.</summary>
public static class ProgramRunner
{
    public static string Format(object? value) => value switch
    {
        null => "None",
        GreenletExit => "GreenletExit",
        ProgramException e => $"E:{e.Value}",
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => "?" + value.GetType().Name,
    };

    public static string Name(Exception e) => e switch
    {
        ProgramException p => $"E:{p.Value}",
        GreenletExit => "GreenletExit",
        ArgumentException or InvalidOperationException => "ParentError",
        _ => e.GetType().Name,
    };

    public static List<string> Run(SwitchProgram program)
    {
        var all = new List<string>();
        var log = new ProgramLog(all);
        int n = program.Parents.Length;
        var gs = new List<Greenlet> { Greenlet.Current };

        object? Execute(int k, ProgramAction action, out bool finished)
        {
            finished = false;
            string me = k == 0 ? "main" : $"g{k}";
            if (action.Op == "return")
            {
                finished = true;
                return action.Value;
            }

            if (action.Op == "raise")
            {
                throw new ProgramException(action.Value);
            }

            Greenlet target = gs[action.Target];
            void Body()
            {
                switch (action.Op)
                {
                    case "switch":
                        log.Add($"{me} got {Format(target.Switch(action.Value))}");
                        break;
                    case "throw":
                        log.Add($"{me} got {Format(target.Throw(new ProgramException(action.Value)))}");
                        break;
                    case "kill":
                        log.Add($"{me} got {Format(target.Throw())}");
                        break;
                    default:
                        target.Parent = gs[action.Parent];
                        log.Add($"{me} reparented g{action.Target}");
                        break;
                }
            }

            if (action.Catch || action.Op == "reparent")
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
            foreach (ProgramAction action in program.Scripts[k])
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
            gs.Add(new Greenlet(MakeRun(k), gs[program.Parents[k - 1]]) { Name = $"g{k}" });
        }

        GreenletTracer? previous = Greenlet.SetTrace((e, o, t) => log.Add($"trace {(e == GreenletTraceEvent.Switch ? "switch" : "throw")} {o.Name} {t.Name}"));
        try
        {
            foreach (ProgramAction action in program.Scripts[0])
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

        Greenlet.SetTrace(previous);
        for (int k = 1; k <= n; k++)
        {
            log.Add($"g{k} {(gs[k].IsDead ? "dead" : gs[k].IsActive ? "active" : "pending")}");
        }

        // As generate.py does: kill what is still active (what they log counts). Then, unlogged, kill again until
        // nothing is left, so no leftover can run later (when collected) inside another program's tree.
        for (int pass = 0; pass < 100 && gs.Skip(1).Any(g => g.IsActive); pass++)
        {
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

            log.Enabled = false;
        }

        return all;
    }
}
