using System.Diagnostics;

namespace Greenlets.Bench.Compare;

/// <summary><c>async_hub_sleep0_2</c>: ns per <c>AsyncHub.SleepAsync(TimeSpan.Zero)</c>, 2 greenlets in round robin (gevent: <c>sleep(0)</c>).</summary>
public sealed class AsyncHubSleep0TwoWorkload : ICompareWorkload
{
    public string Name => "async_hub_sleep0_2";

    public string Unit => "ns/op";

    public double Measure() => AsyncHubCompare.Sleep0(2, 200_000);
}

/// <summary><c>async_hub_sleep0_1000</c>: ns per <c>AsyncHub.SleepAsync(TimeSpan.Zero)</c>, 1,000 greenlets in round robin.</summary>
public sealed class AsyncHubSleep0ThousandWorkload : ICompareWorkload
{
    public string Name => "async_hub_sleep0_1000";

    public string Unit => "ns/op";

    public double Measure() => AsyncHubCompare.Sleep0(1000, 200);
}

/// <summary><c>async_spawn_join_10000</c>: ns per task to spawn 10,000 async-hub tasks and join them all.</summary>
public sealed class AsyncSpawnJoinWorkload : ICompareWorkload
{
    public string Name => "async_spawn_join_10000";

    public string Unit => "ns/op";

    public double Measure() => AsyncWorkloads.RunInFreshFlow(async () =>
    {
        await AsyncHubCompare.SpawnJoin(1000);
        return await AsyncHubCompare.SpawnJoin(10_000) / 10_000;
    });
}

/// <summary><c>async_hub_event_1m</c>: RSS bytes per async-hub task, 1,000,000 tasks waiting on one event (then all
/// released and joined; the measure fails if any did not finish).</summary>
public sealed class AsyncHubEventMillionWorkload : ICompareWorkload
{
    public const int Count = 1_000_000;

    public string Name => "async_hub_event_1m";

    public string Unit => "B/task";

    public bool MeasureOnce => true;

    public double Measure() => AsyncWorkloads.RunInFreshFlow(async () =>
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = Environment.WorkingSet;
        var go = new GreenEvent();
        int finished = 0;
        var tasks = new AsyncGreenTask[Count];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = AsyncHub.Spawn(async () =>
            {
                await go.WaitAsync();
                finished++;
            });
        }

        // Let every task start and wait on the event.
        await AsyncHub.SleepAsync(TimeSpan.Zero);
        long waiting = Environment.WorkingSet;
        go.Set();
        if (!await AsyncHub.JoinAllAsync(tasks) || finished != Count)
        {
            throw new InvalidOperationException($"only {finished} of {Count} tasks finished");
        }

        return (waiting - before) / (double)Count;
    });
}

internal static class AsyncHubCompare
{
    public static double Sleep0(int greenlets, int rounds) => AsyncWorkloads.RunInFreshFlow(async () =>
    {
        await Round(greenlets, Math.Max(1, rounds / 10));
        return await Round(greenlets, rounds) / ((double)greenlets * rounds);
    });

    public static async Task<double> SpawnJoin(int count)
    {
        long start = Stopwatch.GetTimestamp();
        var tasks = new AsyncGreenTask[count];
        for (int i = 0; i < count; i++)
        {
            tasks[i] = AsyncHub.Spawn(static () => ValueTask.CompletedTask);
        }

        await AsyncHub.JoinAllAsync(tasks);
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    // The same program as the BenchmarkDotNet form (AsyncHubWorkloads), timed once.
    private static async Task<double> Round(int greenlets, int rounds) =>
        (await AsyncHubWorkloads.SleepZeroRoundRobinAsync(greenlets, rounds)).TotalNanoseconds;
}
