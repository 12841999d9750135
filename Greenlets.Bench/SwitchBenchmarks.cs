using BenchmarkDotNet.Attributes;

namespace Greenlets.Bench;

/// <summary>Ping-pong between two greenlets, against two OS threads handing off through <see cref="SemaphoreSlim"/>.</summary>
/// <remarks>One operation is one one-way switch (a round trip counts two).</remarks>
[MemoryDiagnoser]
public class SwitchBenchmarks
{
    private const int RoundTrips = 10_000;

    private Greenlet _echo = null!;
    private SemaphoreSlim _ping = null!;
    private SemaphoreSlim _pong = null!;
    private Thread _partner = null!;
    private volatile bool _stop;

    [GlobalSetup(Target = nameof(GreenletSwitch))]
    public void SetupGreenlet()
    {
        _echo = Workloads.StartEcho();
        Workloads.PingPong(_echo, RoundTrips);
    }

    [GlobalCleanup(Target = nameof(GreenletSwitch))]
    public void CleanupGreenlet() => Workloads.Kill(_echo);

    [Benchmark(OperationsPerInvoke = 2 * RoundTrips)]
    public void GreenletSwitch() => Workloads.PingPong(_echo, RoundTrips);

    [GlobalSetup(Target = nameof(SemaphoreSlimThreads))]
    public void SetupThreads()
    {
        _ping = new SemaphoreSlim(0);
        _pong = new SemaphoreSlim(0);
        _stop = false;
        _partner = new Thread(() =>
        {
            while (true)
            {
                _ping.Wait();
                if (_stop)
                {
                    return;
                }

                _pong.Release();
            }
        }) { IsBackground = true };
        _partner.Start();
    }

    [GlobalCleanup(Target = nameof(SemaphoreSlimThreads))]
    public void CleanupThreads()
    {
        _stop = true;
        _ping.Release();
        _partner.Join();
        _ping.Dispose();
        _pong.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * RoundTrips)]
    public void SemaphoreSlimThreads()
    {
        for (int i = 0; i < RoundTrips; i++)
        {
            _ping.Release();
            _pong.Wait();
        }
    }
}
