using BenchmarkDotNet.Attributes;
using Greenlets.Bench.Compare;

namespace Greenlets.Bench;

/// <summary>
/// Bytes per suspended async greenlet: each operation creates a greenlet and leaves it suspended in a switch, kept alive,
/// so the Allocated column is the memory one suspended greenlet holds; the baseline is an async method parked on a task.
/// The side-by-side <see cref="AsyncMemorySuspendedWorkload"/> measures the same with 1,000,000 live greenlets.
/// </summary>
[MemoryDiagnoser]
public class AsyncMemoryBenchmarks
{
    private const int Count = 10_000;

    private readonly object?[] _live = new object?[Count];
    private readonly TaskCompletionSource _never = new();

    [IterationCleanup]
    public void Release() => Array.Clear(_live);

    /// <summary>An async method parked on a task that never completes.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public void ParkedAsyncMethod()
    {
        for (int i = 0; i < Count; i++)
        {
            _live[i] = Park(_never.Task);
        }
    }

    /// <summary>An async greenlet started and suspended in its switch back to main.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public async Task SuspendedAsyncGreenlet()
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        Func<object?, ValueTask<object?>> body = async x =>
        {
            await main.SwitchAsync();
            return x;
        };
        for (int i = 0; i < Count; i++)
        {
            var g = new AsyncGreenlet(body);
            await g.SwitchAsync();
            _live[i] = g;
        }
    }

    private static async Task<object?> Park(Task never)
    {
        await never;
        return null;
    }
}
