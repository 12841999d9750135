using System.Diagnostics;

namespace Greenlets.Bench.Compare;

/// <summary><c>async_switch_pingpong</c>: two async greenlets switch to each other; ns per one-way switch.</summary>
public sealed class AsyncSwitchPingPongWorkload : ICompareWorkload
{
    public string Name => "async_switch_pingpong";

    public string Unit => "ns/op";

    public double Measure() => AsyncWorkloads.RunInFreshFlow(async () =>
    {
        await PingPong(200_000);
        const int batch = 1_000_000;
        long switches = 0;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 400)
        {
            await PingPong(batch);
            switches += batch;
        }

        return clock.Elapsed.TotalNanoseconds / switches;
    });

    /// <summary>Makes <paramref name="switches"/> one-way switches between two greenlets (plus their start and end).</summary>
    internal static async Task PingPong(int switches)
    {
        AsyncGreenlet? pong = null;
        var ping = new AsyncGreenlet(async _ =>
        {
            for (int i = 0; i < switches / 2; i++)
            {
                await pong!.SwitchAsync();
            }

            return null;
        });
        pong = new AsyncGreenlet(async _ =>
        {
            while (true)
            {
                await ping.SwitchAsync();
            }
        });
        await ping.SwitchAsync();
        await pong.ThrowAsync();
    }
}
