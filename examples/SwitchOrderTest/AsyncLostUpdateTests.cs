using Greenlets;

namespace SwitchOrderTest;

/// <summary>The same race on the async hub: HubTest.ExploreAsync runs the async body under every schedule, and
/// HubTest.RunAsync replays the failing one; virtual time works the same.</summary>
public sealed class AsyncLostUpdateTests
{
    [Fact]
    public async Task LostUpdate_UnderGeventsOrder_Passes()
    {
        // FIFO never overlaps the two increments, on the async hub as on the thread hub.
        await HubTest.RunAsync(() => Increments(withLock: false));
    }

    [Fact]
    public async Task LostUpdate_Explored_IsFoundAndReplayed()
    {
        HubExploreResult result = await HubTest.ExploreAsync(() => Increments(withLock: false), new HubExploreOptions { Exhaustive = true });

        HubScheduleException failure = Assert.IsType<HubScheduleException>(result.Failure);
        Assert.IsType<InvalidOperationException>(failure.InnerException);

        // Its message says how: await HubTest.RunAsync(body, new HubTestOptions { Replay = "..." }).
        var replayed = await Assert.ThrowsAsync<HubScheduleException>(() => HubTest.RunAsync(() => Increments(withLock: false), new HubTestOptions { Replay = failure.Schedule }));
        Assert.Equal(failure.Events, replayed.Events);
    }

    [Fact]
    public async Task LostUpdate_FixedWithALock_SurvivesEverySchedule()
    {
        HubExploreResult result = await HubTest.ExploreAsync(() => Increments(withLock: true), new HubExploreOptions { Exhaustive = true });

        Assert.Null(result.Failure);
        Assert.True(result.Exhausted);
    }

    [Fact]
    public async Task Sleeps_AnHourOfThem_TakeAnHourOfVirtualTime()
    {
        HubTestRun run = await HubTest.RunAsync(async () =>
        {
            AsyncGreenTask[] sleepers = [.. Enumerable.Range(1, 4).Select(i => AsyncHub.Spawn(() => AsyncHub.SleepAsync(TimeSpan.FromMinutes(15 * i))))];
            await AsyncHub.JoinAllAsync(sleepers);
        });

        Assert.Equal(TimeSpan.FromHours(1), run.VirtualElapsed);
    }

    /// <summary>Two async greenlets increment a shared counter with a read, a wait (here a yield), and a write.</summary>
    private static async ValueTask Increments(bool withLock)
    {
        int counter = 0;
        var gate = new GreenLock();
        async ValueTask Increment()
        {
            if (withLock)
            {
                await gate.AcquireAsync();
            }

            int read = counter;
            await AsyncHub.SleepAsync(TimeSpan.Zero);
            counter = read + 1;
            if (withLock)
            {
                gate.Release();
            }
        }

        AsyncGreenTask first = AsyncHub.Spawn(Increment);
        AsyncGreenTask second = AsyncHub.Spawn(async () =>
        {
            await AsyncHub.SleepAsync(TimeSpan.Zero);
            await Increment();
        });
        await AsyncHub.JoinAllAsync([first, second]);
        if (counter != 2)
        {
            throw new InvalidOperationException($"Lost update: the counter is {counter}, not 2.");
        }
    }
}
