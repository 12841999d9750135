using System.Threading.Tasks.Sources;
using BenchmarkDotNet.Attributes;
using Greenlets.Bench.Compare;

namespace Greenlets.Bench;

/// <summary>One-way switch cost between async continuations: <see cref="AsyncGreenlet"/> against a <see cref="TaskCompletionSource{TResult}"/> ping-pong,
/// and what the switch's reusable <see cref="IValueTaskSource{TResult}"/> saves over a fresh task completion source per switch.</summary>
[MemoryDiagnoser]
public class AsyncSwitchBenchmarks
{
    private const int Switches = 10_000;

    private readonly ReusableSource _reusable = new();

    private TaskCompletionSource<int>? _slot;

    /// <summary>A loop resumes an async method parked on a fresh <see cref="TaskCompletionSource{TResult}"/> (inline continuation) and it parks again: two one-way switches per round.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Switches)]
    public Task TaskCompletionSourcePingPong()
    {
        Task ponger = Ponger(Switches / 2);
        for (int i = 0; i < Switches / 2; i++)
        {
            _slot!.SetResult(i);
        }

        return ponger;
    }

    /// <summary>The same ping-pong as <see cref="TaskCompletionSourcePingPong"/> with one reusable value-task source (the
    /// mechanism of <see cref="AsyncGreenlet"/>'s switch) in place of a fresh task completion source per park: the
    /// difference is what the reusable source saves.</summary>
    [Benchmark(OperationsPerInvoke = Switches)]
    public Task ReusableSourcePingPong()
    {
        Task ponger = ReusablePonger(Switches / 2);
        for (int i = 0; i < Switches / 2; i++)
        {
            _reusable.Complete(i);
        }

        return ponger;
    }

    /// <summary>Two async greenlets switch to each other.</summary>
    [Benchmark(OperationsPerInvoke = Switches)]
    public Task AsyncGreenletPingPong() => AsyncSwitchPingPongWorkload.PingPong(Switches);

    /// <summary>Outside (synchronous) code, the main greenlet, and one async greenlet switch to each other.</summary>
    [Benchmark(OperationsPerInvoke = Switches)]
    public object? MainGreenletPingPong()
    {
        AsyncGreenlet main = AsyncGreenlet.Current;
        var g = new AsyncGreenlet(async x =>
        {
            while (true)
            {
                x = await main.SwitchAsync(x);
            }
        });
        object? last = null;
        for (int i = 0; i < Switches / 2; i++)
        {
            last = g.SwitchAsync(last).AsTask().GetAwaiter().GetResult();
        }

        return g.ThrowAsync().AsTask().GetAwaiter().GetResult() ?? last;
    }

    /// <summary>A ring of 100 async greenlets passes control around (a shared countdown, so no value is boxed).</summary>
    [Benchmark(OperationsPerInvoke = Switches)]
    public async Task<object?> AsyncGreenletRing100()
    {
        const int count = 100;
        var ring = new AsyncGreenlet[count];
        int hops = Switches;
        for (int i = 0; i < count; i++)
        {
            int index = i;
            ring[i] = new AsyncGreenlet(async _ =>
            {
                AsyncGreenlet nextOne = ring[(index + 1) % count];
                while (--hops > 0)
                {
                    await nextOne.SwitchAsync();
                }

                return null;
            });
        }

        return await ring[0].SwitchAsync();
    }

    private async Task ReusablePonger(int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            await _reusable.Next();
        }
    }

    private async Task Ponger(int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            _slot = new TaskCompletionSource<int>();
            await _slot.Task;
        }
    }

    /// <summary>A value-task source reused by every park, resumed inline (the shape of <see cref="AsyncGreenlet"/>'s own).</summary>
    private sealed class ReusableSource : IValueTaskSource<int>
    {
        private ManualResetValueTaskSourceCore<int> _core;

        public ValueTask<int> Next() => new(this, _core.Version);

        public void Complete(int value) => _core.SetResult(value);

        public int GetResult(short token)
        {
            int value = _core.GetResult(token);

            // Awaited once: the next park gets a fresh version of the same object.
            _core.Reset();
            return value;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
