using Greenlets;

namespace SwitchOrderTest;

/// <summary>How to test code that waits for minutes: HubTest runs it on virtual time, which jumps from timer to timer,
/// so an hour of retries takes milliseconds and the elapsed time is exact.</summary>
public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromHours(1);

    [Fact]
    public void Retry_ServiceBackAfterFiveFailures_SucceedsAfterThirtyOneMinutes()
    {
        int attempts = 0;
        HubTestRun run = HubTest.Run(() => Assert.True(RetryWithBackoff(() => ++attempts > 5)));

        // Waits of 1 + 2 + 4 + 8 + 16 minutes between the six attempts.
        Assert.Equal(6, attempts);
        Assert.Equal(TimeSpan.FromMinutes(31), run.VirtualElapsed);
    }

    [Fact]
    public void Retry_ServiceNeverBack_GivesUpAtTheDeadline()
    {
        int attempts = 0;
        HubTestRun run = HubTest.Run(() => Assert.False(RetryWithBackoff(() =>
        {
            attempts++;
            return false;
        })));

        // Attempts at 0, 1, 3, 7, 15, 31 minutes, then the back-off is capped at 20 minutes: 51, and the deadline at 60.
        Assert.Equal(7, attempts);
        Assert.Equal(Deadline, run.VirtualElapsed);
    }

    /// <summary>Calls <paramref name="attempt"/> until it succeeds, doubling the wait from a minute up to 20 minutes,
    /// and gives up after an hour.</summary>
    private static bool RetryWithBackoff(Func<bool> attempt)
    {
        using var deadline = new GreenTimeout(Deadline);
        try
        {
            TimeSpan wait = TimeSpan.FromMinutes(1);
            while (!attempt())
            {
                Hub.Sleep(wait);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMinutes(20).Ticks));
            }

            return true;
        }
        catch (GreenTimeoutException e) when (e.Timeout == deadline)
        {
            return false;
        }
    }
}
