using BenchmarkDotNet.Attributes;
using Nito.AsyncEx;

namespace Greenlets.Bench;

/// <summary>
/// The hub's costs: a <c>Hub.Sleep(TimeSpan.Zero)</c> round robin (each sleep switches to the hub and the hub switches
/// to the next ready greenlet) and spawn + join. The baseline is the same round robin of async methods doing
/// <c>await Task.Yield()</c> on one thread (Nito.AsyncEx's <see cref="AsyncContext"/>, a FIFO single-thread loop).
/// </summary>
[MemoryDiagnoser]
public class HubSleep0Benchmarks
{
    private const int TotalSleeps = 20_000;

    [Params(2, 1000)]
    public int Greenlets { get; set; }

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalSleeps)]
    public void TaskYieldRoundRobin() => AsyncContext.Run(() =>
    {
        int rounds = TotalSleeps / Greenlets;
        return Task.WhenAll(Enumerable.Range(0, Greenlets).Select(async _ =>
        {
            for (int i = 0; i < rounds; i++)
            {
                await Task.Yield();
            }
        }));
    });

    [Benchmark(OperationsPerInvoke = TotalSleeps)]
    public void HubSleepZeroRoundRobin() => HubWorkloads.SleepZeroRoundRobin(Greenlets, TotalSleeps / Greenlets);
}

/// <summary>Spawn 10,000 tasks that do nothing and join them all; baseline: <c>Task.Run</c> + <c>Task.WaitAll</c>.</summary>
[MemoryDiagnoser]
public class HubSpawnJoinBenchmarks
{
    private const int Count = 10_000;

    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public void TaskRunWaitAll()
    {
        var tasks = new Task[Count];
        for (int i = 0; i < Count; i++)
        {
            tasks[i] = Task.Run(static () => { });
        }

        Task.WaitAll(tasks);
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public void HubSpawnJoinAll() => HubWorkloads.SpawnJoin(Count);
}
