using System.Diagnostics;

namespace Greenlets.Tests;

/// <summary>Bounded stress runs (the Stress category): abandonment at scale and thread exits with suspended greenlets.</summary>
[Trait("Category", "Stress")]
[Collection(SerialCollection.Name)]
public sealed class StressTests
{
    private static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        _ = Greenlet.Current;
    }

    [Fact]
    public void Abandon_HundredThousandInEveryState_ThreadsAndMemoryReturnToABound() => OnThread.RunWithProgress(progress =>
    {
        // Each batch is a step of the hang guard: on a busy machine the whole run can take minutes, a batch does not.
        // 100,000 greenlets in batches of 10,000 (a third pending, a third suspended, a third dead), dropped after each batch.
        using var process = Process.GetCurrentProcess();
        Collect();
        process.Refresh();
        int threadsBefore = process.Threads.Count;
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        int finallies = 0;
        int suspended = 0;
        int dead = 0;
        for (int batch = 0; batch < 10; batch++)
        {
            var (s, d) = Abandonment.Abandon(10_000, () => Interlocked.Increment(ref finallies));
            suspended += s;
            dead += d;
            Collect();
            progress();
        }

        Assert.Equal(suspended + dead, Volatile.Read(ref finallies));
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(heapAfter - heapBefore < 16 * 1024 * 1024, $"managed heap grew by {(heapAfter - heapBefore) / 1024} KiB");
        int bound = threadsBefore + GreenletOptions.MaxIdleThreads + 16;
        Abandonment.AssertThreadsReturnTo(process, bound);
    });

    [Fact]
    public void ThreadExit_TenThreadsWithHundredSuspendedEach_AllUnwound() => OnThread.Run(() =>
    {
        const int threads = 10;
        const int perThread = 100;
        using var finallies = new CountdownEvent(threads * perThread);
        var owners = Enumerable.Range(0, threads)
            .Select(_ => new Thread(() => Abandonment.LeaveSuspended(perThread, () => finallies.Signal())))
            .ToList();
        owners.ForEach(t => t.Start());
        owners.ForEach(t => Assert.True(t.Join(TestTimeouts.Unexpected)));
        Assert.True(finallies.Wait(TestTimeouts.Unexpected), $"{finallies.CurrentCount} suspended greenlets were not unwound");
    });
}
