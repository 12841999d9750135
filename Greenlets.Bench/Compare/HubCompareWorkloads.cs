namespace Greenlets.Bench.Compare;

/// <summary><c>hub_sleep0_2</c>: ns per <c>Hub.Sleep(TimeSpan.Zero)</c>, 2 greenlets in round robin (gevent: <c>sleep(0)</c>).</summary>
public sealed class HubSleep0TwoWorkload : ICompareWorkload
{
    public string Name => "hub_sleep0_2";

    public string Unit => "ns/op";

    public double Measure() => HubCompare.Sleep0(2, 20_000);
}

/// <summary><c>hub_sleep0_1000</c>: ns per <c>Hub.Sleep(TimeSpan.Zero)</c>, 1,000 greenlets in round robin.</summary>
public sealed class HubSleep0ThousandWorkload : ICompareWorkload
{
    public string Name => "hub_sleep0_1000";

    public string Unit => "ns/op";

    public double Measure() => HubCompare.Sleep0(1000, 20);
}

/// <summary><c>spawn_join_10000</c>: ns per greenlet to spawn 10,000 tasks and join them all (gevent: spawn + joinall).</summary>
public sealed class SpawnJoinWorkload : ICompareWorkload
{
    public string Name => "spawn_join_10000";

    public string Unit => "ns/op";

    public double Measure()
    {
        HubWorkloads.SpawnJoin(1000);
        return HubWorkloads.SpawnJoin(10_000).TotalNanoseconds / 10_000;
    }
}

internal static class HubCompare
{
    public static double Sleep0(int greenlets, int rounds)
    {
        HubWorkloads.SleepZeroRoundRobin(greenlets, Math.Max(1, rounds / 10));
        return HubWorkloads.SleepZeroRoundRobin(greenlets, rounds).TotalNanoseconds / ((double)greenlets * rounds);
    }
}

/// <summary><c>hub_timer_lateness_1ms</c>: ns a <c>Hub.Sleep(1 ms)</c> wakes after its due time (gevent: <c>sleep(0.001)</c>).</summary>
public sealed class HubTimerLatenessWorkload : ICompareWorkload
{
    public string Name => "hub_timer_lateness_1ms";

    public string Unit => "ns/op";

    public double Measure()
    {
        const int sleeps = 200;
        Hub.Sleep(1);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < sleeps; i++)
        {
            Hub.Sleep(1);
        }

        return (System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalNanoseconds / sleeps) - 1_000_000;
    }
}
