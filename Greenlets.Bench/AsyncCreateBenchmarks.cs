using BenchmarkDotNet.Attributes;

namespace Greenlets.Bench;

/// <summary>Create + first switch + finish of an async greenlet, against an async method parked on and resumed by a <see cref="TaskCompletionSource"/>.</summary>
[MemoryDiagnoser]
public class AsyncCreateBenchmarks
{
    private const int Count = 1_000;

    private static readonly Func<object?, ValueTask<object?>> ReturnAtOnce = static x => new ValueTask<object?>(x);

    /// <summary>An async method is created, parks on a fresh <see cref="TaskCompletionSource"/>, is resumed and finishes.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public async Task AsyncMethodParkResumeFinish()
    {
        for (int i = 0; i < Count; i++)
        {
            var gate = new TaskCompletionSource();
            Task parked = Park(gate);
            gate.SetResult();
            await parked;
        }
    }

    /// <summary><c>new AsyncGreenlet(f).SwitchAsync()</c> where <c>f</c> returns at once (Python's <c>greenlet(f).switch()</c>).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<object?> CreateSwitchFinish()
    {
        object? last = null;
        for (int i = 0; i < Count; i++)
        {
            last = await new AsyncGreenlet(ReturnAtOnce).SwitchAsync(i);
        }

        return last;
    }

    /// <summary>A greenlet is created and started, switches back to main once (parks), is resumed and finishes.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<object?> CreateSwitchParkResumeFinish()
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        Func<object?, ValueTask<object?>> body = async x => await main.SwitchAsync(x);
        object? last = null;
        for (int i = 0; i < Count; i++)
        {
            var g = new AsyncGreenlet(body);
            await g.SwitchAsync(i);
            last = await g.SwitchAsync(i);
        }

        return last;
    }

    private static async Task Park(TaskCompletionSource gate) => await gate.Task;
}
