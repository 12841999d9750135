using BenchmarkDotNet.Attributes;

namespace Greenlets.Bench;

/// <summary>Create a greenlet, switch into it, let it finish (<c>greenlet(f).switch()</c>), against a new OS thread and
/// <see cref="Task.Run(Action)"/> doing the same empty work.</summary>
[MemoryDiagnoser]
public class CreateBenchmarks
{
    private const int Count = 1_000;

    [GlobalSetup(Target = nameof(GreenletCreateSwitchFinish))]
    public void Setup() => Workloads.CreateSwitchFinish();

    [Benchmark(OperationsPerInvoke = Count)]
    public void GreenletCreateSwitchFinish()
    {
        for (int i = 0; i < Count; i++)
        {
            Workloads.CreateSwitchFinish();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public void TaskRunWait()
    {
        for (int i = 0; i < Count; i++)
        {
            Task.Run(static () => { }).Wait();
        }
    }

    [Benchmark(OperationsPerInvoke = Count / 10)]
    public void NewThreadStartJoin()
    {
        for (int i = 0; i < Count / 10; i++)
        {
            var thread = new Thread(static () => { }, 256 * 1024);
            thread.Start();
            thread.Join();
        }
    }
}
