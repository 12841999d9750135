using Greenlets.Internal;

namespace Greenlets;

public static partial class HubTest
{
    // Reruns spent on shrinking one failure, at most.
    private const int ShrinkBudget = 200;

    /// <summary>Runs <paramref name="body"/> under many schedules on virtual time, and stops at the first that fails.</summary>
    /// <param name="body">The test body, run once per schedule; it must be deterministic apart from the schedule (state
    /// it shares with the test is its own business: reset it at the top of the body).</param>
    /// <param name="options">How many schedules, exhaustive or random, and the seed; null for 1000 random schedules.</param>
    /// <returns>The number of schedules run, whether the tree of choices was covered, and the first failure.</returns>
    /// <remarks>
    /// <para>Random exploration alternates <see cref="HubSchedule.Random"/> and <see cref="HubSchedule.Pct"/> runs, each
    /// with its own seed derived from <see cref="HubExploreOptions.Seed"/>. Exhaustive exploration walks the tree of
    /// choices depth-first (FIFO first, then the latest choice that has an untried sibling), so it never runs a schedule
    /// twice; <see cref="HubExploreResult.Exhausted"/> says it ran them all.</para>
    /// <para>A failing schedule is shrunk before it is reported: choices that deviate from FIFO are put back to FIFO one
    /// by one as long as the run still fails the same way, so the reported schedule says which few orderings matter.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="HubExploreOptions.MaxSchedules"/> is not positive.</exception>
    public static HubExploreResult Explore(Action body, HubExploreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        options ??= new HubExploreOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSchedules, nameof(options.MaxSchedules));
        return Completed(ExploreUnderAsync(new ThreadHubTestSubject(body), options));
    }

    /// <summary>The exploration of <paramref name="subject"/>, exhaustive or random; the same for both hub kinds.</summary>
    private static ValueTask<HubExploreResult> ExploreUnderAsync(HubTestSubject subject, HubExploreOptions options) =>
        options.Exhaustive ? ExploreAllAsync(subject, options) : ExploreRandomAsync(subject, options);

    private static async ValueTask<HubExploreResult> ExploreAllAsync(HubTestSubject subject, HubExploreOptions options)
    {
        int[] prefix = [];
        for (int run = 1; run <= options.MaxSchedules; run++)
        {
            HubTestOutcome outcome = await subject.RunOnceAsync(new HubScheduleChooser(HubSchedule.Fifo, options.Seed, prefix, exactCounts: true), virtualTime: true).ConfigureAwait(false);
            if (outcome.Failure is not null)
            {
                return new HubExploreResult(run, exhausted: false, await ShrinkAsync(subject, outcome, options.Seed).ConfigureAwait(false));
            }

            // The next leaf depth-first: bump the latest choice that has an untried candidate, drop what came after it.
            int last = outcome.Choices.Length - 1;
            while (last >= 0 && outcome.Choices[last] + 1 >= outcome.Counts[last])
            {
                last--;
            }

            if (last < 0)
            {
                return new HubExploreResult(run, exhausted: true, failure: null);
            }

            prefix = [.. outcome.Choices.AsSpan(0, last), outcome.Choices[last] + 1];
        }

        return new HubExploreResult(options.MaxSchedules, exhausted: false, failure: null);
    }

    private static async ValueTask<HubExploreResult> ExploreRandomAsync(HubTestSubject subject, HubExploreOptions options)
    {
        int horizon = 16;
        for (int run = 1; run <= options.MaxSchedules; run++)
        {
            int seed = HubScheduleRandom.Derive(options.Seed, run);
            HubSchedule strategy = run % 2 == 1 ? HubSchedule.Random : HubSchedule.Pct;
            HubTestOutcome outcome = await subject.RunOnceAsync(new HubScheduleChooser(strategy, seed, replay: null, horizon), virtualTime: true).ConfigureAwait(false);
            if (outcome.Failure is not null)
            {
                return new HubExploreResult(run, exhausted: false, await ShrinkAsync(subject, outcome, seed).ConfigureAwait(false));
            }

            // PCT's change points fall among the choices a run makes: learn how many that is.
            horizon = Math.Max(horizon, outcome.Choices.Length);
        }

        return new HubExploreResult(options.MaxSchedules, exhausted: false, failure: null);
    }

    /// <summary>Puts deviations from FIFO back to FIFO, one at a time, keeping each change that still fails with the
    /// same type of exception; returns the failure of the smallest schedule found.</summary>
    private static async ValueTask<HubScheduleException> ShrinkAsync(HubTestSubject subject, HubTestOutcome failing, int seed)
    {
        Type kind = failing.Failure!.GetType();
        int budget = ShrinkBudget;
        bool shrunk = true;
        while (shrunk && budget > 0)
        {
            shrunk = false;
            for (int i = failing.Choices.Length - 1; i >= 0 && budget > 0; i--)
            {
                if (failing.Choices[i] == 0)
                {
                    continue;
                }

                int[] candidate = [.. failing.Choices];
                candidate[i] = 0;
                budget--;
                HubTestOutcome outcome = await subject.RunOnceAsync(new HubScheduleChooser(HubSchedule.Fifo, seed, candidate), virtualTime: true).ConfigureAwait(false);
                if (outcome.Failure?.GetType() == kind && Deviations(outcome.Choices) < Deviations(failing.Choices))
                {
                    failing = outcome;
                    shrunk = true;
                    break;
                }
            }
        }

        return new HubScheduleException(failing.Failure!, failing.Schedule, seed, failing.Events, note: null, subject.RunMember);
    }

    private static int Deviations(int[] choices) => choices.Count(c => c != 0);
}
