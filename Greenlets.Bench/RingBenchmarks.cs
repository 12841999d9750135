using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Greenlets.Bench;

/// <summary>A ring of 100 greenlets passing the baton (cold switches), and greenlet's chain benchmark with 10,000
/// greenlets; against a ring of 100 tasks passing a value through <see cref="Channel{T}"/>s.</summary>
[MemoryDiagnoser]
public class RingBenchmarks
{
    private const int RingSize = 100;
    private const int Switches = 10_000;
    private const int ChainLength = 10_000;

    private Workloads.Ring _ring = null!;
    private Channel<int>[] _channels = null!;
    private Task[] _tasks = null!;
    private Greenlet[]? _chainLinks;

    [GlobalSetup(Target = nameof(GreenletRing100))]
    public void SetupRing()
    {
        _ring = new Workloads.Ring(RingSize);
        _ring.Run(Switches);
    }

    [GlobalCleanup(Target = nameof(GreenletRing100))]
    public void CleanupRing() => _ring.Dispose();

    /// <summary>One operation is one switch from one ring member to the next.</summary>
    [Benchmark(OperationsPerInvoke = Switches)]
    public void GreenletRing100() => _ring.Run(Switches);

    [GlobalSetup(Target = nameof(ChannelTaskRing100))]
    public void SetupChannels()
    {
        _channels = new Channel<int>[RingSize];
        for (int i = 0; i < RingSize; i++)
        {
            _channels[i] = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        }

        _tasks = new Task[RingSize - 1];
        for (int i = 1; i < RingSize; i++)
        {
            ChannelReader<int> input = _channels[i].Reader;
            ChannelWriter<int> output = _channels[(i + 1) % RingSize].Writer;
            _tasks[i - 1] = Task.Run(async () =>
            {
                await foreach (int value in input.ReadAllAsync())
                {
                    output.TryWrite(value);
                }
            });
        }
    }

    [GlobalCleanup(Target = nameof(ChannelTaskRing100))]
    public void CleanupChannels()
    {
        foreach (Channel<int> channel in _channels)
        {
            channel.Writer.TryComplete();
        }

        Task.WaitAll(_tasks);
    }

    /// <summary>The baseline: 99 tasks and the benchmark thread pass a value round a ring of channels; one operation is
    /// one hop.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Switches)]
    public void ChannelTaskRing100()
    {
        ChannelWriter<int> first = _channels[1].Writer;
        ChannelReader<int> last = _channels[0].Reader;
        for (int round = 0; round < Switches / RingSize; round++)
        {
            first.TryWrite(round);
            last.ReadAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>greenlet's <c>benchmarks/chain.py</c> with 10,000 greenlets; one operation is one link (create, start,
    /// pass the value on). Tearing the chain down is not timed.</summary>
    [Benchmark(OperationsPerInvoke = ChainLength)]
    public int GreenletChain10000()
    {
        (Greenlet[] links, int result) = Workloads.Chain(ChainLength);
        _chainLinks = links;
        return result;
    }

    [IterationCleanup(Target = nameof(GreenletChain10000))]
    public void CleanupChain()
    {
        foreach (Greenlet g in _chainLinks ?? [])
        {
            Workloads.Kill(g);
        }

        _chainLinks = null;
    }
}
