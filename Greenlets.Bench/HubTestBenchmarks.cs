using BenchmarkDotNet.Attributes;

namespace Greenlets.Bench;

/// <summary>
/// What the deterministic test scheduler costs: the same <c>Hub.Sleep(TimeSpan.Zero)</c> round robin run by
/// <see cref="HubTest.Run"/> under <see cref="HubSchedule.Fifo"/> (a fresh thread and hub, virtual time, a chooser
/// consulted and recorded at every choice, a switch recorder) against a plain hub on a fresh thread (the baseline).
/// </summary>
[MemoryDiagnoser]
public class HubTestBenchmarks
{
    private const int Rounds = 100;

    [Params(2, 100)]
    public int Greenlets { get; set; }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rounds)]
    public void PlainHubOnAFreshThread()
    {
        var thread = new Thread(() => HubWorkloads.SleepZeroRoundRobin(Greenlets, Rounds)) { IsBackground = true };
        thread.Start();
        thread.Join();
    }

    [Benchmark(OperationsPerInvoke = Rounds)]
    public HubTestRun HubTestRunFifo() => HubTest.Run(() => HubWorkloads.SleepZeroRoundRobin(Greenlets, Rounds));
}
