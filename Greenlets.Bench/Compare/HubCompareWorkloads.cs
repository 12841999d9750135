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
