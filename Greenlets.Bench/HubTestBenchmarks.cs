using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Greenlets.Bench;

/// <summary>
/// What the deterministic test scheduler costs: the same <c>Sleep(TimeSpan.Zero)</c> round robin run by
/// <see cref="HubTest.Run"/> (thread hub) or <see cref="HubTest.RunAsync"/> (async hub) under
/// <see cref="HubSchedule.Fifo"/> (a fresh hub, virtual time, a chooser consulted and recorded at every choice, a
/// switch recorder, the run's clean-up) against a plain hub doing the same work with the same life cycle (the baselines).
/// </summary>
/// <remarks>Each baseline starts its hub fresh the way the test run does (a fresh thread; a fresh, empty async flow)
/// and ends it before returning (the hub killed after it drained), so the ratio is the scheduler's own cost and not a
/// hub teardown left to the reaper of the next iteration.</remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class HubTestBenchmarks
{
    private const int Rounds = 100;

    [Params(2, 100)]
    public int Greenlets { get; set; }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rounds)]
    [BenchmarkCategory("Thread")]
    public void PlainHubOnAFreshThread()
    {
        var thread = new Thread(() =>
        {
            Hub hub = Hub.Current;
            HubWorkloads.SleepZeroRoundRobin(Greenlets, Rounds);
            Hub.WaitAll();
            hub.Throw(new GreenletExit());
        })
        { IsBackground = true };
        thread.Start();
        thread.Join();
    }

    [Benchmark(OperationsPerInvoke = Rounds)]
    [BenchmarkCategory("Thread")]
    public HubTestRun HubTestRunFifo() => HubTest.Run(() => HubWorkloads.SleepZeroRoundRobin(Greenlets, Rounds));

    [Benchmark(Baseline = true, OperationsPerInvoke = Rounds)]
    [BenchmarkCategory("Async")]
    public void PlainAsyncHubInAFreshFlow()
    {
        Task run;
        using (ExecutionContext.SuppressFlow())
        {
            run = Task.Run(async () =>
            {
                AsyncHub hub = AsyncHub.Current;
                await AsyncHubWorkloads.SleepZeroRoundRobinAsync(Greenlets, Rounds);
                await AsyncHub.WaitAllAsync();
                await hub.ThrowAsync(new GreenletExit());
            });
        }

        run.GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Rounds)]
    [BenchmarkCategory("Async")]
    public HubTestRun HubTestRunAsyncFifo() =>
        HubTest.RunAsync(async () => await AsyncHubWorkloads.SleepZeroRoundRobinAsync(Greenlets, Rounds)).GetAwaiter().GetResult();
}
