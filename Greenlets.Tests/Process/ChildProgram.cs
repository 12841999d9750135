namespace Greenlets.Tests;

/// <summary>
/// The test assembly's own entry point: with no arguments it does nothing (the test host loads the assembly as a
/// library); with a scenario name it runs that scenario as a child process, for tests that must watch a whole
/// process (exit codes, exit time).
/// </summary>
public static class ChildProgram
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            return 0;
        }

        switch (args[0])
        {
            case "exit-while-suspended":
                // Greenlets left suspended in two threads' trees; the process must still exit at once with code 0.
                var keep = new List<Greenlet>();
                for (int i = 0; i < 50; i++)
                {
                    var g = new Greenlet(() => Greenlet.Current.Parent!.Switch());
                    g.Switch();
                    keep.Add(g);
                }

                var other = new Thread(() =>
                {
                    var g = new Greenlet(() => Greenlet.Current.Parent!.Switch());
                    g.Switch();
                    keep.Add(g);
                });
                other.Start();
                other.Join();
                ExtraScenarios.Run("exit-while-suspended", keep);
                Console.WriteLine($"suspended: {keep.Count(g => g.State == GreenletState.Suspended)}");
                return 0;
            case "deep-recursion":
                // A greenlet recursing as deep as the reported program did; an optional stack size shows the old default failing.
                if (args.Length > 1)
                {
                    GreenletOptions.StackSize = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
                }

                Console.WriteLine($"depth: {new Greenlet(() => Recurse(20_000)).Switch()}");
                return 0;
            case "unobserved-handler-throws-on-reaper":
                return UnobservedOnReaper();
            case "pids-limit":
                return GreenletOptionsTests.RunUnderPidsLimit();
            case "handoff-mechanism":
                return HandoffGateTests.RunMechanismChild();
            case "handoff-double-signal":
                return HandoffGateTests.RunDoubleSignalChild();
            case "fiber-reuse":
                return FiberTests.RunReuseChild();
            default:
                return ExtraScenarios.Run(args[0], null) ? 0 : 2;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int Recurse(int depth) => depth == 0 ? 0 : 1 + Recurse(depth - 1);

    /// <summary>A thread exits leaving a greenlet that raises when killed; the reaper reports it to a handler that
    /// throws. The process must survive and the second handler must still hear of it.</summary>
    private static int UnobservedOnReaper()
    {
        using var heard = new ManualResetEventSlim();
        Greenlet.UnobservedException += (_, _) => throw new InvalidOperationException("handler bug");
        Greenlet.UnobservedException += (_, e) =>
        {
            if (e.Exception is InvalidTimeZoneException)
            {
                heard.Set();
            }
        };
        var owner = new Thread(() =>
        {
            var g = new Greenlet(() =>
            {
                try
                {
                    Greenlet.Current.Parent!.Switch();
                }
                catch (GreenletExit)
                {
                    throw new InvalidTimeZoneException("raised while dying");
                }
            });
            g.Switch();
            GC.KeepAlive(g);
        });
        owner.Start();
        owner.Join();
        if (!heard.Wait(TestTimeouts.Unexpected))
        {
            Console.WriteLine("not reported");
            return 3;
        }

        // The throwing handler runs first: reaching the second one means the first one's failure was contained.
        Console.WriteLine("survived");
        return 0;
    }
}

/// <summary>A hook for more child-process scenarios (the hub adds pending timers here).</summary>
public static partial class ExtraScenarios
{
    public static bool Run(string name, List<Greenlet>? keep)
    {
        bool handled = false;
        RunMore(name, keep, ref handled);
        return handled;
    }

    static partial void RunMore(string name, List<Greenlet>? keep, ref bool handled);
}
