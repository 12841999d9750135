using System.Diagnostics;

namespace Greenlets.Bench;

/// <summary>The hub workloads shared by the BenchmarkDotNet classes and the side-by-side comparison.</summary>
internal static class HubWorkloads
{
    /// <summary>Runs <paramref name="greenlets"/> tasks that each call <c>Hub.Sleep(TimeSpan.Zero)</c> <paramref name="rounds"/>
    /// times; returns the time from releasing them until the last finished (spawning is not timed).</summary>
    public static TimeSpan SleepZeroRoundRobin(int greenlets, int rounds)
    {
        var go = new GreenEvent();
        var tasks = new GreenTask[greenlets];
        for (int i = 0; i < greenlets; i++)
        {
            tasks[i] = Hub.Spawn(() =>
            {
                go.Wait();
                for (int r = 0; r < rounds; r++)
                {
                    Hub.Sleep(TimeSpan.Zero);
                }
            });
        }

        Hub.Sleep(TimeSpan.Zero);
        long start = Stopwatch.GetTimestamp();
        go.Set();
        Hub.JoinAll(tasks);
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Spawns <paramref name="count"/> tasks that do nothing and joins them all; returns the elapsed time.</summary>
    public static TimeSpan SpawnJoin(int count)
    {
        long start = Stopwatch.GetTimestamp();
        var tasks = new GreenTask[count];
        for (int i = 0; i < count; i++)
        {
            tasks[i] = Hub.Spawn(static () => { });
        }

        Hub.JoinAll(tasks);
        return Stopwatch.GetElapsedTime(start);
    }
}
