namespace Greenlets.Bench.Compare;

/// <summary><c>async_memory_suspended</c>: managed bytes per started async greenlet suspended in a switch, 1,000,000 live.</summary>
public sealed class AsyncMemorySuspendedWorkload : ICompareWorkload
{
    public const int Count = 1_000_000;

    public string Name => "async_memory_suspended";

    public string Unit => "B/greenlet";

    public double Measure() => AsyncWorkloads.RunInFreshFlow(async () =>
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        Func<object?, ValueTask<object?>> body = async x =>
        {
            await main.SwitchAsync();
            return x;
        };
        var live = new AsyncGreenlet[Count];
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < live.Length; i++)
        {
            live[i] = new AsyncGreenlet(body);
            await live[i].SwitchAsync();
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        double perGreenlet = (after - before) / (double)Count;

        // Every one is alive and resumable: finish them all.
        foreach (AsyncGreenlet g in live)
        {
            await g.SwitchAsync();
        }

        GC.KeepAlive(live);
        return perGreenlet;
    });
}
