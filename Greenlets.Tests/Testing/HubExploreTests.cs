using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>HubTest.Explore: exhaustive and random exploration, the first failure, its shrinking and its replay.</summary>
public sealed class HubExploreTests
{
    [Fact]
    public void Explore_ThreeGreenletsOfTwoSteps_RunsEachOf90InterleavingsOnce() =>
        // 6! / (2! 2! 2!) = 90 ways to interleave three greenlets of two steps, each step order kept.
        HubTestAssert.ExploresAll(TestBodies.ThreeByTwo, schedules: 90, outcomes: 90);

    [Fact]
    public void Explore_MaxSchedulesReached_IsNotExhausted()
    {
        HubExploreResult result = OnThread.Run(() => HubTest.Explore(() => TestBodies.ThreeByTwo(), new HubExploreOptions { Exhaustive = true, MaxSchedules = 5 }));

        Assert.False(result.Exhausted);
        Assert.Equal(5, result.SchedulesRun);
    }

    [Fact]
    public void Run_LostUpdateUnderFifo_Passes()
    {
        HubTestRun run = OnThread.Run(() => HubTest.Run(TestBodies.LostUpdate));

        Assert.All(HubScheduleText.Parse(run.Schedule), c => Assert.Equal(0, c));
    }

    [Fact]
    public void Explore_LostUpdateExhaustive_FindsItAndItsScheduleReplays()
    {
        HubExploreResult result = OnThread.Run(() => HubTest.Explore(TestBodies.LostUpdate, new HubExploreOptions { Exhaustive = true }));

        HubScheduleException failure = Assert.IsType<HubScheduleException>(result.Failure);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.False(result.Exhausted);
        AssertReplays(failure);
    }

    [Fact]
    public void Explore_LostUpdateRandom_FindsItAndItsScheduleReplays()
    {
        HubExploreResult result = OnThread.Run(() => HubTest.Explore(TestBodies.LostUpdate, new HubExploreOptions { Seed = 1 }));

        HubScheduleException failure = Assert.IsType<HubScheduleException>(result.Failure);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.InRange(result.SchedulesRun, 1, 1000);
        AssertReplays(failure);
    }

    [Fact]
    public void Explore_Failure_IsShrunkToTheOneDeviationThatMatters()
    {
        HubExploreResult result = OnThread.Run(() => HubTest.Explore(TestBodies.LostUpdate, new HubExploreOptions { Seed = 3 }));

        // Starting the second increment first is enough: one choice off FIFO.
        int[] choices = HubScheduleText.Parse(result.Failure!.Schedule);
        Assert.Equal(1, choices.Count(c => c != 0));
    }

    [Fact]
    public void Explore_SameSeed_SameOutcome()
    {
        HubExploreResult[] results = OnThread.Run(() => Enumerable.Range(0, 2).Select(_ => HubTest.Explore(TestBodies.LostUpdate, new HubExploreOptions { Seed = 5 })).ToArray());

        Assert.Equal(results[0].SchedulesRun, results[1].SchedulesRun);
        Assert.Equal(results[0].Failure!.Schedule, results[1].Failure!.Schedule);
        Assert.Equal(results[0].Failure!.Events, results[1].Failure!.Events);
    }

    [Fact]
    public void Explore_CorrectBody_RunsAllRandomSchedulesWithoutFailure()
    {
        HubExploreResult result = OnThread.Run(() => HubTest.Explore(() => TestBodies.Mixed(_ => { }), new HubExploreOptions { MaxSchedules = 100 }));

        Assert.Null(result.Failure);
        Assert.False(result.Exhausted);
        Assert.Equal(100, result.SchedulesRun);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Explore_MaxSchedulesNotPositive_ThrowsArgumentOutOfRangeException(int max) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => HubTest.Explore(() => Assert.Fail("must not run"), new HubExploreOptions { MaxSchedules = max }));

    [Fact]
    public void Explore_NullBody_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => HubTest.Explore(null!));

    private static void AssertReplays(HubScheduleException failure)
    {
        var replayed = Assert.Throws<HubScheduleException>(() => OnThread.Run(() => HubTest.Run(TestBodies.LostUpdate, new HubTestOptions { Replay = failure.Schedule })));
        HubTestAssert.SameFailure(failure, replayed);
    }
}
