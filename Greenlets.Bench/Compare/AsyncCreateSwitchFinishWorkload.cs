using System.Diagnostics;

namespace Greenlets.Bench.Compare;

/// <summary><c>async_create_switch_finish</c>: <c>new AsyncGreenlet(f).SwitchAsync()</c> where <c>f</c> returns at once; ns each.</summary>
public sealed class AsyncCreateSwitchFinishWorkload : ICompareWorkload
{
    private static readonly Func<object?, ValueTask<object?>> Body = static x => new ValueTask<object?>(x);

    public string Name => "async_create_switch_finish";

    public string Unit => "ns/op";

    public double Measure() => AsyncWorkloads.RunInFreshFlow(async () =>
    {
        await Loop(100_000);
        const int batch = 100_000;
        long count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 400)
        {
            await Loop(batch);
            count += batch;
        }

        return clock.Elapsed.TotalNanoseconds / count;
    });

    internal static async Task Loop(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await new AsyncGreenlet(Body).SwitchAsync();
        }
    }
}
