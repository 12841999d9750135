using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Greenlets.Bench;

/// <summary>Resident memory per suspended greenlet with 1,000 and 10,000 of them live, against parked
/// <see cref="SemaphoreSlim"/> threads and pending tasks. The <c>RSS/item</c> column is the measurement; the time is that
/// of starting them.</summary>
/// <remarks>Only the first invocation in each benchmark process is recorded: a later one reuses the stacks that the
/// first freed and reads far too low. The default job therefore runs three fresh processes of one iteration each.
/// The CI smoke run (<c>GREENLETS_BENCH_SMOKE=1</c>, set by <c>smoke.sh</c>) keeps only its <c>--job Dry</c> and the
/// 1,000 size: 10,000 parked threads take seconds per process on a busy machine and prove nothing more there.</remarks>
[MemoryDiagnoser]
[Config(typeof(RssConfig))]
public class MemoryBenchmarks
{
    private static bool recorded;

    /// <summary>How many items each benchmark keeps live.</summary>
    [ParamsSource(nameof(Counts))]
    public int Count { get; set; }

    /// <summary>The sizes measured: 1,000 and 10,000, or 1,000 alone in the smoke run.</summary>
    public static IEnumerable<int> Counts => SmokeRun ? [1_000] : [1_000, 10_000];

    private static bool SmokeRun => Environment.GetEnvironmentVariable("GREENLETS_BENCH_SMOKE") == "1";

    [Benchmark]
    public void SuspendedGreenlets()
    {
        long before = Workloads.ResidentBytes();
        Greenlet[] all = Workloads.Suspended(Count);
        Record(nameof(SuspendedGreenlets), before);
        foreach (Greenlet g in all)
        {
            Workloads.Kill(g);
        }
    }

    [Benchmark(Baseline = true)]
    public void ParkedThreads()
    {
        long before = Workloads.ResidentBytes();
        using var gate = new SemaphoreSlim(0);
        var threads = new Thread[Count];
        for (int i = 0; i < Count; i++)
        {
            threads[i] = new Thread(() => gate.Wait(), 256 * 1024) { IsBackground = true };
            threads[i].Start();
        }

        Record(nameof(ParkedThreads), before);
        gate.Release(Count);
        foreach (Thread t in threads)
        {
            t.Join();
        }
    }

    [Benchmark]
    public void PendingTasks()
    {
        long before = Workloads.ResidentBytes();
        var release = new TaskCompletionSource();
        var tasks = new Task[Count];
        for (int i = 0; i < Count; i++)
        {
            tasks[i] = Wait(release.Task);
        }

        Record(nameof(PendingTasks), before);
        release.SetResult();
        Task.WaitAll(tasks);

        static async Task Wait(Task task) => await task;
    }

    private void Record(string method, long before)
    {
        if (recorded)
        {
            return;
        }

        recorded = true;
        double perItem = (double)(Workloads.ResidentBytes() - before) / Count;
        string key = $"{method}-{Count}";
        File.AppendAllText(RssColumn.FilePath, FormattableString.Invariant($"{key}\t{perItem}\n"));
    }

    private sealed class RssConfig : ManualConfig
    {
        public RssConfig()
        {
            AddColumn(new RssColumn());
            if (!SmokeRun)
            {
                AddJob(Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(3).WithWarmupCount(0).WithIterationCount(1));
            }
        }
    }

    /// <summary>Shows the median resident bytes per item that the benchmark processes appended to a shared file
    /// (emptied by <c>Program.cs</c> when a run starts).</summary>
    internal sealed class RssColumn : IColumn
    {
        public static string FilePath { get; } = Path.Combine(Path.GetTempPath(), "greenlets-bench-rss.tsv");

        public string Id => "RssPerItem";

        public string ColumnName => "RSS/item";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Size;

        public string Legend => "Median resident memory added per live item (bytes)";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            string key = $"{benchmarkCase.Descriptor.WorkloadMethod.Name}-{benchmarkCase.Parameters["Count"]}";
            if (!File.Exists(FilePath))
            {
                return "-";
            }

            double[] values = File.ReadAllLines(FilePath)
                .Select(line => line.Split('\t'))
                .Where(parts => parts.Length == 2 && parts[0] == key)
                .Select(parts => double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture))
                .Order()
                .ToArray();
            return values.Length == 0 ? "-" : FormattableString.Invariant($"{values[values.Length / 2]:0} B");
        }
    }
}
