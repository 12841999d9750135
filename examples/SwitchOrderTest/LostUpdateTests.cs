using Greenlets;

namespace SwitchOrderTest;

/// <summary>How to find a race in hub code: run the body under every schedule with HubTest.Explore, then replay the
/// failing schedule to debug it.</summary>
public sealed class LostUpdateTests
{
    [Fact]
    public void LostUpdate_UnderGeventsOrder_Passes()
    {
        // FIFO never overlaps the two increments: the bug hides in the order a plain hub happens to use.
        HubTest.Run(() => Increments(withLock: false));
    }

    [Fact]
    public void LostUpdate_Explored_IsFoundAndReplayed()
    {
        HubExploreResult result = HubTest.Explore(() => Increments(withLock: false), new HubExploreOptions { Exhaustive = true });

        HubScheduleException failure = Assert.IsType<HubScheduleException>(result.Failure);
        Assert.IsType<InvalidOperationException>(failure.InnerException);

        // The schedule is a short string: paste it into a test (or a debugger session) to get the same run again,
        // switch for switch.
        var replayed = Assert.Throws<HubScheduleException>(() => HubTest.Run(() => Increments(withLock: false), new HubTestOptions { Replay = failure.Schedule }));
        Assert.Equal(failure.Events, replayed.Events);
    }

    [Fact]
    public void LostUpdate_FixedWithALock_SurvivesEverySchedule()
    {
        HubExploreResult result = HubTest.Explore(() => Increments(withLock: true), new HubExploreOptions { Exhaustive = true });

        Assert.Null(result.Failure);
        Assert.True(result.Exhausted);
    }

    /// <summary>Two greenlets increment a shared counter with a read, a wait (here a yield), and a write.</summary>
    private static void Increments(bool withLock)
    {
        int counter = 0;
        var gate = new GreenLock();
        void Increment()
        {
            if (withLock)
            {
                gate.Acquire();
            }

            int read = counter;
            Hub.Sleep(TimeSpan.Zero);
            counter = read + 1;
            if (withLock)
            {
                gate.Release();
            }
        }

        GreenTask first = Hub.Spawn(Increment);
        GreenTask second = Hub.Spawn(() =>
        {
            Hub.Sleep(TimeSpan.Zero);
            Increment();
        });
        Hub.JoinAll([first, second]);
        if (counter != 2)
        {
            throw new InvalidOperationException($"Lost update: the counter is {counter}, not 2.");
        }
    }
}
