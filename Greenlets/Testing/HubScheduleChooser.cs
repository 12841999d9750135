namespace Greenlets.Internal;

/// <summary>The chooser of one test run: makes each choice by its strategy (or replays a schedule) and records it.</summary>
/// <remarks>Only real choices reach it (two candidates or more), so the record is the run's schedule. Once
/// <see cref="Stop"/> is called (the run's clean-up) every choice is FIFO and unrecorded.</remarks>
internal sealed class HubScheduleChooser : IHubChooser
{
    // PCT's bug depth d is ChangePoints + 1: three orderings that must happen in a row.
    private const int ChangePoints = 2;

    private readonly HubSchedule _strategy;
    private readonly int[]? _replay;
    private readonly HubChoiceLog _log = new();
    private readonly Dictionary<object, long> _priorities = new(ReferenceEqualityComparer.Instance);
    private readonly int[] _changePoints = new int[ChangePoints];
    private readonly int _horizon;
    private readonly bool _exactCounts;
    private HubScheduleRandom _random;
    private long _lowered;
    private bool _stopped;

    /// <param name="strategy">How to choose once the replay (if any) runs out; a replay's rest is always FIFO.</param>
    /// <param name="seed">The seed of the random strategies.</param>
    /// <param name="replay">Choices to make first, or null.</param>
    /// <param name="horizon">For PCT, how many choices the run is expected to make: change points fall among them.</param>
    /// <param name="exactCounts">Whether the <see cref="Log"/>'s counts must hold every choice's full number of candidates (the
    /// exhaustive walk needs them); otherwise a FIFO choice only looks far enough to see that it is a choice.</param>
    public HubScheduleChooser(HubSchedule strategy, int seed, int[]? replay, int horizon = 64, bool exactCounts = false)
    {
        _exactCounts = exactCounts;
        _strategy = replay is null ? strategy : HubSchedule.Fifo;
        _replay = replay;
        _random = new HubScheduleRandom((ulong)(uint)seed);
        _horizon = Math.Max(1, horizon);
        for (int i = 0; i < ChangePoints; i++)
        {
            _changePoints[i] = _random.Below(_horizon);
        }
    }

    /// <summary>Gets the choices made, in order, and for each how many candidates there were (at a FIFO pick without
    /// exact counts: 2 when there were two or more, see <see cref="CandidateLimit"/>).</summary>
    public HubChoiceLog Log => _log;

    /// <summary>Gets the index of the first replayed choice that did not fit its candidates (the body does not match the
    /// schedule: changed, or not deterministic), or -1.</summary>
    public int Diverged { get; private set; } = -1;

    /// <summary>Gets how many candidates the next choice needs: all of them, except for a FIFO pick (the strategy, the
    /// replay's end, or the clean-up) that need not count them, for which two tell that it is a choice to record.</summary>
    public int CandidateLimit =>
        _stopped || (!_exactCounts && _strategy == HubSchedule.Fifo && (_replay is null || _log.Length >= _replay.Length))
            ? 2
            : int.MaxValue;

    /// <summary>Gets the recorded schedule's text.</summary>
    public string Schedule => _log.Format();

    /// <summary>Ends the recording: the rest of the run (its clean-up) is FIFO.</summary>
    public void Stop() => _stopped = true;

    public int Choose(HubChoiceKind kind, ReadOnlySpan<object> candidates)
    {
        if (_stopped)
        {
            return 0;
        }

        int step = _log.Length;
        int choice;
        if (_replay is not null && step < _replay.Length)
        {
            choice = _replay[step];
            if (choice >= candidates.Length)
            {
                if (Diverged < 0)
                {
                    Diverged = step;
                }

                choice = 0;
            }
        }
        else
        {
            choice = _strategy switch
            {
                HubSchedule.Random => _random.Below(candidates.Length),
                HubSchedule.Pct => ChoosePct(step, candidates),
                _ => 0,
            };
        }

        _log.Add(choice, candidates.Length);
        return choice;
    }

    /// <summary>The highest priority wins; at a change point the would-be winner drops below every other and the next wins.</summary>
    /// <remarks>Past the horizon a change point comes every horizon steps: a greenlet that spins on <c>Sleep(0)</c>
    /// waiting for a lower one would otherwise keep the highest priority, and the run, forever.</remarks>
    private int ChoosePct(int step, ReadOnlySpan<object> candidates)
    {
        int best = Highest(candidates);
        if (Array.IndexOf(_changePoints, step) >= 0 || (step >= _horizon && step % _horizon == 0))
        {
            _priorities[candidates[best]] = -++_lowered;
            best = Highest(candidates);
        }

        return best;
    }

    private int Highest(ReadOnlySpan<object> candidates)
    {
        int best = 0;
        long bestPriority = long.MinValue;
        for (int i = 0; i < candidates.Length; i++)
        {
            if (!_priorities.TryGetValue(candidates[i], out long priority))
            {
                // A greenlet seen for the first time gets a random priority above every lowered one.
                priority = (long)(_random.Next() >> 1);
                _priorities[candidates[i]] = priority;
            }

            if (priority > bestPriority)
            {
                best = i;
                bestPriority = priority;
            }
        }

        return best;
    }
}
