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

/// <summary>
/// Runs a <see cref="SwitchProgram"/> on real greenlets of any backend and returns its log, line for line as
/// generate.py writes it. One text for every backend (<see cref="IGreenletBackend"/>): on thread greenlets every
/// await completes synchronously, so the program runs straight through on the fibers.
/// </summary>
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

    /// <summary>Runs <paramref name="program"/> on thread greenlets of the calling thread's tree.</summary>
    public static List<string> Run(SwitchProgram program) => RunAsync(program, ThreadGreenletBackend.Instance).GetAwaiter().GetResult();

    /// <summary>Runs <paramref name="program"/> as the main greenlet of a fresh tree of <paramref name="backend"/>.</summary>
    public static List<string> Run(SwitchProgram program, IGreenletBackend backend)
    {
        List<string> log = [];
        backend.RunMain(async () => log = await RunAsync(program, backend));
        return log;
    }

    private static async Task<List<string>> RunAsync(SwitchProgram program, IGreenletBackend backend)
    {
        var all = new List<string>();
        var log = new ProgramLog(all);
        int n = program.Parents.Length;
        var gs = new List<IGreenletHandle> { backend.Current };

        async Task<(object? Result, bool Finished)> Execute(int k, ProgramAction action)
        {
            string me = k == 0 ? "main" : $"g{k}";
            if (action.Op == "return")
            {
                return (action.Value, true);
            }

            if (action.Op == "raise")
            {
                throw new ProgramException(action.Value);
            }

            IGreenletHandle target = gs[action.Target];
            async Task Body()
            {
                switch (action.Op)
                {
                    case "switch":
                        log.Add($"{me} got {Format(await target.Switch(action.Value))}");
                        break;
                    case "throw":
                        log.Add($"{me} got {Format(await target.Throw(new ProgramException(action.Value)))}");
                        break;
                    case "kill":
                        log.Add($"{me} got {Format(await target.Throw())}");
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
                    await Body();
                }
                catch (Exception e)
                {
                    log.Add($"{me} caught {Name(e)}");
                }
            }
            else
            {
                await Body();
            }

            return (null, false);
        }

        Func<object?, Task<object?>> MakeRun(int k) => async arg =>
        {
            log.Add($"g{k} start {Format(arg)}");
            foreach (ProgramAction action in program.Scripts[k])
            {
                (object? result, bool finished) = await Execute(k, action);
                if (finished)
                {
                    return result;
                }
            }

            return null;
        };

        for (int k = 1; k <= n; k++)
        {
            IGreenletHandle g = backend.Create(MakeRun(k), gs[program.Parents[k - 1]]);
            g.Name = $"g{k}";
            gs.Add(g);
        }

        backend.SetTrace((e, o, t) => log.Add($"trace {(e == GreenletTraceEvent.Switch ? "switch" : "throw")} {o.Name} {t.Name}"));
        try
        {
            foreach (ProgramAction action in program.Scripts[0])
            {
                (_, bool finished) = await Execute(0, action);
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

        backend.SetTrace(null);
        for (int k = 1; k <= n; k++)
        {
            log.Add($"g{k} {(gs[k].IsDead ? "dead" : gs[k].IsActive ? "active" : "pending")}");
        }

        // As generate.py does: kill what is still active (what they log counts). Then, unlogged, kill again until
        // nothing is left, so no leftover can run later (when collected) inside another program's tree.
        for (int pass = 0; pass < 100 && gs.Skip(1).Any(g => g.IsActive); pass++)
        {
            foreach (IGreenletHandle g in gs.Skip(1).Where(g => g.IsActive))
            {
                g.Parent = gs[0];
                try
                {
                    await g.Throw();
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
