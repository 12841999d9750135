using System.Diagnostics;

namespace Greenlets.Bench;

/// <summary>The async hub's forms of <see cref="HubWorkloads"/>: the same programs on <see cref="AsyncHub"/>.</summary>
internal static class AsyncHubWorkloads
{
    /// <summary>Runs <paramref name="greenlets"/> async tasks that each <c>await AsyncHub.SleepAsync(TimeSpan.Zero)</c>
    /// <paramref name="rounds"/> times; returns the time from releasing them until the last finished.</summary>
    public static async ValueTask<TimeSpan> SleepZeroRoundRobinAsync(int greenlets, int rounds)
    {
        var go = new GreenEvent();
        var tasks = new AsyncGreenTask[greenlets];
        for (int i = 0; i < greenlets; i++)
        {
            tasks[i] = AsyncHub.Spawn(async () =>
            {
                await go.WaitAsync();
                for (int r = 0; r < rounds; r++)
                {
                    await AsyncHub.SleepAsync(TimeSpan.Zero);
                }
            });
        }

        await AsyncHub.SleepAsync(TimeSpan.Zero);
        long start = Stopwatch.GetTimestamp();
        go.Set();
        await AsyncHub.JoinAllAsync(tasks);
        return Stopwatch.GetElapsedTime(start);
    }
}
