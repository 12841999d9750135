namespace Greenlets.Tests.Conformance;

/// <summary>Runs a <see cref="SwitchProgram"/> on <see cref="AsyncGreenlet"/>s and returns its log, as <see cref="ProgramRunner"/> does on <see cref="Greenlet"/>s.</summary>
public static class AsyncProgramRunner
{
    public static List<string> Run(SwitchProgram program)
    {
        List<string> log = [];
        AsyncTestFlow.Run(() => RunAsync(program, new ProgramLog(log)));
        return log;
    }

    private static async Task RunAsync(SwitchProgram program, ProgramLog log)
    {
        int n = program.Parents.Length;
        var gs = new List<AsyncGreenlet> { AsyncGreenlet.Current };

        async ValueTask<(object? Result, bool Finished)> Execute(int k, ProgramAction action)
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

            AsyncGreenlet target = gs[action.Target];
            async ValueTask Body()
            {
                switch (action.Op)
                {
                    case "switch":
                        log.Add($"{me} got {ProgramRunner.Format(await target.SwitchAsync(action.Value))}");
                        break;
                    case "throw":
                        log.Add($"{me} got {ProgramRunner.Format(await target.ThrowAsync(new ProgramException(action.Value)))}");
                        break;
                    case "kill":
                        log.Add($"{me} got {ProgramRunner.Format(await target.ThrowAsync())}");
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
                    log.Add($"{me} caught {ProgramRunner.Name(e)}");
                }
            }
            else
            {
                await Body();
            }

            return (null, false);
        }

        Func<object?, ValueTask<object?>> MakeRun(int k) => async arg =>
        {
            log.Add($"g{k} start {ProgramRunner.Format(arg)}");
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
            gs.Add(new AsyncGreenlet(MakeRun(k), gs[program.Parents[k - 1]]) { Name = $"g{k}" });
        }

        AsyncGreenlet.SetTrace((e, o, t) => log.Add($"trace {(e == GreenletTraceEvent.Switch ? "switch" : "throw")} {o.Name} {t.Name}"));
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
            log.Add($"main escaped {ProgramRunner.Name(e)}");
        }

        AsyncGreenlet.SetTrace(null);
        for (int k = 1; k <= n; k++)
        {
            log.Add($"g{k} {(gs[k].IsDead ? "dead" : gs[k].IsActive ? "active" : "pending")}");
        }

        for (int pass = 0; pass < 100 && gs.Skip(1).Any(g => g.IsActive); pass++)
        {
            foreach (AsyncGreenlet g in gs.Skip(1).Where(g => g.IsActive))
            {
                g.Parent = gs[0];
                try
                {
                    await g.ThrowAsync();
                }
                catch (Exception)
                {
                    // The program's own leftovers: any outcome is fine here, as in generate.py.
                }
            }

            log.Enabled = false;
        }
    }
}
