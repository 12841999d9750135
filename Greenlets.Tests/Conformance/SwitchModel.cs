using System.Globalization;

namespace Greenlets.Tests.Conformance;

/// <summary>
/// An executable model of greenlet's switching rules (S2, S3, D1, D2, E1, E2, T6-T10, X1, P3, P4, P9, P10, TR5-TR7):
/// a pure state machine, no threads, that runs a <see cref="SwitchProgram"/> and writes the log Python would.
/// </summary>
public static class SwitchModel
{
    private enum Life
    {
        Pending,
        Active,
        Dead,
    }

    public static List<string> Run(SwitchProgram program) => new Machine(program).Run();

    /// <summary>A value or an exception in flight, as the log spells it ("5", "None", "GreenletExit", "E:5").</summary>
    private readonly record struct Thing(bool IsError, string Token)
    {
        public static Thing Value(string token) => new(false, token);

        public static Thing Error(string token) => new(true, token);
    }

    private sealed class Node
    {
        public int Parent { get; set; }

        public Life Life { get; set; }

        public int Pc { get; set; }
    }

    private sealed class Machine(SwitchProgram program)
    {
        private readonly List<string> _log = [];
        private readonly Node[] _gs = [.. Enumerable.Range(0, program.Scripts.Length).Select(k => new Node
        {
            Parent = k == 0 ? -1 : program.Parents[k - 1],
            Life = k == 0 ? Life.Active : Life.Pending,
        })];

        private int _current;
        private bool _tracing = true;
        private bool _cleanup;
        private bool _starting;
        private string _startArgument = "None";
        private Thing? _resume;

        public List<string> Run()
        {
            while (Step())
            {
            }

            for (int k = 1; k < _gs.Length; k++)
            {
                _log.Add($"g{k} {_gs[k].Life switch { Life.Dead => "dead", Life.Active => "active", _ => "pending" }}");
            }

            // As generate.py does: untraced, main reparents every greenlet still active to itself and kills it,
            // ignoring the outcome; what the dying greenlets log still counts.
            _tracing = false;
            _cleanup = true;
            for (int k = 1; k < _gs.Length; k++)
            {
                if (_gs[k].Life == Life.Active)
                {
                    _gs[k].Parent = 0;
                    Transfer(0, k, Thing.Error("GreenletExit"), "throw", exitValue: false, dying: false);
                    while (Step())
                    {
                    }
                }
            }

            return _log;
        }

        private static string Name(int k) => k == 0 ? "main" : string.Create(CultureInfo.InvariantCulture, $"g{k}");

        /// <summary>Runs the current greenlet until it transfers control; false when the program has ended.</summary>
        private bool Step()
        {
            int k = _current;
            if (k == 0 && _cleanup)
            {
                _resume = null;
                return false;
            }

            Node node = _gs[k];
            ProgramAction[] script = program.Scripts[k];
            if (_starting)
            {
                _starting = false;
                _log.Add($"g{k} start {_startArgument}");
                node.Pc = 0;
            }
            else if (_resume is { } input)
            {
                _resume = null;
                ProgramAction waiting = script[node.Pc];
                if (input.IsError && !waiting.Catch)
                {
                    return Die(k, input);
                }

                _log.Add($"{Name(k)} {(input.IsError ? "caught" : "got")} {input.Token}");
                node.Pc++;
            }

            while (true)
            {
                if (node.Pc >= script.Length)
                {
                    return k != 0 && Die(k, Thing.Value("None"));
                }

                ProgramAction a = script[node.Pc];
                switch (a.Op)
                {
                    case "return":
                        return k != 0 && Die(k, Thing.Value(a.Value.ToString(CultureInfo.InvariantCulture)));
                    case "raise":
                        return Die(k, Thing.Error($"E:{a.Value}"));
                    case "reparent":
                        _log.Add(Reparent(a.Target, a.Parent) ? $"{Name(k)} reparented g{a.Target}" : $"{Name(k)} caught ParentError");
                        node.Pc++;
                        continue;
                    case "switch":
                        Transfer(k, a.Target, Thing.Value(a.Value.ToString(CultureInfo.InvariantCulture)), "switch", exitValue: false, dying: false);
                        return true;
                    case "throw":
                        Transfer(k, a.Target, Thing.Error($"E:{a.Value}"), "throw", exitValue: false, dying: false);
                        return true;
                    default:
                        // kill: into a dead greenlet GreenletExit is a plain value (T9).
                        if (_gs[a.Target].Life == Life.Dead)
                        {
                            Transfer(k, a.Target, Thing.Value("GreenletExit"), "switch", exitValue: true, dying: false);
                        }
                        else
                        {
                            Transfer(k, a.Target, Thing.Error("GreenletExit"), "throw", exitValue: false, dying: false);
                        }

                        return true;
                }
            }
        }

        private bool Reparent(int target, int parent)
        {
            if (target == 0)
            {
                return false; // P4
            }

            for (int p = parent; p >= 0; p = _gs[p].Parent)
            {
                if (p == target)
                {
                    return false; // P3
                }
            }

            _gs[target].Parent = parent;
            return true;
        }

        /// <summary>Ends greenlet <paramref name="k"/>; false when main is the one that ends (the program is over).</summary>
        private bool Die(int k, Thing outcome)
        {
            if (k == 0)
            {
                _log.Add($"main escaped {outcome.Token}");
                return false;
            }

            _gs[k].Life = Life.Dead;
            bool exitValue = false;
            if (outcome is { IsError: true, Token: "GreenletExit" })
            {
                outcome = Thing.Value("GreenletExit"); // X1
                exitValue = true;
            }

            Transfer(k, _gs[k].Parent, outcome, outcome.IsError ? "throw" : "switch", exitValue, dying: true);
            return true;
        }

        private void Transfer(int origin, int target, Thing thing, string traceEvent, bool exitValue, bool dying)
        {
            int switcher = origin;
            while (true)
            {
                while (_gs[target].Life == Life.Dead)
                {
                    target = _gs[target].Parent; // S2
                }

                if (_tracing)
                {
                    _log.Add($"trace {traceEvent} {Name(origin)} {Name(target)}");
                }
                if (target == switcher && !dying)
                {
                    _current = switcher; // S1
                    _resume = thing;
                    return;
                }

                if (_gs[target].Life == Life.Pending)
                {
                    if (thing.IsError)
                    {
                        // T8: dies without running; the exception (a GreenletExit as a value) goes on to its parent.
                        _gs[target].Life = Life.Dead;
                        if (thing.Token == "GreenletExit")
                        {
                            thing = Thing.Value("GreenletExit");
                            exitValue = true;
                            traceEvent = "switch";
                        }
                        else
                        {
                            exitValue = false;
                            traceEvent = "throw";
                        }

                        origin = target;
                        target = _gs[target].Parent;
                        continue;
                    }

                    _gs[target].Life = Life.Active; // D2: a pending receiver starts with the value
                    _current = target;
                    _starting = true;
                    _startArgument = exitValue ? "None" : thing.Token;
                    return;
                }

                _current = target;
                _resume = thing;
                return;
            }
        }
    }
}
