namespace Greenlets.Tests;

/// <summary>The checks of a deterministic-test run shared by the thread-hub and the async-hub tests: a failure that
/// says how to replay it, a replay that is the same run or the same failure, an exhaustive exploration.</summary>
internal static class HubTestAssert
{
    /// <summary>Asserts that <paramref name="actual"/> (a replay, or a run of the same seed) made the same choices and
    /// the same switches as <paramref name="expected"/>.</summary>
    public static void SameRun(HubTestRun expected, HubTestRun actual)
    {
        Assert.Equal(expected.Schedule, actual.Schedule);
        Assert.Equal(expected.Events, actual.Events);
    }

    /// <summary>Asserts that <paramref name="replayed"/>, the failure of a replay of <paramref name="failure"/>'s
    /// schedule, is the same failure: the same choices, the same switches and the same type of error.</summary>
    public static void SameFailure(HubScheduleException failure, HubScheduleException replayed)
    {
        Assert.Equal(failure.Schedule, replayed.Schedule);
        Assert.Equal(failure.Events, replayed.Events);
        Assert.NotNull(failure.InnerException);
        Assert.IsType(failure.InnerException.GetType(), replayed.InnerException);
    }

    /// <summary>Asserts that a run's failure carries the body's own <typeparamref name="TException"/>, thrown in
    /// <paramref name="thrownIn"/>, the run's <paramref name="seed"/>, the switches, and in its message
    /// <paramref name="howToReplay"/>.</summary>
    public static void BodyFailure<TException>(HubScheduleException failure, string thrownIn, int seed, string howToReplay)
        where TException : Exception
    {
        TException inner = Assert.IsType<TException>(failure.InnerException);
        Assert.Contains(thrownIn, inner.StackTrace, StringComparison.Ordinal);
        Assert.Equal(seed, failure.Seed);
        Assert.Contains(howToReplay, failure.Message, StringComparison.Ordinal);
        Assert.NotEmpty(failure.Events);
    }

    /// <summary>Explores <paramref name="body"/> (a thread-hub program) exhaustively and asserts that it met no
    /// failure, ran <paramref name="schedules"/> schedules and gave <paramref name="outcomes"/> distinct results.</summary>
    public static void ExploresAll(Func<string> body, int schedules, int outcomes)
    {
        var seen = new List<string>();
        HubExploreResult result = OnThread.Run(() => HubTest.Explore(() => seen.Add(body()), new HubExploreOptions { Exhaustive = true }));
        Explored(result, seen, schedules, outcomes);
    }

    /// <summary>The same for an async-hub program.</summary>
    public static async Task ExploresAllAsync(Func<ValueTask<string>> body, int schedules, int outcomes)
    {
        var seen = new List<string>();
        HubExploreResult result = await HubTest.ExploreAsync(async () => seen.Add(await body()), new HubExploreOptions { Exhaustive = true })
            .WaitAsync(TestTimeouts.Unexpected);
        Explored(result, seen, schedules, outcomes);
    }

    private static void Explored(HubExploreResult result, List<string> seen, int schedules, int outcomes)
    {
        Assert.True(result.Exhausted);
        Assert.Null(result.Failure);
        Assert.Equal(schedules, result.SchedulesRun);
        Assert.Equal(schedules, seen.Count);
        Assert.Equal(outcomes, seen.Distinct().Count());
    }
}
