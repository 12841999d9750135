using System.Diagnostics;
using System.Globalization;
using Greenlets;

namespace Greenlets.Bench.Soak;

/// <summary>
/// The soak run (not in CI): 1,000 greenlets under the hub switching for a given time (sleep(0) round robin, events,
/// a bounded queue and short timers), with memory, thread count and switch rate sampled every 10 seconds.
/// </summary>
public static class SoakRunner
{
    public static void Run(TimeSpan duration, int greenlets = 1000)
    {
        Console.WriteLine($"soak: {greenlets} greenlets for {duration.TotalMinutes:0.#} min, {Environment.ProcessorCount} CPUs, .NET {Environment.Version}");
        Console.WriteLine("elapsed_s\trss_MiB\theap_MiB\tthreads\tops\tops_per_s");
        using var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        long ops = 0;
        long timeouts = 0;
        bool stop = false;
        var queue = new GreenQueue<int>(64);
        var tick = new GreenEvent();
        var tasks = new List<GreenTask>();
        for (int i = 0; i < greenlets; i++)
        {
            int kind = i % 4;
            tasks.Add(Hub.Spawn(() =>
            {
                while (!Volatile.Read(ref stop))
                {
                    switch (kind)
                    {
                        case 0:
                            Hub.Sleep(TimeSpan.Zero);
                            break;
                        case 1:
                            try
                            {
                                queue.Put(1, TimeSpan.FromSeconds(1));
                            }
                            catch (GreenTimeoutException)
                            {
                                timeouts++;
                            }

                            break;
                        case 2:
                            try
                            {
                                queue.Get(TimeSpan.FromSeconds(1));
                            }
                            catch (GreenTimeoutException)
                            {
                                timeouts++;
                            }

                            break;
                        default:
                            tick.Wait(TimeSpan.FromMilliseconds(5));
                            break;
                    }

                    ops++;
                }
            }));
        }

        long lastOps = 0;
        TimeSpan lastSample = TimeSpan.Zero;
        tasks.Add(Hub.Spawn(() =>
        {
            while (clock.Elapsed < duration)
            {
                Hub.Sleep(TimeSpan.FromSeconds(10));
                tick.Set();
                tick.Clear();
                process.Refresh();
                TimeSpan now = clock.Elapsed;
                double rate = (ops - lastOps) / (now - lastSample).TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{now.TotalSeconds:0}\t{process.WorkingSet64 / 1048576.0:0.0}\t{GC.GetTotalMemory(false) / 1048576.0:0.0}\t{process.Threads.Count}\t{ops}\t{rate:0}"));
                lastOps = ops;
                lastSample = now;
            }

            Volatile.Write(ref stop, true);
        }));
        Hub.JoinAll(tasks);
        Console.WriteLine($"soak done: {ops:N0} operations, {timeouts:N0} queue timeouts, in {clock.Elapsed.TotalSeconds:0} s");
    }
}
